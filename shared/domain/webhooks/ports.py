"""What the webhook use cases need from the outside world."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Protocol

from shared.domain.webhooks.models import Delivery, PostResult, Webhook


class WebhookStore(Protocol):
    """Webhooks by id and by owner, their health counters (atomic updates), and which events each one has
    received (``delivered``: a redelivered message or a re-published event is not posted twice)."""

    def create(self, webhook: Webhook) -> None: ...

    def get(self, webhook_id: str) -> Webhook | None: ...

    def list(self, owner: str | None = None) -> builtins.list[Webhook]:
        """The owner's webhooks (every owner's with None), oldest first."""
        ...

    def delete(self, webhook_id: str) -> bool:
        """False if there was no such webhook."""
        ...

    def record_success(self, webhook_id: str, at: datetime | None) -> None:
        """A delivery succeeded at ``at`` (or, with None, the owner re-enabled the webhook): the webhook is enabled
        and its consecutive-failure count starts again from 0."""
        ...

    def record_failure(self, webhook_id: str, reason: str, at: datetime, disable_after: int) -> Webhook | None:
        """One more consecutive failed attempt; at ``disable_after`` of them the webhook is disabled with
        ``reason`` and ``at`` (atomic updates: concurrent failures disable it once, with one reason). The webhook
        after the write, or None if it no longer exists."""
        ...

    def was_delivered(self, webhook_id: str, event_id: str) -> bool: ...

    def mark_delivered(self, webhook_id: str, event_id: str, at: datetime) -> None: ...


class SecretCipher(Protocol):
    """Encrypts signing secrets at rest (AES-GCM under a key the deployment holds)."""

    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, ciphertext: str) -> str: ...


class DeliveryQueue(Protocol):
    def send(self, delivery: Delivery, delay_s: int = 0) -> None: ...


class WebhookTransport(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> PostResult:
        """POST ``body``; never raises for the receiver's faults (refused, timeout, 5xx): they are results."""
        ...


class AddressResolver(Protocol):
    def addresses(self, host: str) -> builtins.list[str]:
        """The IP addresses ``host`` resolves to (empty if it does not resolve)."""
        ...
