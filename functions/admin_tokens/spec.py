"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="admin_tokens",
    surface="admin",
    description="administration of dsn_live_ API tokens",
    routes=routes(
        "POST /admin/api-tokens",
        "GET /admin/api-tokens",
        "DELETE /admin/api-tokens/{tokenId}",
    ),
    tables={"identity": "write", "ratelimit": "write"},
)
