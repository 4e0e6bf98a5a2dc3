"""Secrets: argon2 password hashes, random tokens stored as SHA-256, TOTP verification."""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12
_BANNED = frozenset({"password1234", "123456789012", "qwertyuiopas", "platewatch12", "changeme1234"})


class WeakPasswordError(ValueError):
    """A password that fails the length or banned-list rule (CJIS v6: ≥ 8, banned list, no composition)."""


def check_password_strength(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    lowered = password.lower()
    if lowered in _BANNED or username.lower() in lowered:
        raise WeakPasswordError("password is on the banned list or contains the username")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend the time of one verification so unknown usernames cannot be told apart by timing."""
    verify_password(_DUMMY_HASH, "not-the-password")


_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def new_token(prefix: str) -> str:
    """A random bearer token; `prefix` says what it is (pws_ session, pwu_ unit)."""
    return prefix + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def generate_one_time_password() -> str:
    return secrets.token_urlsafe(12)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, username: str, issuer: str) -> str:
    return str(pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer))


def totp_step(code: str, secret: str, last_step: int, now: float | None = None) -> int | None:
    """The time step a valid TOTP `code` belongs to (±1 step of drift), or None.

    A code whose step is not after `last_step` is refused, so a code cannot be replayed.
    """
    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    t = time.time() if now is None else now
    current = int(t // totp.interval)
    for step in (current, current - 1, current + 1):
        if step > last_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None
