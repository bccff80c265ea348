"""SSA user accounts: the stored user, what a registration must satisfy (seed 002's rules) and the
case-insensitive keys that keep emails and names unique."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# Addresses are ASCII (RFC 5322 "dot-atom" local part, dotted DNS domain with a letters-only top level).
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


USER_SUBJECT_PREFIX = "user-"


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


class Registration(BaseModel):
    """A new account as asked for: a valid email, a name and a password obeying the rules (both email
    and name unique, checked by the store)."""

    model_config = ConfigDict(extra="ignore")

    email: Email
    name: UserName
    password: NewPassword


class User(BaseModel):
    """The stored user. ``password_hash`` never leaves the data-access and logic layers."""

    id: int
    email: str
    name: str
    password_hash: str = Field(repr=False)  # never leaves the domain and the store
    is_active: bool = True
    is_admin: bool = False
    is_staff: bool = False
    is_superuser: bool = False
    date_joined: datetime

    @property
    def subject(self) -> str:
        """The JWT ``sub``: prefixed so it never collides with an API-token owner's name."""
        return f"{USER_SUBJECT_PREFIX}{self.id}"

    @property
    def scopes(self) -> list[str]:
        return ["ssa", "admin"] if self.is_admin else ["ssa"]


def email_key(email: str) -> str:
    return email.strip().lower()


def name_key(name: str) -> str:
    return name.strip().casefold()


def user_id_of(subject: str) -> int | None:
    """The user id a ``user-<id>`` subject names, ``None`` for any other subject."""
    user_id = subject.removeprefix(USER_SUBJECT_PREFIX)
    if not subject.startswith(USER_SUBJECT_PREFIX) or not user_id.isdigit() or len(user_id) > 18:
        return None
    return int(user_id)
