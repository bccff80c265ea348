"""SSA users (seed 002): request bodies of ``/auth/*``, the stored record and its wire views."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from shared.timefmt import iso_s

# Addresses are ASCII (RFC 5322 "dot-atom" local part, dotted DNS domain with a letters-only top level).
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("value is not a valid email address")
    return value


def _password_rules(value: str) -> str:
    missing = []
    if not any(c.isupper() for c in value):
        missing.append("one uppercase letter")
    if not any(c.islower() for c in value):
        missing.append("one lowercase letter")
    if not any(c.isdigit() for c in value):
        missing.append("one number")
    if not any(not c.isalnum() and not c.isspace() for c in value):
        missing.append("one special character")
    if missing:
        raise ValueError("password must contain at least " + ", ".join(missing))
    return value


Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=100), AfterValidator(_email)]
UserName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
NewPassword = Annotated[str, Field(min_length=8, max_length=128), AfterValidator(_password_rules)]


class RegisterRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    email: Email
    name: UserName
    password: NewPassword


class LoginRequest(BaseModel):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    # Bounded like a registered password: nothing longer can match, and the hash work stays bounded.
    password: Annotated[str, Field(min_length=1, max_length=128)]


class RefreshRequest(BaseModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=4096)]


class User(BaseModel):
    """The stored user. ``password_hash`` never leaves the data-access and logic layers."""

    id: int
    email: str
    name: str
    password_hash: str = Field(repr=False)
    is_active: bool = True
    is_admin: bool = False
    is_staff: bool = False
    is_superuser: bool = False
    date_joined: datetime

    @property
    def subject(self) -> str:
        """The JWT ``sub``: prefixed so it never collides with an API-token owner's name."""
        return f"user-{self.id}"

    @property
    def scopes(self) -> list[str]:
        return ["ssa", "admin"] if self.is_admin else ["ssa"]


def user_view(user: User) -> dict:
    """``POST /auth/register``'s body."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "is_active": user.is_active,
        "is_admin": user.is_admin,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "date_joined": iso_s(user.date_joined),
    }


def login_user_view(user: User) -> dict:
    """The ``user`` object of ``POST /auth/login``."""
    return {"id": user.id, "email": user.email, "name": user.name, "is_active": user.is_active,
            "is_admin": user.is_admin}


def email_key(email: str) -> str:
    return email.strip().lower()


def name_key(name: str) -> str:
    return name.strip().casefold()
