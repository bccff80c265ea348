"""Webhooks: an owner's endpoint subscribed to event types, its signing secret (stored encrypted: it must be
recovered to sign), its health (consecutive failed attempts; disabled, with the reason and time, after
``DeliveryPolicy.disable_after`` of them), and the delivery of one event to one webhook.

A delivery is an HTTP POST of the event's JSON (``Event.envelope()``) with the headers of ``signed_headers``:
``Groundlink-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`` under the webhook's secret,
``Groundlink-Timestamp`` (Unix seconds) and ``Groundlink-Event-Id`` (receivers de-duplicate on it)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.events.models import DETAIL_TYPES

EVENT_TYPES: tuple[str, ...] = DETAIL_TYPES  # what a webhook may subscribe to (the events' detail-types)
SIGNATURE_VERSION = "v1"
HEADER_SIGNATURE = "Groundlink-Signature"
HEADER_TIMESTAMP = "Groundlink-Timestamp"
HEADER_EVENT_ID = "Groundlink-Event-Id"
HEADER_EVENT_TYPE = "Groundlink-Event-Type"
HEADER_ATTEMPT = "Groundlink-Delivery-Attempt"
MAX_WEBHOOKS_PER_OWNER = 25
MAX_URL_LENGTH = 2048


class Webhook(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    owner: str
    url: str
    event_types: tuple[str, ...]
    description: str | None = None
    secret_ciphertext: str  # the signing secret, encrypted (``SecretCipher``); never shown after creation
    enabled: bool = True
    consecutive_failures: int = 0
    disabled_reason: str | None = None
    disabled_at: datetime | None = None
    last_failure_reason: str | None = None
    last_delivered_at: datetime | None = None
    created_at: datetime

    def subscribes_to(self, detail_type: str) -> bool:
        return detail_type in self.event_types


class Delivery(BaseModel):
    """One event on its way to one webhook: the message on the deliveries queue. ``attempt`` counts from 1."""

    webhook_id: str
    owner: str
    event: dict[str, Any]  # Event.envelope(): the body the receiver gets
    attempt: int = Field(default=1, ge=1)

    @property
    def event_id(self) -> str:
        return str(self.event["id"])

    def next_attempt(self) -> Delivery:
        return self.model_copy(update={"attempt": self.attempt + 1})


class DeliveryPolicy(BaseModel):
    """Retries: attempt n failed → the next one after ``min(base_delay_s * 2**(n-1), max_delay_s)`` seconds
    (SQS delays a message at most 900 s). A webhook is disabled after ``disable_after`` consecutive failed
    attempts (any success resets the count); its pending deliveries are then dropped."""

    base_delay_s: int = Field(default=30, ge=0, le=900)
    max_delay_s: int = Field(default=900, ge=0, le=900)
    disable_after: int = Field(default=8, ge=1)
    timeout_s: float = Field(default=10.0, gt=0)

    def delay_after(self, attempt: int) -> int:
        """Seconds to wait after failed attempt ``attempt`` (1-based) before the next one."""
        return int(min(self.base_delay_s * 2 ** (attempt - 1), self.max_delay_s))


class PostResult(BaseModel):
    """What the receiver did with one POST: 2xx is success; anything else (and no answer) a failure."""

    ok: bool
    status: int | None = None
    reason: str = ""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``v1=`` and the hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under ``secret``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={mac}"


def verify_signature(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """A receiver's check (constant time); ``header`` may list several ``v1=`` values (comma-separated)."""
    if not timestamp.isdigit():
        return False
    expected = signature(secret, int(timestamp), body)
    return any(hmac.compare_digest(expected, part.strip()) for part in header.split(","))


def signed_headers(secret: str, timestamp: int, body: bytes, delivery: Delivery) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Groundlink-Webhooks/1",
        HEADER_EVENT_ID: delivery.event_id,
        HEADER_EVENT_TYPE: str(delivery.event.get("detail-type", "")),
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: signature(secret, timestamp, body),
        HEADER_ATTEMPT: str(delivery.attempt),
    }


def disabled_reason(failures: int, last: str) -> str:
    """Why a webhook was disabled, as ``list``/``get`` show it."""
    return f"disabled after {failures} consecutive failed delivery attempts; the last: {last}"
