"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="admin_tokens",
    surface="admin",
    description="administration of dsn_live_ API tokens and OAuth clients; the OAuth 2.0 token endpoint",
    routes=routes(
        "POST /admin/api-tokens",
        "GET /admin/api-tokens",
        "DELETE /admin/api-tokens/{tokenId}",
        "POST /admin/oauth-clients",
        "GET /admin/oauth-clients",
        "DELETE /admin/oauth-clients/{clientId}",
        "POST /oauth2/token",
    ),
    tables={"identity": "write", "ratelimit": "write"},
)
