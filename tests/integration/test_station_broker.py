"""Station command broker: polls (the heartbeat), upcoming contacts with verified uplink files, contact results;
the orbapi station status (seed 001 shape)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_files.app import app as files_app
from functions.station_broker.app import app as broker_app
from shared.adapters.dynamo.ledger import ledger_store
from shared.domain.errors import InvalidRequest
from shared.domain.ledger.models import contact_state
from shared.identity_tokens import create_api_token
from shared.resources import UPLINK
from shared.settings import get_settings
from tests.integration.conftest import bearer
from tests.integration.test_files_support import make_booking, start_platform

_platform = pytest.fixture(scope="module", name="platform")(start_platform)

api = TestClient(broker_app, raise_server_exceptions=False)
files = TestClient(files_app, raise_server_exceptions=False)
ALICE = bearer("alice", "bookings passes")
PAYLOAD = b"\x00\x01 commands" * 512


def station_headers(gs_id: str) -> dict:
    token, _ = create_api_token(owner=f"station-{gs_id}", scopes=["station"], name=f"station {gs_id}")
    return {"Authorization": f"Bearer {token}"}


def test_unknown_station_status_is_404(platform):
    r = api.get("/orbapi/gs/id/nope/status", headers=ALICE)
    assert (r.status_code, r.json()) == (404, {"error": "ground station nope not found"})


def test_never_polled_station_is_offline(platform):
    body = api.get("/orbapi/gs/id/6/status", headers=ALICE).json()
    assert body == {"groundStation": {"id": "6", "description": body["groundStation"]["description"]},
                    "host": "6", "online": False, "status": "offline", "lastSeenAt": None, "lastSeenAgeMs": None,
                    "queueDepth": 0}


def test_poll_lists_upcoming_contacts_with_available_files_and_is_the_heartbeat(platform):
    # Given a booking at station 3 whose uplink file is verified, and one whose file is not uploaded
    b = make_booking("alice", gs_id="3", uplink=("clients/alice/cmd.bin", hashlib.sha256(PAYLOAD).hexdigest()))
    other = make_booking("alice", gs_id="3", uplink=("clients/alice/missing.bin", None))
    platform.s3.put_object(Bucket=UPLINK.local_name, Key="clients/alice/cmd.bin", Body=PAYLOAD)
    platform.deliver()
    headers = station_headers("3")
    # When the station polls
    r = api.get("/stations/v1/commands", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    by_id = {c["bookingId"]: c for c in body["commands"]}
    # Then it sees both contacts, in start order, and the verified file with a presigned GET URL
    assert body["groundStation"]["id"] == "3" and {b.id, other.id} <= set(by_id)
    starts = [c["start"] for c in body["commands"]]
    assert starts == sorted(starts)
    cmd = by_id[b.id]
    assert cmd["satellite"]["noradId"] == "43013" and cmd["slotId"] == b.slots[0].id
    [f] = cmd["uplinkFiles"]
    assert f["s3Key"] == "clients/alice/cmd.bin" and f["sha256"] == hashlib.sha256(PAYLOAD).hexdigest()
    assert UPLINK.local_name in f["url"] and "Signature" in f["url"] and f["size"] == len(PAYLOAD)
    assert by_id[other.id]["uplinkFiles"] == []
    # And the poll was its heartbeat
    status = api.get("/orbapi/gs/id/3/status", headers=ALICE).json()
    assert status["online"] is True and status["status"] == "online" and status["host"] == "3"
    assert 0 <= status["lastSeenAgeMs"] < 60_000 and status["lastSeenAt"].endswith("Z")
    assert status["queueDepth"] == len(body["commands"])


def test_offline_after_the_threshold(platform, monkeypatch):
    api.get("/stations/v1/commands", headers=station_headers("4"))
    assert api.get("/orbapi/gs/id/4/status", headers=ALICE).json()["online"] is True
    monkeypatch.setattr(get_settings(), "station_online_threshold_s", -1.0)
    body = api.get("/orbapi/gs/id/4/status", headers=ALICE).json()
    assert (body["online"], body["status"]) == (False, "offline") and body["lastSeenAt"] is not None


def test_only_station_tokens_poll(platform):
    assert api.get("/stations/v1/commands", headers=ALICE).status_code == 403
    with pytest.raises(InvalidRequest, match="only for 'station-<gs_id>' owners"):  # such a token cannot exist
        create_api_token(owner="alice", scopes=["station"])
    with pytest.raises(InvalidRequest, match="exactly the scope 'station'"):
        create_api_token(owner="station-5", scopes=["station", "bookings"])
    assert api.get("/stations/v1/commands").status_code == 401


def _during(monkeypatch, b):
    """Reports are accepted once the contact has begun: move the broker's clock into the slot."""
    import shared.domain.stations.service as broker

    monkeypatch.setattr(broker, "utcnow", lambda: b.slots[0].start + timedelta(seconds=30))


