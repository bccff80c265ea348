"""Deployment spec of the webhook delivery worker (the deliveries queue → signed POSTs)."""

from shared.resources import FunctionSpec

SPEC = FunctionSpec(
    name="webhook_delivery",
    surface="orbapi",
    description="signed webhook POSTs; failures come back delayed (exponential backoff), repeated ones disable",
    tables={"webhooks": "write"},
    queue="webhook_deliveries",
    sends=("webhook_deliveries",),
    needs_jwt_secret=False,
    needs_webhook_key=True,
    timeout_s=60,  # a batch of 5 POSTs of at most 10 s each
)
