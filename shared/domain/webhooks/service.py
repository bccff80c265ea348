"""Managing webhooks: register (the signing secret is shown once, stored encrypted), list, read, re-enable and
remove. A webhook belongs to one owner and is visible only to it (and to admin/service callers): anyone else
gets not found. The orbapi routes act for the caller; the admin routes and the CLI name the owner."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.domain.errors import InvalidField, InvalidRequest, NotFound
from shared.domain.identity import Principal
from shared.domain.webhooks.models import EVENT_TYPES, MAX_WEBHOOKS_PER_OWNER, Webhook
from shared.domain.webhooks.ports import SecretCipher, WebhookStore
from shared.domain.webhooks.urls import UrlPolicy
from shared.timefmt import utcnow

SECRET_PREFIX = "whsec_"
NOT_FOUND = "webhook not found"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def new_webhook_id() -> str:
    return "wh_" + uuid.uuid4().hex[:24]


@dataclass(frozen=True)
class RegisteredWebhook:
    webhook: Webhook
    secret: str  # the only time it is shown


def check_event_types(event_types: Sequence[str]) -> tuple[str, ...]:
    if not event_types:
        raise InvalidField("eventTypes", f"at least one event type is required (one of: {', '.join(EVENT_TYPES)})")
    unknown = [t for t in event_types if t not in EVENT_TYPES]
    if unknown:
        raise InvalidField("eventTypes", f"unknown event type {unknown[0]!r} (one of: {', '.join(EVENT_TYPES)})")
    return tuple(dict.fromkeys(event_types))


class WebhookService:
    def __init__(self, store: WebhookStore, cipher: SecretCipher, urls: UrlPolicy,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.cipher = cipher
        self.urls = urls
        self.clock = clock

    def register(self, owner: str, url: str, event_types: Sequence[str],
                 description: str | None = None) -> RegisteredWebhook:
        url = self.urls.check(url)
        types = check_event_types(event_types)
        if len(self.store.list(owner)) >= MAX_WEBHOOKS_PER_OWNER:
            raise InvalidRequest(f"an owner may register at most {MAX_WEBHOOKS_PER_OWNER} webhooks; remove one first")
        secret = new_secret()
        webhook = Webhook(id=new_webhook_id(), owner=owner, url=url, event_types=types, description=description,
                          secret_ciphertext=self.cipher.encrypt(secret), created_at=self.clock())
        self.store.create(webhook)
        return RegisteredWebhook(webhook, secret)

    def listing(self, principal: Principal, owner: str | None = None) -> list[Webhook]:
        """The caller's webhooks; an admin may name any ``owner`` (None: every owner's)."""
        if not principal.is_admin:
            owner = principal.subject
        return self.store.list(owner)

    def find(self, webhook_id: str, principal: Principal) -> Webhook:
        webhook = self.store.get(webhook_id)
        if webhook is None or not principal.can_see(webhook.owner):
            raise NotFound(NOT_FOUND)
        return webhook

    def remove(self, webhook_id: str, principal: Principal) -> Webhook:
        webhook = self.find(webhook_id, principal)
        if not self.store.delete(webhook.id):
            raise NotFound(NOT_FOUND)
        return webhook

    def enable(self, webhook_id: str, principal: Principal) -> Webhook:
        """Re-enables a disabled webhook (the failure count starts again from 0)."""
        webhook = self.find(webhook_id, principal)
        self.store.record_success(webhook.id, None)
        return self.find(webhook_id, principal)
