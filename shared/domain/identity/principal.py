"""The caller and the rules about it.

The permission rule is seed 004's: split both permissions on their separator and compare the common
prefix. ``:`` is treated like ``.`` so ``passes`` grants ``passes:read``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from shared.domain.errors import NotPermitted

PrincipalKind = Literal["user", "api_token", "service"]


def _parts(permission: str) -> list[str]:
    return permission.replace(":", ".").split(".")


def permission_grants(user_permission: str, required_permission: str) -> bool:
    """Seed 004's rule, verbatim: equal on the shorter of the two dotted prefixes."""
    user, required = _parts(user_permission), _parts(required_permission)
    n = min(len(user), len(required))
    return user[:n] == required[:n]


def any_grants(user_permissions: Iterable[str], required_permission: str) -> bool:
    return any(permission_grants(p, required_permission) for p in user_permissions if p)


@dataclass(frozen=True)
class Principal:
    subject: str
    scopes: tuple[str, ...] = ()
    kind: PrincipalKind = "user"
    token_id: str | None = None
    claims: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def allows(self, scope: str) -> bool:
        return any_grants(self.scopes, scope)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.scopes or self.kind == "service"

    @property
    def owner_type(self) -> str:
        """How a resource this principal creates records its owner's kind."""
        return self.kind

    def can_see(self, owner: str) -> bool:
        """The one ownership rule: a resource is visible to its owner, and to admin and service callers.
        Callers answer 404 (never 403) when this is false."""
        return owner == self.subject or self.is_admin

    def require(self, scope: str) -> None:
        if not self.allows(scope):
            raise NotPermitted(f"the token does not grant the required scope '{scope}'", code="NOT-AUTHORIZED")
