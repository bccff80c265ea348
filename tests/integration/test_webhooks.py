"""Webhooks over moto: the orbapi routes (scope ``webhooks:manage``, owner's own only, 404 for another owner's),
the admin routes (any owner, ``admin`` scope), the CLI; and the AWS path of an event — outbox → relay →
EventBridge bus → rule → fan-out queue → fan-out worker → deliveries queue — with the handlers Lambda runs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from functions.webhooks.app import app
from tests.integration.conftest import bearer

client = TestClient(app, raise_server_exceptions=False)
SCOPE = "webhooks:manage"
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HOOK = {"url": "http://127.0.0.1:8123/hooks", "eventTypes": ["File State Change", "Job State Change"],
        "description": "ops receiver"}


@pytest.fixture(autouse=True)
def _tables(aws) -> Iterator[None]:
    from shared.adapters.dynamo.webhooks import webhook_store
    from shared.adapters.secret_cipher import secret_cipher

    webhook_store.cache_clear()
    secret_cipher.cache_clear()
    yield
    webhook_store.cache_clear()
    secret_cipher.cache_clear()


def create(subject: str, body: dict | None = None, scopes: str = SCOPE):
    return client.post("/orbapi/webhooks", json=body or HOOK, headers=bearer(subject, scopes))


def test_register_list_get_delete_round_trip() -> None:
    r = create("client_a")
    assert r.status_code == 201, r.text
    created = r.json()
    assert set(created) == {"webhookId", "owner", "url", "eventTypes", "description", "enabled",
                            "consecutiveFailures", "disabledReason", "disabledAt", "lastFailureReason",
                            "lastDeliveredAt", "createdAt", "secret"}
    assert created["webhookId"].startswith("wh_") and created["secret"].startswith("whsec_")
    assert (created["owner"], created["url"], created["eventTypes"], created["description"]) == (
        "client_a", HOOK["url"], HOOK["eventTypes"], "ops receiver")
    assert (created["enabled"], created["consecutiveFailures"], created["disabledReason"]) == (True, 0, None)
    assert TS.match(created["createdAt"])
    shown = {k: v for k, v in created.items() if k != "secret"}

    listed = client.get("/orbapi/webhooks", headers=bearer("client_a", SCOPE))
    assert listed.status_code == 200 and listed.json() == {"webhooks": [shown]}  # never the secret again
    one = client.get(f"/orbapi/webhooks/{created['webhookId']}", headers=bearer("client_a", SCOPE))
    assert one.status_code == 200 and one.json() == shown

    gone = client.delete(f"/orbapi/webhooks/{created['webhookId']}", headers=bearer("client_a", SCOPE))
    assert gone.status_code == 200
    assert gone.json() == {"status": "success", "webhookId": created["webhookId"], "deleted": True}
    again = client.delete(f"/orbapi/webhooks/{created['webhookId']}", headers=bearer("client_a", SCOPE))
    assert again.status_code == 404 and again.json() == {"error": "webhook not found"}
    assert client.get("/orbapi/webhooks", headers=bearer("client_a", SCOPE)).json() == {"webhooks": []}


def test_the_secret_is_stored_encrypted() -> None:
    from shared.adapters.dynamo.base import ddb, table_name

    created = create("client_a").json()
    items = ddb().scan(TableName=table_name("webhooks"))["Items"]
    stored = json.dumps(items)
    assert created["secret"] not in stored
    [item] = items
    assert item["secret_ciphertext"]["S"].startswith("v1:")


def test_another_owners_webhook_is_not_found() -> None:
    mine = create("client_a").json()
    create("client_b")
    for method in ("GET", "DELETE"):
        r = client.request(method, f"/orbapi/webhooks/{mine['webhookId']}", headers=bearer("client_b", SCOPE))
        assert r.status_code == 404 and r.json() == {"error": "webhook not found"}
    enable = client.post(f"/orbapi/webhooks/{mine['webhookId']}/enable", headers=bearer("client_b", SCOPE))
    assert enable.status_code == 404 and enable.json() == {"error": "webhook not found"}
    [theirs] = client.get("/orbapi/webhooks", headers=bearer("client_b", SCOPE)).json()["webhooks"]
    assert theirs["owner"] == "client_b"
    # mine is still there
    assert client.get(f"/orbapi/webhooks/{mine['webhookId']}", headers=bearer("client_a", SCOPE)).status_code == 200


def test_scope_and_credentials_are_required() -> None:
    r = create("client_a", scopes="bookings:create")
    assert r.status_code == 403 and r.json() == {"error": "the token does not grant the required scope "
                                                          "'webhooks:manage'"}
    r = client.get("/orbapi/webhooks")
    assert r.status_code == 401 and set(r.json()) == {"error"}


@pytest.mark.parametrize(("body", "message"), [
    ({**HOOK, "url": "http://192.168.1.20/hook"}, "url: http:// is only allowed to a loopback address"),
    ({**HOOK, "url": "ftp://example.org/x"}, "url: must be an absolute https:// URL"),
    ({**HOOK, "eventTypes": ["File Deleted"]}, "eventTypes: unknown event type 'File Deleted'"),
    ({**HOOK, "eventTypes": []}, "field 'eventTypes'"),
    ({"eventTypes": ["File State Change"]}, "field 'url'"),
    ({**HOOK, "colour": "red"}, "field 'colour'"),
])
def test_bad_bodies_name_the_field(body, message) -> None:
    r = create("client_a", body)
    assert r.status_code == 400 and message in r.json()["error"], r.json()
    assert client.get("/orbapi/webhooks", headers=bearer("client_a", SCOPE)).json() == {"webhooks": []}


def test_outside_the_local_environment_only_public_https(monkeypatch) -> None:
    from shared.auth import signing_key
    from shared.aws import reset_clients

    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "aws")
    monkeypatch.setenv("GROUNDLINK_WEBHOOK_KEY", "test-key-material")
    monkeypatch.setenv("GROUNDLINK_JWT_SECRET", "test-jwt-key-material-of-at-least-32-bytes")
    reset_clients()
    signing_key.cache_clear()
    for url, why in (("http://127.0.0.1:8123/hooks", "url: must use https://"),
                     ("https://169.254.169.254/latest/meta-data", "url: host 169.254.169.254 resolves to a private"),
                     ("https://10.1.2.3/hook", "url: host 10.1.2.3 resolves to a private")):
        r = create("client_a", {**HOOK, "url": url})
        assert r.status_code == 400 and r.json()["error"].startswith(why), r.json()
    ok = create("client_a", {**HOOK, "url": "https://93.184.216.34/hooks"})
    assert ok.status_code == 201 and ok.json()["url"] == "https://93.184.216.34/hooks"
    signing_key.cache_clear()


def test_admin_acts_for_any_owner() -> None:
    admin = bearer("ops", "admin")
    r = client.post("/admin/webhooks", json={**HOOK, "owner": "client_c"}, headers=admin)
    assert r.status_code == 201 and r.json()["owner"] == "client_c" and r.json()["secret"].startswith("whsec_")
    hook_id = r.json()["webhookId"]
    create("client_d")
    every = client.get("/admin/webhooks", headers=admin).json()["webhooks"]
    assert sorted(w["owner"] for w in every) == ["client_c", "client_d"]
    only_c = client.get("/admin/webhooks", params={"owner": "client_c"}, headers=admin).json()["webhooks"]
    assert [w["webhookId"] for w in only_c] == [hook_id] and "secret" not in only_c[0]
    assert client.get(f"/admin/webhooks/{hook_id}", headers=admin).json()["owner"] == "client_c"
    # the owner sees what the admin registered for it
    assert client.get(f"/orbapi/webhooks/{hook_id}", headers=bearer("client_c", SCOPE)).status_code == 200
    deleted = client.delete(f"/admin/webhooks/{hook_id}", headers=admin)
    assert deleted.json() == {"status": "success", "webhookId": hook_id, "deleted": True}
    missing = client.get(f"/admin/webhooks/{hook_id}", headers=admin)
    assert missing.status_code == 404 and missing.json() == {"error": "webhook not found"}
    refused = client.get("/admin/webhooks", headers=bearer("client_c", SCOPE))
    assert refused.status_code == 403 and refused.json() == {"error": "the token does not grant the required scope "
                                                                      "'admin'"}
    bad = client.post("/admin/webhooks", json=HOOK, headers=admin)
    assert bad.status_code == 400 and "field 'owner'" in bad.json()["error"]


def test_a_disabled_webhook_shows_why_and_can_be_enabled_again() -> None:
    from shared.adapters.dynamo.webhooks import webhook_store

    hook_id = create("client_a").json()["webhookId"]
    for n in range(1, 4):
        webhook_store().record_failure(hook_id, f"attempt {n}: the endpoint answered HTTP 503",
                                       datetime(2026, 12, 2, 9, n, tzinfo=UTC), 3)
    shown = client.get(f"/orbapi/webhooks/{hook_id}", headers=bearer("client_a", SCOPE)).json()
    assert shown["enabled"] is False and shown["consecutiveFailures"] == 3
    assert shown["disabledReason"] == ("disabled after 3 consecutive failed delivery attempts; the last: attempt 3: "
                                       "the endpoint answered HTTP 503")
    assert shown["disabledAt"] == "2026-12-02T09:03:00.000Z"
    again = client.post(f"/orbapi/webhooks/{hook_id}/enable", headers=bearer("client_a", SCOPE))
    assert again.status_code == 200
    assert (again.json()["enabled"], again.json()["consecutiveFailures"], again.json()["disabledReason"]) == (
        True, 0, None)
    assert again.json()["lastDeliveredAt"] is None  # re-enabling delivers nothing


def test_cli_add_list_remove(capsys, monkeypatch) -> None:
    from shared.cli import main

    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")  # no local-endpoint default: moto intercepts
    monkeypatch.setenv("GROUNDLINK_WEBHOOK_KEY", "test-key-material")
    from shared.aws import reset_clients

    reset_clients()
    assert main(["webhook", "add", "--owner", "client_9", "--url", "https://93.184.216.34/in",
                 "--event", "Job State Change", "--event", "Maneuver Detected"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["secret"].startswith("whsec_") and added["eventTypes"] == ["Job State Change", "Maneuver Detected"]
    assert main(["webhook", "list", "--owner", "client_9"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["webhookId"] == added["webhookId"] and "secret" not in listed
    assert main(["webhook", "add", "--owner", "client_9", "--url", "http://127.0.0.1/x",
                 "--event", "Job State Change"]) == 2
    assert "url: must use https://" in capsys.readouterr().err
    assert main(["webhook", "remove", added["webhookId"]]) == 0
    assert json.loads(capsys.readouterr().out) == {"webhookId": added["webhookId"], "owner": "client_9",
                                                   "deleted": True}
    assert main(["webhook", "remove", added["webhookId"]]) == 1
    assert f"no webhook with id {added['webhookId']}" in capsys.readouterr().err


def test_an_outbox_event_travels_the_bus_to_one_delivery_per_subscribed_webhook(monkeypatch) -> None:
    from infra.local.emulation import create_event_bus, create_storage, queue_env
    from infra.local.pump import FakeLambdaContext, sqs_event
    from shared.adapters.dynamo.outbox import DynamoEventOutbox
    from shared.aws import client as aws_client
    from shared.aws import reset_clients
    from shared.domain.events.models import JOB_STATE_CHANGE, state_change

    sqs = aws_client("sqs")
    urls = create_storage(aws_client("s3"), sqs)
    for var, val in {**queue_env(urls), **create_event_bus(aws_client("events"), sqs, urls)}.items():
        monkeypatch.setenv(var, val)
    reset_clients()
    mine = create("client_a", {**HOOK, "eventTypes": ["Job State Change"]}).json()
    create("client_a", {**HOOK, "eventTypes": ["File State Change"]})  # not subscribed to job events
    create("client_b", {**HOOK, "eventTypes": ["Job State Change"]})  # another owner
    event = state_change("groundlink.jobs", JOB_STATE_CHANGE, owner="client_a", at=datetime(2026, 12, 2, 9, tzinfo=UTC),
                         resource={"taskId": "t-1"}, old="in_progress", new="completed")
    DynamoEventOutbox().add([event])

    from functions.events_relay.handler import handler as relay

    assert relay({"detail-type": "Scheduled Event"}, FakeLambdaContext("events_relay")) == {"published": 1,
                                                                                            "failed": 0}
    assert DynamoEventOutbox().pending() == []
    bus_messages = sqs.receive_message(QueueUrl=urls["webhook_events"], MaxNumberOfMessages=10)["Messages"]
    [on_bus] = [json.loads(m["Body"]) for m in bus_messages]
    assert on_bus["source"] == "groundlink.jobs" and on_bus["detail-type"] == JOB_STATE_CHANGE
    assert on_bus["detail"]["eventId"] == event.id and on_bus["detail"]["owner"] == "client_a"
    assert on_bus["detail"]["state"] == "completed" and on_bus["detail"]["previousState"] == "in_progress"

    from functions.webhook_fanout.handler import handler as fan_out

    arn = sqs.get_queue_attributes(QueueUrl=urls["webhook_events"], AttributeNames=["QueueArn"])["Attributes"]
    result = fan_out(sqs_event(bus_messages, arn["QueueArn"], "us-east-1"), FakeLambdaContext("webhook_fanout"))
    assert result == {"batchItemFailures": []}
    deliveries = sqs.receive_message(QueueUrl=urls["webhook_deliveries"], MaxNumberOfMessages=10)["Messages"]
    [delivery] = [json.loads(m["Body"]) for m in deliveries]
    assert delivery["webhook_id"] == mine["webhookId"] and delivery["attempt"] == 1
    assert delivery["event"] == event.envelope()


def test_the_orbapi_document_has_the_webhook_routes_with_their_scope_and_bodies() -> None:
    from shared.surfaces.openapi import surface_document

    document = surface_document("orbapi")
    paths = document["paths"]
    assert set(paths["/orbapi/webhooks"]) == {"get", "post"}
    assert set(paths["/orbapi/webhooks/{webhookId}"]) == {"get", "delete"}
    assert set(paths["/admin/webhooks"]) == {"get", "post"} and set(paths["/admin/webhooks/{webhookId}"]) == {
        "get", "delete"}
    create_op = paths["/orbapi/webhooks"]["post"]
    assert create_op["security"] == [{"apiToken": ["webhooks:manage"]}]
    assert {"201", "400", "401", "403"} <= set(create_op["responses"])
    schemas = document["components"]["schemas"]
    assert {"url", "eventTypes"} <= set(schemas["CreateWebhookRequest"]["required"])
    assert "secret" in schemas["WebhookCreated"]["properties"] and "secret" not in schemas["WebhookOut"]["properties"]
    assert "webhooks:manage" in document["components"]["securitySchemes"]["apiToken"]["description"]
    assert "docs/events.schema.json" in document["info"]["description"]
