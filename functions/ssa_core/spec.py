"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="ssa_core",
    surface="ssa",
    description="SSA backend root, health, metrics and debug",
    routes=routes(
        "GET /",
        "GET /health",
        "GET /metrics",
        "GET /debug/active-users",
    ),
    tables={"catalog": "read", "identity": "read", "ratelimit": "write"},
)
