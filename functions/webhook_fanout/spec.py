"""Deployment spec of the webhook fan-out (the bus rule's queue → one delivery per subscribed webhook)."""

from shared.resources import FunctionSpec

SPEC = FunctionSpec(
    name="webhook_fanout",
    surface="orbapi",
    description="groundlink events from the bus: one delivery per enabled webhook of the owner subscribed to it",
    tables={"webhooks": "read"},
    queue="webhook_events",
    sends=("webhook_deliveries",),
    needs_jwt_secret=False,
    timeout_s=30,
)
