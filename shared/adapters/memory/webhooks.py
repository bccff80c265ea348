"""Webhooks in memory, with the DynamoDB store's rules; a delivery queue and a transport that record."""

from __future__ import annotations

import builtins
import threading
from datetime import datetime

from shared.domain.webhooks.models import Delivery, PostResult, Webhook, disabled_reason


class MemoryWebhookStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._hooks: dict[str, Webhook] = {}
        self._delivered: set[tuple[str, str]] = set()

    def create(self, webhook: Webhook) -> None:
        with self._lock:
            if webhook.id in self._hooks:
                raise ValueError(f"webhook {webhook.id} exists")
            self._hooks[webhook.id] = webhook

    def get(self, webhook_id: str) -> Webhook | None:
        with self._lock:
            return self._hooks.get(webhook_id)

    def list(self, owner: str | None = None) -> builtins.list[Webhook]:
        with self._lock:
            hooks = [w for w in self._hooks.values() if owner is None or w.owner == owner]
        return sorted(hooks, key=lambda w: (w.created_at, w.id))

    def delete(self, webhook_id: str) -> bool:
        with self._lock:
            return self._hooks.pop(webhook_id, None) is not None

    def record_success(self, webhook_id: str, at: datetime | None) -> None:
        with self._lock:
            hook = self._hooks.get(webhook_id)
            if hook is not None:
                self._hooks[webhook_id] = hook.model_copy(update={
                    "consecutive_failures": 0, "enabled": True, "disabled_reason": None, "disabled_at": None,
                    "last_delivered_at": at or hook.last_delivered_at})

    def record_failure(self, webhook_id: str, reason: str, at: datetime, disable_after: int) -> Webhook | None:
        with self._lock:
            hook = self._hooks.get(webhook_id)
            if hook is None:
                return None
            failures = hook.consecutive_failures + 1
            update: dict = {"consecutive_failures": failures, "last_failure_reason": reason}
            if hook.enabled and failures >= disable_after:
                update.update(enabled=False, disabled_reason=disabled_reason(failures, reason), disabled_at=at)
            self._hooks[webhook_id] = hook = hook.model_copy(update=update)
            return hook

    def was_delivered(self, webhook_id: str, event_id: str) -> bool:
        with self._lock:
            return (webhook_id, event_id) in self._delivered

    def mark_delivered(self, webhook_id: str, event_id: str, at: datetime) -> None:
        with self._lock:
            self._delivered.add((webhook_id, event_id))


class MemoryDeliveryQueue:
    def __init__(self) -> None:
        self.sent: list[tuple[Delivery, int]] = []

    def send(self, delivery: Delivery, delay_s: int = 0) -> None:
        self.sent.append((delivery, delay_s))

    def take(self) -> list[Delivery]:
        taken, self.sent = [d for d, _ in self.sent], []
        return taken


class RecordingTransport:
    """Answers from ``responses`` (one per call, the last repeated; default 200) and records every POST."""

    def __init__(self, *responses: PostResult) -> None:
        self.responses = list(responses) or [PostResult(ok=True, status=200)]
        self.posts: list[tuple[str, bytes, dict[str, str]]] = []

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> PostResult:
        self.posts.append((url, body, dict(headers)))
        return self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]


class PlainCipher:
    """Reversible and visibly not secret (tests only)."""

    def encrypt(self, plaintext: str) -> str:
        return "plain:" + plaintext[::-1]

    def decrypt(self, ciphertext: str) -> str:
        return ciphertext.removeprefix("plain:")[::-1]


class StaticResolver:
    def __init__(self, table: dict[str, builtins.list[str]] | None = None) -> None:
        self.table = dict(table or {})

    def addresses(self, host: str) -> builtins.list[str]:
        return list(self.table.get(host, []))
