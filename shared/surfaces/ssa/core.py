"""SSA backend root, health, metrics and debug (seed 002 "Core Endpoints", "Debug Endpoints").

``GET /metrics`` and ``GET /debug/active-users`` report this process's view (see ``shared.metrics``): in
AWS the Lambda instance that serves the request, locally the whole platform. ``/debug/active-users``
lists every active subject to callers with the ``admin`` scope and only the caller's own entry to
everyone else (seed 002 leaves this open; other users' activity is not theirs to see). Users are keyed by
the integer id register and login return (``"123"``, as the seed shows); other callers by their subject.
"""

from __future__ import annotations

import platform
import socket
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from shared.domain.identity import Principal
from shared.http import caller
from shared.metrics import ACTIVE_USERS, CONTENT_TYPE, HTTP_METRICS
from shared.settings import get_settings
from shared.surfaces.openapi import error_responses
from shared.surfaces.ssa.access import wire_user_id
from shared.wiring.catalog import database_status

router = APIRouter()
Caller = Annotated[Principal, caller()]


def _authenticated(principal: Caller) -> Principal:
    return principal


Authenticated = Depends(_authenticated)


DatabaseStatus = Annotated[str, Depends(database_status)]


class RootResponse(BaseModel):
    message: str
    version: str
    status: str
    timestamp: float


class HealthServices(BaseModel):
    api: str
    database: str
    logging: str


class HealthSystem(BaseModel):
    hostname: str
    platform: str
    python_version: str


class HealthResponse(BaseModel):
    status: str
    timestamp: float
    version: str
    services: HealthServices
    system: HealthSystem


class ActiveUser(BaseModel):
    last_activity: float
    time_since_activity_seconds: float
    time_since_activity_minutes: float
    will_be_removed_in_seconds: float


class ActiveUsersResponse(BaseModel):
    total_active_users: int
    cleanup_interval_seconds: int | float
    user_timeout_seconds: int | float
    current_time: float
    active_users: dict[str, ActiveUser]


@router.get("/", response_model=RootResponse, dependencies=[Authenticated], summary="Root Endpoint",
            operation_id="root", tags=["Core"], responses=error_responses("ssa", 401))
def root() -> RootResponse:
    return RootResponse(message="SSA Backend API is running", version=get_settings().version, status="healthy",
                        timestamp=time.time())


@router.get("/health", response_model=HealthResponse, dependencies=[Authenticated], summary="Health Check",
            operation_id="health_check", tags=["Core"],
            responses={**error_responses("ssa", 401),
                       503: {"description": "Degraded: a dependency is unhealthy", "model": HealthResponse}})
def health(response: Response, database: DatabaseStatus) -> HealthResponse:
    if database != "healthy":
        response.status_code = 503
    return HealthResponse(
        status="healthy" if database == "healthy" else "degraded",
        timestamp=time.time(),
        version=get_settings().version,
        services=HealthServices(api="healthy", database=database, logging="healthy"),
        system=HealthSystem(hostname=socket.gethostname(), platform=platform.system(),
                            python_version=platform.python_version()),
    )


@router.get("/metrics", response_class=Response, summary="Metrics", operation_id="metrics", tags=["Core"],
            responses={200: {"description": "Prometheus text exposition", "content": {CONTENT_TYPE: {}}}})
def prometheus_metrics() -> Response:
    return Response(HTTP_METRICS.render(), media_type=CONTENT_TYPE)


@router.get("/debug/active-users", response_model=ActiveUsersResponse, summary="Active Users Tracking",
            operation_id="debug_active_users", tags=["Debug"], responses=error_responses("ssa", 401))
def active_users(principal: Caller) -> ActiveUsersResponse:
    now = time.time()
    seen = ACTIVE_USERS.snapshot(now)
    if not principal.is_admin:
        seen = {s: t for s, t in seen.items() if s == principal.subject}
    timeout = ACTIVE_USERS.timeout_s
    users = {}
    for subject, last in sorted(seen.items(), key=lambda kv: -kv[1]):
        since = max(0.0, now - last)
        users[str(wire_user_id(subject))] = ActiveUser(
            last_activity=last,
            time_since_activity_seconds=round(since, 3),
            time_since_activity_minutes=round(since / 60, 3),
            will_be_removed_in_seconds=round(max(0.0, timeout - since), 3),
        )
    return ActiveUsersResponse(
        total_active_users=len(users),
        cleanup_interval_seconds=ACTIVE_USERS.cleanup_interval_s,
        user_timeout_seconds=timeout,
        current_time=now,
        active_users=users,
    )
