"""Getting events to webhooks.

* ``WebhookFanOut.fan_out(event)`` — the bus rule's consumer: one ``Delivery`` on the deliveries queue per
  enabled webhook *of the event's owner* subscribed to its detail-type. Only the owner's webhooks are ever
  looked up: another owner's events cannot reach them.
* ``WebhookDeliverer.deliver(delivery)`` — the deliveries queue's consumer: POSTs the signed event. Success
  records the event as delivered to that webhook (a redelivered message or a re-published event is not posted
  again) and resets the failure count; a failure counts against the webhook and sends the delivery back to the
  queue delayed by ``DeliveryPolicy.delay_after`` (exponential, capped at 900 s) — unless that failure was the
  ``disable_after``-th in a row, which disables the webhook with the reason. Deliveries of a disabled or
  removed webhook are dropped."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from shared.domain.events.models import Event
from shared.domain.webhooks.models import Delivery, DeliveryPolicy, signed_headers
from shared.domain.webhooks.ports import DeliveryQueue, SecretCipher, WebhookStore, WebhookTransport
from shared.timefmt import utcnow

log = logging.getLogger("groundlink.domain.webhooks")

Outcome = Literal["delivered", "duplicate", "retry", "disabled", "gone"]


def body_of(delivery: Delivery) -> bytes:
    """The exact bytes posted (and signed)."""
    return json.dumps(delivery.event, separators=(",", ":"), sort_keys=True).encode()


class WebhookFanOut:
    def __init__(self, store: WebhookStore, queue: DeliveryQueue) -> None:
        self.store = store
        self.queue = queue

    def fan_out(self, event: Event) -> list[Delivery]:
        deliveries = [Delivery(webhook_id=w.id, owner=event.owner, event=event.envelope())
                      for w in self.store.list(event.owner)
                      if w.owner == event.owner and w.enabled and w.subscribes_to(event.detail_type)]
        for delivery in deliveries:
            self.queue.send(delivery)
        return deliveries


class WebhookDeliverer:
    def __init__(self, store: WebhookStore, cipher: SecretCipher, transport: WebhookTransport, queue: DeliveryQueue,
                 policy: DeliveryPolicy | None = None, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.cipher = cipher
        self.transport = transport
        self.queue = queue
        self.policy = policy or DeliveryPolicy()
        self.clock = clock

    def deliver(self, delivery: Delivery) -> Outcome:
        webhook = self.store.get(delivery.webhook_id)
        if webhook is None or webhook.owner != delivery.owner or delivery.event.get("owner") != webhook.owner:
            return "gone"  # removed since (or never this owner's: nothing is sent across owners)
        if not webhook.enabled:
            return "disabled"
        if self.store.was_delivered(webhook.id, delivery.event_id):
            return "duplicate"
        now = self.clock()
        body = body_of(delivery)
        headers = signed_headers(self.cipher.decrypt(webhook.secret_ciphertext), int(now.timestamp()), body, delivery)
        result = self.transport.post(webhook.url, body, headers, self.policy.timeout_s)
        if result.ok:
            self.store.mark_delivered(webhook.id, delivery.event_id, now)
            self.store.record_success(webhook.id, now)
            return "delivered"
        reason = f"attempt {delivery.attempt} at {now.isoformat()}: {result.reason or 'failed'}"
        after = self.store.record_failure(webhook.id, reason, now, self.policy.disable_after)
        if after is None:
            return "gone"
        if not after.enabled:
            log.warning("webhook disabled", extra={"webhook_id": webhook.id, "reason": after.disabled_reason})
            return "disabled"
        self.queue.send(delivery.next_attempt(), self.policy.delay_after(delivery.attempt))
        return "retry"
