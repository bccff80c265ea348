"""Password hashing: argon2id with OWASP's parameters (m = 19 MiB, t = 2, p = 1) through argon2-cffi — the
``PasswordHasher`` adapter.

Stored form: argon2's own PHC string (``$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>``); the parameters
travel with the hash. Hashes written before argon2 (``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>``, the
standard library's scrypt) still verify, and ``needs_rehash`` says so: the Accounts use case re-hashes them
with argon2id at the next successful login. Comparisons are constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP Password Storage Cheat Sheet, argon2id: m = 19 MiB, t = 2, p = 1.
ARGON2_MEMORY_KIB, ARGON2_TIME_COST, ARGON2_PARALLELISM = 19 * 1024, 2, 1
_ARGON2 = _Argon2(time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM,
                  hash_len=32, salt_len=16, type=Type.ID)

# The former scheme, kept to verify hashes stored before argon2id.
N, R, P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * 1024 * 1024, dklen=dklen)


def hash_password_scrypt(password: str) -> str:
    """A hash in the former scrypt form (tests of the migration only; new hashes are argon2id)."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, N, R, P, KEY_BYTES)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(key).decode()}"


def _verify_scrypt(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, key_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, key = base64.b64decode(salt_b64), base64.b64decode(key_b64)
        candidate = _scrypt(password, salt, int(n), int(r), int(p), len(key))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, key)


def hash_password(password: str) -> str:
    return _ARGON2.hash(password.encode("utf-8", "surrogatepass"))


def verify_password(password: str, stored: str) -> bool:
    if stored.startswith("scrypt$"):
        return _verify_scrypt(password, stored)
    try:
        return _ARGON2.verify(stored, password.encode("utf-8", "surrogatepass"))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True for scrypt hashes and argon2 hashes with other parameters than today's."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return _ARGON2.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def burn_verification(password: str) -> None:
    """The same work as a real verification, for unknown emails: the answer time does not reveal them."""
    verify_password(password, _dummy_hash())


class Argon2PasswordHasher:
    """The domain's ``PasswordHasher`` port over the functions above."""

    def hash(self, password: str) -> str:
        return hash_password(password)

    def verify(self, password: str, stored: str) -> bool:
        return verify_password(password, stored)

    def needs_rehash(self, stored: str) -> bool:
        return needs_rehash(stored)

    def burn(self, password: str) -> None:
        burn_verification(password)
