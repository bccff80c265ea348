"""Password hashing with the standard library's scrypt (no extra dependency): the ``PasswordHasher`` adapter.

Stored form: ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`` — the parameters travel with the hash, so they
can be raised later without invalidating stored passwords. Comparison is constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

N, R, P = 2**14, 8, 1  # 16 MiB, ≈40 ms per hash on this machine
SALT_BYTES, KEY_BYTES = 16, 32


def _derive(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * 1024 * 1024, dklen=dklen)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, N, R, P, KEY_BYTES)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(key).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, key_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, key = base64.b64decode(salt_b64), base64.b64decode(key_b64)
        candidate = _derive(password, salt, int(n), int(r), int(p), len(key))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, key)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def burn_verification(password: str) -> None:
    """The same work as a real verification, for unknown emails: the answer time does not reveal them."""
    verify_password(password, _dummy_hash())


class ScryptPasswordHasher:
    """The domain's ``PasswordHasher`` port over the functions above."""

    def hash(self, password: str) -> str:
        return hash_password(password)

    def verify(self, password: str, stored: str) -> bool:
        return verify_password(password, stored)

    def burn(self, password: str) -> None:
        burn_verification(password)
