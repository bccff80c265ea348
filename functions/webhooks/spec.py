"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="webhooks",
    surface="orbapi",
    description="owners' webhooks (orbapi, scope webhooks:manage) and their administration (admin scope)",
    routes=routes(
        "POST /orbapi/webhooks",
        "GET /orbapi/webhooks",
        "GET /orbapi/webhooks/{webhookId}",
        "POST /orbapi/webhooks/{webhookId}/enable",
        "DELETE /orbapi/webhooks/{webhookId}",
        "POST /admin/webhooks",
        "GET /admin/webhooks",
        "GET /admin/webhooks/{webhookId}",
        "DELETE /admin/webhooks/{webhookId}",
    ),
    tables={"webhooks": "write", "identity": "read", "ratelimit": "write"},
    needs_webhook_key=True,
)
