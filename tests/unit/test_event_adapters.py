"""The event and webhook adapters without AWS: PutEvents in batches of 10 with refused entries returned by id
(and the relay keeping them), the bus form read back, the AES-GCM secret cipher, the HTTP transport's answers and
its refusal of non-public addresses outside the local environment."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shared.adapters.eventbridge import EventBridgeBus, entry, event_from_bus
from shared.adapters.memory.outbox import MemoryEventOutbox
from shared.adapters.secret_cipher import AesGcmCipher
from shared.adapters.webhook_http import HttpTransport
from shared.domain.events.models import JOB_STATE_CHANGE, state_change
from shared.domain.events.relay import EventRelay

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _events(n: int):
    return [state_change("groundlink.jobs", JOB_STATE_CHANGE, owner="alice", at=T0 + timedelta(seconds=i),
                         resource={"taskId": f"t-{i}"}, old="in_progress", new="completed") for i in range(n)]


class FakeEvents:
    """PutEvents as EventBridge answers it; refuses the entries whose detail names a task in ``refuse``."""

    def __init__(self, refuse: set[str] = frozenset()) -> None:
        self.calls: list[list[dict]] = []
        self.refuse = refuse

    def put_events(self, Entries):  # noqa: N803 (boto3's name)
        import json

        if len(Entries) > 10:
            raise ValueError("at most 10 entries")
        self.calls.append(Entries)
        results = [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}
                   if json.loads(e["Detail"])["taskId"] in self.refuse else {"EventId": "x"} for e in Entries]
        return {"FailedEntryCount": sum("ErrorCode" in r for r in results), "Entries": results}


def test_put_events_in_batches_of_ten_returning_the_refused_ids() -> None:
    events = _events(23)
    client = FakeEvents(refuse={"t-3", "t-17"})
    failed = EventBridgeBus(client, "groundlink-events").put(events)
    assert [len(c) for c in client.calls] == [10, 10, 3]
    assert failed == [events[3].id, events[17].id]
    first = client.calls[0][0]
    assert (first["Source"], first["DetailType"], first["EventBusName"]) == ("groundlink.jobs", JOB_STATE_CHANGE,
                                                                             "groundlink-events")


def test_the_relay_keeps_what_the_bus_refused() -> None:
    outbox = MemoryEventOutbox()
    events = _events(5)
    outbox.add(events)
    report = EventRelay(outbox, EventBridgeBus(FakeEvents(refuse={"t-2"}), "b")).drain()
    assert (report.published, report.failed) == (4, 1)
    assert outbox.pending() == [events[2]]
    assert EventRelay(outbox, EventBridgeBus(FakeEvents(), "b")).drain().published == 1 and outbox.pending() == []


def test_an_event_reads_back_from_its_bus_form() -> None:
    import json

    [event] = _events(1)
    e = entry(event, "bus")
    detail = json.loads(e["Detail"])
    assert detail["eventId"] == event.id and detail["owner"] == "alice" and detail["state"] == "completed"
    as_delivered = {"version": "0", "id": "eventbridge-own-id", "source": e["Source"], "detail-type": e["DetailType"],
                    "time": "2026-12-02T09:00:00Z", "detail": detail}
    assert event_from_bus(as_delivered) == event


def test_secrets_are_encrypted_with_a_fresh_nonce_and_tampering_is_detected() -> None:
    cipher = AesGcmCipher("key material")
    a, b = cipher.encrypt("whsec_abc"), cipher.encrypt("whsec_abc")
    assert a != b and a.startswith("v1:") and "whsec_abc" not in a
    assert cipher.decrypt(a) == "whsec_abc" == cipher.decrypt(b)
    with pytest.raises(Exception):  # noqa: B017 (cryptography's InvalidTag)
        AesGcmCipher("another key").decrypt(a)
    tampered = a[:-4] + ("AAAA" if not a.endswith("AAAA") else "BBBB")
    with pytest.raises(Exception):  # noqa: B017
        cipher.decrypt(tampered)


def test_no_webhook_key_outside_the_local_environment_fails_closed(monkeypatch) -> None:
    from shared.adapters.secret_cipher import secret_cipher
    from shared.aws import reset_clients

    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "aws")
    monkeypatch.delenv("GROUNDLINK_WEBHOOK_KEY", raising=False)
    monkeypatch.delenv("GROUNDLINK_WEBHOOK_KEY_ARN", raising=False)
    reset_clients()
    secret_cipher.cache_clear()
    with pytest.raises(RuntimeError, match="no webhook key configured"):
        secret_cipher()
    secret_cipher.cache_clear()
    reset_clients()


class _Resolver:
    def __init__(self, addresses: list[str]) -> None:
        self.value = addresses

    def addresses(self, host: str) -> list[str]:
        return list(self.value)


@pytest.fixture
def receiver():
    statuses = [503, 204]
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            seen.append({"body": self.rfile.read(int(self.headers["Content-Length"])),
                         "signature": self.headers["Groundlink-Signature"]})
            self.send_response(statuses.pop(0) if len(statuses) > 1 else statuses[0])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/in", seen
    server.shutdown()
    server.server_close()


def test_the_transport_reports_answers_as_results(receiver) -> None:
    url, seen = receiver
    transport = HttpTransport(allow_private=True)
    first = transport.post(url, b"{}", {"Groundlink-Signature": "v1=ab"}, 5)
    assert (first.ok, first.status, first.reason) == (False, 503, "the endpoint answered HTTP 503")
    second = transport.post(url, b'{"a":1}', {"Groundlink-Signature": "v1=cd"}, 5)
    assert (second.ok, second.status) == (True, 204)
    assert seen[1] == {"body": b'{"a":1}', "signature": "v1=cd"}
    refused = transport.post("http://127.0.0.1:9/none", b"{}", {}, 2)
    assert not refused.ok and refused.status is None and refused.reason.startswith("no answer from the endpoint")


def test_outside_the_local_environment_private_addresses_are_not_called(receiver) -> None:
    url, seen = receiver
    result = HttpTransport(allow_private=False, resolver=_Resolver(["127.0.0.1"])).post(url, b"{}", {}, 5)
    assert not result.ok and "non-public address (127.0.0.1)" in result.reason and seen == []
    gone = HttpTransport(allow_private=False, resolver=_Resolver([])).post(url, b"{}", {}, 5)
    assert not gone.ok and "does not resolve" in gone.reason
