"""SSA backend root and health (seed 002)."""

from __future__ import annotations

import platform
import socket
import time

from fastapi.responses import JSONResponse

from shared.aws import client
from shared.dal.dynamo import table_name
from shared.http import caller, create_app
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
