"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="ssa_core",
    surface="ssa",
    description="SSA backend root and health",
    routes=routes(
        "GET /",
        "GET /health",
    ),
    tables={"catalog": "read", "identity": "read"},
)
