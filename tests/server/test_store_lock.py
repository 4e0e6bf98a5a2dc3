"""The store's lock on SQLite and PostgreSQL: servers share it, a restore holds it alone, and both let go of it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from platewatch.server.app import create_app
from platewatch.server.db import store_lock
from platewatch.server.settings import Settings
from tests.conftest import Clock
from tests.support.live_server import serving
from tests.support.store_lock_sessions import (
    end_lock_sessions,
    lock_holders,
    postgresql_only,
    restore_after_a_restart,
    wait_until_held,
)


def test_servers_share_the_store_and_a_restore_waits_for_none_of_them(database_url: str) -> None:
    with (
        store_lock.serving(database_url),
        store_lock.serving(database_url),  # two workers
        pytest.raises(store_lock.StoreInUse, match="a PlateWatch server is running on this store"),
        store_lock.restoring(database_url),
    ):
        pytest.fail("restored under a running server")
    with store_lock.restoring(database_url):  # both stopped: the restore goes ahead
        with pytest.raises(store_lock.StoreInUse, match="a backup is being restored into this store"):  # noqa: SIM117
            with store_lock.serving(database_url):
                pytest.fail("served during a restore")
        with pytest.raises(store_lock.StoreInUse, match="or another restore is"):  # noqa: SIM117
            with store_lock.restoring(database_url):
                pytest.fail("two restores at once")
    with store_lock.serving(database_url):  # the restore finished
        pass


def test_a_server_that_fails_lets_go_of_the_lock(database_url: str) -> None:
    with pytest.raises(OSError, match="the port is taken"), store_lock.serving(database_url):
        raise OSError("the port is taken")
    with store_lock.restoring(database_url):
        pass


def test_a_file_lock_has_nothing_to_keep(tmp_path: Path) -> None:
    with store_lock.serving(f"sqlite:///{tmp_path / 'platewatch.db'}") as holding:
        assert holding.keep() is False


def test_a_lock_postgresql_dropped_is_taken_again(database_url: str) -> None:
    """A restart of PostgreSQL ends the server's lock session: until `keep` takes the lock again, a restore would
    find the store free."""
    postgresql_only(database_url)
    with store_lock.serving(database_url) as holding:
        assert holding.keep() is False  # held: nothing to do
        (before,) = lock_holders(database_url)
        assert end_lock_sessions(database_url) == 1
        assert lock_holders(database_url) == []  # the gap the server must close
        assert holding.keep() is True
        (after,) = lock_holders(database_url)
        assert after != before
        with pytest.raises(store_lock.StoreInUse, match="a PlateWatch server is running on this store"):  # noqa: SIM117
            with store_lock.restoring(database_url):
                pytest.fail("restored under a running server")
        assert holding.keep() is False
    assert lock_holders(database_url) == []  # released at the end, on the new session


def test_a_lock_a_restore_took_meanwhile_is_not_taken_again(database_url: str) -> None:
    postgresql_only(database_url)
    with store_lock.serving(database_url) as holding, restore_after_a_restart(database_url):
        with pytest.raises(store_lock.StoreInUse, match="a backup is being restored into this store"):
            holding.keep()
        with pytest.raises(store_lock.StoreInUse):  # and still not, asked again
            holding.keep()
    with store_lock.restoring(database_url):  # the lost server's end released nothing it did not hold
        pass


def test_a_server_takes_its_lock_again_after_postgresql_restarts(
    database_url: str, tmp_path: Path, clock: Clock
) -> None:
    """The running server keeps a restore out after its lock session ended; if a restore got in first, the server
    answers nothing from the store it no longer holds, says why, and asks to be stopped."""
    postgresql_only(database_url)
    stops: list[str] = []
    settings = Settings(
        database_url=database_url, data_dir=tmp_path / "data", purge_every_minutes=0, store_lock_check_seconds=0.1
    )
    app = create_app(settings, clock=clock, on_store_lost=lambda: stops.append("stop"))
    try:
        with serving(app) as base:
            (first,) = wait_until_held(database_url)
            assert end_lock_sessions(database_url) == 1
            (again,) = wait_until_held(database_url)  # taken again by the server's own check
            assert again != first
            with pytest.raises(store_lock.StoreInUse, match="a PlateWatch server is running"):  # noqa: SIM117
                with store_lock.restoring(database_url):
                    pytest.fail("restored under a running server")
            assert httpx.get(f"{base}/api/v1/health").status_code == 200 and stops == []

            with restore_after_a_restart(database_url):
                health = _until(lambda: httpx.get(f"{base}/api/v1/health"), lambda r: r.status_code == 503)
                assert health.json()["error"] == "store_restored"
                assert (
                    "this server stopped serving: a backup is being restored into this store"
                    in (health.json()["message"])
                )
                login = httpx.post(f"{base}/api/v1/auth/login", json={"username": "x", "password": "y"})
                assert login.status_code == 503 and login.json()["error"] == "store_restored"
                assert stops == ["stop"]
            assert lock_holders(database_url) == []  # it did not take the restored store back
    finally:
        app.state.engine.dispose()
    assert stops == ["stop"]  # asked once


def _until(ask: Callable[[], httpx.Response], done: Callable[[httpx.Response], bool]) -> httpx.Response:
    deadline = time.monotonic() + 20
    while not done(answer := ask()):
        assert time.monotonic() < deadline, f"still {answer.status_code} {answer.text}"
        time.sleep(0.05)
    return answer
