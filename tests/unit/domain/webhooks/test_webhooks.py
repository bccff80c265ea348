"""Webhooks on in-memory adapters: signatures, the backoff schedule, disabling after N failures, owner isolation,
the endpoint URL rules, registration and visibility."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from shared.adapters.memory.webhooks import (
    MemoryDeliveryQueue,
    MemoryWebhookStore,
    PlainCipher,
    RecordingTransport,
    StaticResolver,
)
from shared.domain.errors import InvalidField, NotFound
from shared.domain.events.models import FILE_STATE_CHANGE, JOB_STATE_CHANGE, state_change
from shared.domain.identity import Principal
from shared.domain.webhooks.delivery import WebhookDeliverer, WebhookFanOut, body_of
from shared.domain.webhooks.models import Delivery, DeliveryPolicy, PostResult, signature, verify_signature
from shared.domain.webhooks.service import WebhookService
from shared.domain.webhooks.urls import UrlPolicy

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
FAIL = PostResult(ok=False, status=503, reason="the endpoint answered HTTP 503")
OK = PostResult(ok=True, status=200)


def file_event(owner: str, state: str = "available"):
    return state_change("groundlink.files", FILE_STATE_CHANGE, owner=owner, at=NOW,
                        resource={"fileId": 7, "bookingId": 3}, old="pending", new=state)


class World:
    def __init__(self, *responses: PostResult, disable_after: int = 3, local: bool = True) -> None:
        self.store = MemoryWebhookStore()
        self.queue = MemoryDeliveryQueue()
        self.transport = RecordingTransport(*responses)
        self.cipher = PlainCipher()
        self.service = WebhookService(self.store, self.cipher, UrlPolicy(local=local), clock=lambda: NOW)
        self.fan = WebhookFanOut(self.store, self.queue)
        self.policy = DeliveryPolicy(base_delay_s=2, disable_after=disable_after)
        self.deliverer = WebhookDeliverer(self.store, self.cipher, self.transport, self.queue, self.policy,
                                          clock=lambda: NOW)

    def register(self, owner: str, types=(FILE_STATE_CHANGE,), url: str = "http://127.0.0.1:9/hook"):
        return self.service.register(owner, url, list(types))


def test_signature_is_hmac_sha256_of_timestamp_dot_body_and_verifies():
    body = b'{"id":"e1"}'
    expected = hmac.new(b"whsec_k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature("whsec_k", 1700000000, body) == f"v1={expected}"
    assert verify_signature("whsec_k", "1700000000", body, f"v1={expected}")
    assert not verify_signature("whsec_k", "1700000001", body, f"v1={expected}")  # another timestamp
    assert not verify_signature("whsec_other", "1700000000", body, f"v1={expected}")
    assert not verify_signature("whsec_k", "1700000000", body + b" ", f"v1={expected}")


def test_backoff_doubles_from_the_base_and_is_capped_at_900_s():
    policy = DeliveryPolicy(base_delay_s=30)
    assert [policy.delay_after(n) for n in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]
    assert DeliveryPolicy(base_delay_s=1).delay_after(3) == 4


def test_a_delivery_is_posted_signed_with_the_event_id_and_recorded_once():
    world = World(OK)
    registered = world.register("alice")
    [delivery] = world.fan.fan_out(file_event("alice"))
    assert world.deliverer.deliver(delivery) == "delivered"
    url, body, headers = world.transport.posts[0]
    assert url == "http://127.0.0.1:9/hook"
    assert json.loads(body) == delivery.event and json.loads(body)["detail"]["state"] == "available"
    assert headers["Groundlink-Event-Id"] == delivery.event_id
    assert headers["Groundlink-Event-Type"] == FILE_STATE_CHANGE
    assert verify_signature(registered.secret, headers["Groundlink-Timestamp"], body, headers["Groundlink-Signature"])
    # the same delivery again (a redelivered message, a re-published event) is not posted twice
    assert world.deliverer.deliver(delivery) == "duplicate"
    assert len(world.transport.posts) == 1


def test_a_failed_attempt_is_retried_later_with_growing_delays_then_succeeds():
    world = World(FAIL, FAIL, OK, disable_after=5)
    world.register("alice")
    [delivery] = world.fan.fan_out(file_event("alice"))
    world.queue.take()
    assert world.deliverer.deliver(delivery) == "retry"
    [(second, delay1)] = world.queue.sent
    assert (second.attempt, delay1) == (2, 2)
    world.queue.take()
    assert world.deliverer.deliver(second) == "retry"
    [(third, delay2)] = world.queue.sent
    assert (third.attempt, delay2) == (3, 4)
    assert world.store.list("alice")[0].consecutive_failures == 2
    assert world.deliverer.deliver(third) == "delivered"
    hook = world.store.list("alice")[0]
    assert hook.consecutive_failures == 0 and hook.enabled and hook.last_delivered_at == NOW
    assert [h["Groundlink-Delivery-Attempt"] for _, _, h in world.transport.posts] == ["1", "2", "3"]


def test_the_webhook_is_disabled_after_n_consecutive_failures_with_the_reason():
    world = World(FAIL, disable_after=3)
    world.register("alice")
    [delivery] = world.fan.fan_out(file_event("alice"))
    outcomes = []
    for _ in range(3):
        outcomes.append(world.deliverer.deliver(delivery))
        delivery = delivery.next_attempt()
    assert outcomes == ["retry", "retry", "disabled"]
    hook = world.store.list("alice")[0]
    assert not hook.enabled and hook.disabled_at == NOW
    assert hook.disabled_reason.startswith("disabled after 3 consecutive failed delivery attempts")
    assert "HTTP 503" in hook.disabled_reason
    # a disabled webhook gets no more deliveries, and no new ones are fanned out to it
    posts = len(world.transport.posts)
    assert world.deliverer.deliver(delivery) == "disabled"
    assert world.fan.fan_out(file_event("alice")) == []
    assert len(world.transport.posts) == posts
    # re-enabled by its owner, it receives again
    again = world.service.enable(hook.id, Principal("alice"))
    assert again.enabled and again.consecutive_failures == 0 and again.disabled_reason is None


def test_owner_isolation_another_owners_events_never_reach_my_webhook():
    world = World(OK)
    mine = world.register("alice", types=(FILE_STATE_CHANGE, JOB_STATE_CHANGE))
    world.register("bob")
    # bob's event fans out to bob's webhook only
    deliveries = world.fan.fan_out(file_event("bob"))
    assert [d.webhook_id for d in deliveries] != [mine.webhook.id] and len(deliveries) == 1
    for d in deliveries:
        world.deliverer.deliver(d)
    assert all(url == "http://127.0.0.1:9/hook" for url, _, _ in world.transport.posts)
    assert all(json.loads(body)["owner"] == "bob" for _, body, _ in world.transport.posts)
    # a forged delivery naming my webhook with bob's event is dropped, never posted
    forged = Delivery(webhook_id=mine.webhook.id, owner="alice", event=file_event("bob").envelope())
    posts = len(world.transport.posts)
    assert world.deliverer.deliver(forged) == "gone"
    assert len(world.transport.posts) == posts


def test_fan_out_honours_subscriptions():
    world = World(OK)
    world.register("alice", types=(JOB_STATE_CHANGE,))
    assert world.fan.fan_out(file_event("alice")) == []


def test_a_removed_webhook_gets_nothing_and_others_see_404():
    world = World(OK)
    hook = world.register("alice").webhook
    [delivery] = world.fan.fan_out(file_event("alice"))
    with pytest.raises(NotFound):
        world.service.find(hook.id, Principal("bob"))
    with pytest.raises(NotFound):
        world.service.remove(hook.id, Principal("bob"))
    assert world.service.find(hook.id, Principal("ops", ("admin",))).owner == "alice"
    world.service.remove(hook.id, Principal("alice"))
    assert world.deliverer.deliver(delivery) == "gone"
    assert world.transport.posts == []


def test_the_secret_is_stored_encrypted_and_shown_once():
    world = World()
    registered = world.register("alice")
    assert registered.secret.startswith("whsec_")
    stored = world.store.get(registered.webhook.id)
    assert registered.secret not in stored.secret_ciphertext
    assert world.cipher.decrypt(stored.secret_ciphertext) == registered.secret


@pytest.mark.parametrize(("url", "reason"), [
    ("http://example.org/hook", "must use https://"),
    ("https://10.0.0.5/hook", "private, loopback or link-local"),
    ("https://169.254.169.254/latest", "private, loopback or link-local"),
    ("https://[::1]/hook", "private, loopback or link-local"),
    ("https://localhost/hook", "not a public address"),
    ("https://internal.example/hook", "resolves to a private"),
    ("https://nowhere.example/hook", "does not resolve"),
    ("ftp://example.org/x", "absolute https:// URL"),
    ("https://user:pw@example.org/x", "credentials"),
])
def test_in_aws_only_https_to_public_addresses(url, reason):
    policy = UrlPolicy(local=False, resolver=StaticResolver({"internal.example": ["192.168.1.4"],
                                                              "hooks.example": ["93.184.216.34"]}))
    with pytest.raises(InvalidField) as err:
        policy.check(url)
    assert err.value.field == "url" and reason in err.value.reason
    assert policy.check("https://hooks.example/in") == "https://hooks.example/in"


def test_locally_http_only_to_loopback():
    policy = UrlPolicy(local=True)
    assert policy.check("http://127.0.0.1:8123/hook") == "http://127.0.0.1:8123/hook"
    assert policy.check("http://localhost:8123/hook")
    with pytest.raises(InvalidField) as err:
        policy.check("http://192.168.1.10/hook")
    assert "loopback" in err.value.reason


def test_event_types_must_be_known():
    world = World()
    with pytest.raises(InvalidField) as err:
        world.service.register("alice", "http://127.0.0.1/h", ["File Deleted"])
    assert err.value.field == "eventTypes" and "File Deleted" in err.value.reason
    with pytest.raises(InvalidField):
        world.service.register("alice", "http://127.0.0.1/h", [])


def test_body_is_the_envelope_as_compact_json():
    event = file_event("alice")
    delivery = Delivery(webhook_id="wh_1", owner="alice", event=event.envelope())
    assert json.loads(body_of(delivery)) == {"id": event.id, "source": "groundlink.files",
                                             "detail-type": FILE_STATE_CHANGE, "owner": "alice",
                                             "time": "2026-12-02T08:00:00Z", "detail": event.detail}
