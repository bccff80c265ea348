"""Webhook request and response bodies (orbapi conventions: camelCase, ISO 8601 UTC with milliseconds), shared
by the orbapi routes, the admin routes and the CLI."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.webhooks.models import EVENT_TYPES, MAX_URL_LENGTH, Webhook
from shared.domain.webhooks.service import RegisteredWebhook
from shared.timefmt import iso_ms

EVENT_TYPES_TEXT = ", ".join(f"'{t}'" for t in EVENT_TYPES)


class CreateWebhookRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=MAX_URL_LENGTH,
                     description="https:// endpoint with a public address (locally also http:// to a loopback address)")
    eventTypes: list[str] = Field(min_length=1, max_length=len(EVENT_TYPES),  # noqa: N815 (wire name)
                                  description=f"detail-types to receive: {EVENT_TYPES_TEXT}")
    description: str | None = Field(default=None, max_length=200)


class AdminCreateWebhookRequest(CreateWebhookRequest):
    owner: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.@-]+$",
                       description="the account whose events the webhook receives")


class WebhookOut(BaseModel):
    webhookId: str  # noqa: N815
    owner: str
    url: str
    eventTypes: list[str]  # noqa: N815
    description: str | None
    enabled: bool
    consecutiveFailures: int  # noqa: N815
    disabledReason: str | None  # noqa: N815
    disabledAt: str | None  # noqa: N815
    lastFailureReason: str | None  # noqa: N815
    lastDeliveredAt: str | None  # noqa: N815
    createdAt: str  # noqa: N815


class WebhookCreated(WebhookOut):
    secret: str = Field(description="the signing secret: shown only in this response")


class WebhookList(BaseModel):
    webhooks: list[WebhookOut]


class WebhookDeleted(BaseModel):
    status: str
    webhookId: str  # noqa: N815
    deleted: bool


def _iso(ts: datetime | None) -> str | None:
    return None if ts is None else iso_ms(ts)


def webhook_view(w: Webhook) -> WebhookOut:
    return WebhookOut(webhookId=w.id, owner=w.owner, url=w.url, eventTypes=list(w.event_types),
                      description=w.description, enabled=w.enabled, consecutiveFailures=w.consecutive_failures,
                      disabledReason=w.disabled_reason, disabledAt=_iso(w.disabled_at),
                      lastFailureReason=w.last_failure_reason, lastDeliveredAt=_iso(w.last_delivered_at),
                      createdAt=iso_ms(w.created_at))


def created_view(registered: RegisteredWebhook) -> WebhookCreated:
    return WebhookCreated(**webhook_view(registered.webhook).model_dump(), secret=registered.secret)
