"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="ssa_auth",
    surface="ssa",
    description="SSA accounts: register, login, refresh",
    routes=routes(
        "POST /auth/register",
        "POST /auth/login",
        "POST /auth/refresh",
    ),
    tables={"identity": "write", "ratelimit": "write"},
    needs_jwt_secret=True,
)
