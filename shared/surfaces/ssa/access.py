"""Who may call the SSA analysis routes: every ``/v1`` route requires the ``ssa`` permission (the scope an
SSA login issues; seed 004's rule, so ``ssa`` alone grants it). A valid token without it — a station's
token, an orbapi ``passes:read`` token — answers 403 ``{"detail", "status_code": 403}``.

``/``, ``/health`` and ``/debug/active-users`` only need a valid token; ``/metrics`` and ``/auth/*`` none.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import params

from shared.domain.identity import Principal
from shared.domain.identity.accounts import user_id_of
from shared.http import caller

SSA_PERMISSION = "ssa"

# One dependency object for every route: FastAPI then resolves the principal once per request, whether a
# route asks for it in its signature, its router's dependencies, or both.
REQUIRE_SSA = cast(params.Depends, caller(SSA_PERMISSION))
SsaCaller = Annotated[Principal, REQUIRE_SSA]


def wire_user_id(subject: str) -> int | str:
    """How seed 002 names a user: the integer id ``/auth/register`` and ``/auth/login`` return (a
    ``user-<id>`` subject). Callers that are not SSA users (an operator's demo token, a service) keep their
    subject."""
    user_id = user_id_of(subject)
    return subject if user_id is None else user_id
