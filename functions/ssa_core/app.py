"""SSA backend root, health, metrics and debug (seed 002).

``GET /metrics`` and ``GET /debug/active-users`` report this process's view (see ``shared.metrics``): in
AWS the Lambda instance that serves the request, locally the whole platform. ``/debug/active-users``
lists every active subject to callers with the ``admin`` scope and only the caller's own entry to
everyone else (seed 002 leaves this open; other users' activity is not theirs to see).
"""

from __future__ import annotations

import platform
import socket
import time

from fastapi.responses import JSONResponse, Response

from shared.adapters.dynamo.base import table_name
from shared.aws import client
from shared.domain.identity import Principal
from shared.http import caller, create_app
from shared.metrics import ACTIVE_USERS, CONTENT_TYPE, HTTP_METRICS
from shared.observability import logger
from shared.settings import get_settings

app = create_app("ssa", "Groundlink SSA backend")
authenticated = caller()


@app.get("/", dependencies=[authenticated])
def root() -> dict:
    return {
        "message": "SSA Backend API is running",
        "version": get_settings().version,
        "status": "healthy",
        "timestamp": time.time(),
    }


def database_status() -> str:
    """Really touches DynamoDB: a consistent read of a key in the catalogue table."""
    try:
        client("dynamodb").get_item(
            TableName=table_name("catalog"),
            Key={"pk": {"S": "HEALTH#probe"}, "sk": {"S": "META"}},
            ConsistentRead=True,
        )
        return "healthy"
    except Exception as exc:  # any failure of the dependency is reported, not raised
        logger.warning("database health check failed", extra={"error": str(exc)})
        return "unhealthy"


@app.get("/health", dependencies=[authenticated])
def health() -> JSONResponse:
    database = database_status()
    status = "healthy" if database == "healthy" else "degraded"
    body = {
        "status": status,
        "timestamp": time.time(),
        "version": get_settings().version,
        "services": {"api": "healthy", "database": database, "logging": "healthy"},
        "system": {
            "hostname": socket.gethostname(),
            "platform": platform.system(),
            "python_version": platform.python_version(),
        },
    }
    return JSONResponse(body, status_code=200 if database == "healthy" else 503)


@app.get("/metrics")
def prometheus_metrics() -> Response:
    return Response(HTTP_METRICS.render(), media_type=CONTENT_TYPE)


@app.get("/debug/active-users")
def active_users(principal: Principal = authenticated) -> dict:
    now = time.time()
    seen = ACTIVE_USERS.snapshot(now)
    if not principal.is_admin:
        seen = {s: t for s, t in seen.items() if s == principal.subject}
    timeout = ACTIVE_USERS.timeout_s
    users = {}
    for subject, last in sorted(seen.items(), key=lambda kv: -kv[1]):
        since = max(0.0, now - last)
        users[subject] = {
            "last_activity": last,
            "time_since_activity_seconds": round(since, 3),
            "time_since_activity_minutes": round(since / 60, 3),
            "will_be_removed_in_seconds": round(max(0.0, timeout - since), 3),
        }
    return {
        "total_active_users": len(users),
        "cleanup_interval_seconds": ACTIVE_USERS.cleanup_interval_s,
        "user_timeout_seconds": timeout,
        "current_time": now,
        "active_users": users,
    }
