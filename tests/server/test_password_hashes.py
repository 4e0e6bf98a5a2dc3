"""The production password hasher (the other tests use a cheap one: tests/conftest.py's CHEAP_HASHER): argon2id at
its full cost, a password checked against it, and an unknown user's check made against a hash of the same cost."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from platewatch.server.accounts import security
from tests.conftest import CHEAP_HASHER

FULL_COST = "$argon2id$v=19$m=65536,t=3,p=4$"


def test_a_password_is_kept_as_an_argon2id_hash_at_the_production_cost(
    cheap_password_hashes: tuple[PasswordHasher, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher, dummy = cheap_password_hashes
    monkeypatch.setattr(security, "_hasher", hasher)
    monkeypatch.setattr(security, "_DUMMY_HASH", dummy)
    stored = security.hash_password("correct horse battery staple")
    assert stored.startswith(FULL_COST)
    assert security.verify_password(stored, "correct horse battery staple")
    assert not security.verify_password(stored, "correct horse battery stapler")
    assert not security.verify_password("not a hash", "correct horse battery staple")
    assert dummy.startswith(FULL_COST)  # an unknown username costs as much as a known one's check
    security.dummy_verify()


def test_the_tests_cheap_hasher_is_argon2id_too_and_only_cheaper() -> None:
    stored = CHEAP_HASHER.hash("correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    assert PasswordHasher().verify(stored, "correct horse battery staple")  # the same scheme, checked alike
    assert security._hasher is CHEAP_HASHER  # what every other test uses
