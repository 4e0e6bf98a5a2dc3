"""The store's lock on SQLite and PostgreSQL: servers share it, a restore holds it alone, and both let go of it."""

from __future__ import annotations

import pytest

from platewatch.server.db import store_lock


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