def test_contact_result_is_final_and_idempotent(platform, monkeypatch):
    b = make_booking("alice", gs_id="5")
    _during(monkeypatch, b)
    headers = station_headers("5")
    url = f"/stations/v1/contacts/{b.id}/result"
    r = api.post(url, headers=headers, json={"status": "completed", "metrics": {"snr_db": 11.5}})
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "success", "bookingId": b.id, "missionId": b.id, "gsId": "5",
                        "result": "completed", "bookingStatus": "Completed",
                        "slots": [{"id": b.slots[0].id, "gsId": "5", "status": "Completed"}]}
    stored = ledger_store().get(b.id)
    assert stored.status == "Completed" and stored.slots[0].status == "Completed"
    assert stored.station_results["5"].metrics == {"snr_db": 11.5}
    # A retried report changes nothing; a contradicting one is a conflict
    again = api.post(url, headers=headers, json={"status": "completed"})
    assert again.status_code == 200 and ledger_store().get(b.id) == stored
    assert api.post(url, headers=headers, json={"status": "failed"}).status_code == 409
    # The contact is no longer in the station's queue
    ids = [c["bookingId"] for c in api.get("/stations/v1/commands", headers=headers).json()["commands"]]
    assert b.id not in ids


def test_failed_result_and_spacego_contact_state(platform, monkeypatch):
    b = make_booking("alice", gs_id="5", source="spacego")
    _during(monkeypatch, b)
    r = api.post(f"/stations/v1/contacts/{b.id}/result", headers=station_headers("5"),
                 json={"status": "failed", "message": "antenna fault", "channels": []})
    assert r.status_code == 200 and r.json()["bookingStatus"] == "Failed"
    stored = ledger_store().get(b.id)
    assert contact_state(stored) == "FAIL" and stored.state_msg == "antenna fault"


def test_result_for_another_stations_contact_is_404(platform):
    b = make_booking("alice", gs_id="5")
    r = api.post(f"/stations/v1/contacts/{b.id}/result", headers=station_headers("6"), json={"status": "completed"})
    assert r.status_code == 404
    r = api.post("/stations/v1/contacts/999999/result", headers=station_headers("6"), json={"status": "completed"})
    assert r.status_code == 404


@pytest.mark.parametrize("status", ["done", "", None])
def test_invalid_result_status(platform, status):
    b = make_booking("alice", gs_id="5")
    r = api.post(f"/stations/v1/contacts/{b.id}/result", headers=station_headers("5"), json={"status": status})
    assert r.status_code == 400


def test_result_before_the_contact_begins_is_refused(platform):
    b = make_booking("alice", gs_id="5")
    r = api.post(f"/stations/v1/contacts/{b.id}/result", headers=station_headers("5"), json={"status": "completed"})
    assert r.status_code == 409 and "can only be reported once it has begun" in r.json()["error"]
    assert ledger_store().get(b.id).status == "Pending"


@pytest.mark.parametrize(
    ("metrics", "fragment"),
    [({"": 1}, "non-empty strings"), ({"x": 10**40}, "smaller than 1e30"), ({"x": "y" * 40000}, "exceeds the limit"),
     (7, "object or a list")],
)
def test_unstorable_metrics_are_400_and_change_nothing(platform, monkeypatch, metrics, fragment):
    b = make_booking("alice", gs_id="5")
    _during(monkeypatch, b)
    r = api.post(f"/stations/v1/contacts/{b.id}/result", headers=station_headers("5"),
                 json={"status": "completed", "metrics": metrics})
    assert r.status_code == 400 and fragment in r.json()["error"], r.text
    assert api.get("/stations/v1/commands", headers=station_headers("5")).status_code == 200


def test_a_station_may_call_a_contact_off_before_it_begins(platform):
    b = make_booking("alice", gs_id="5")
    r = api.post(f"/stations/v1/contacts/{b.id}/result", headers=station_headers("5"),
                 json={"status": "failed", "message": "antenna maintenance"})
    assert r.status_code == 200 and r.json()["bookingStatus"] == "Failed"
