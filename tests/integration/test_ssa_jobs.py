"""SSA jobs (seed 002): pass analyzer → task status → query history, maneuver detection, alerts.
The Step Functions start is replaced by running the worker inline; tests/integration/test_jobs_state_machine
runs the real state machine."""

import copy
import json
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

import functions.ssa_jobs.app as jobs_app
from functions.jobs_worker.handler import handle
from shared.adapters.memory.jobs import FixedClock, RecordingStarter
from shared.wiring.jobs import build_jobs_service, jobs_service
from tests.integration.conftest import bearer

client = TestClient(jobs_app.app, raise_server_exceptions=False)
TODAY = FixedClock(datetime(2026, 4, 20, tzinfo=UTC))
ALICE = bearer("user-1", "ssa", extra={"email": "alice@example.com"})
BOB = bearer("user-2", "ssa")
FEATURE = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [18.0, 59.3]}, "properties": {}}


def serve(starter=None, clock=None):
    """The routes' jobs service with its starter and clock replaced (the worker runs inline)."""
    jobs_app.app.dependency_overrides[jobs_service] = lambda: build_jobs_service(starter=starter, clock=clock)


@pytest.fixture(autouse=True)
def inline_worker(demo):
    starter = RecordingStarter(then=lambda task_id: handle({"task_id": task_id, "step": "run"}))
    serve(starter)
    yield starter.started
    jobs_app.app.dependency_overrides.clear()


def analysis(**overrides):
    body = {"ground_location": copy.deepcopy(FEATURE),
            "date": ["2026-04-17T00:00:00+00:00", "2026-04-17T12:00:00+00:00"],
            "time_resolution": 60, "min_elv_constraint": 10, "max_elv_constraint": 90,
            "norad_ids": [25544, 43013], "name": "Stockholm"}
    body.update(overrides)
    return body


def test_pass_analysis_round_trip(inline_worker):
    r = client.post("/v1/pass_analyzer/", json=analysis(), headers=ALICE)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "pending" and body["name"] == "Stockholm"
    assert body["status_url"] == f"/v1/pass_analyzer_callback/{body['task_id']}/status/"
    assert inline_worker == [body["task_id"]]

    status = client.get(body["status_url"], headers=ALICE).json()
    assert status["status"] == "completed" and status["progress"] == 1.0 and status["error"] is None
    result = status["result"]
    assert len(result["Access_norad"]) == 2 and len(result["duration_norad"]) == 2 and len(result["timestamp"]) == 2
    assert result["Access_norad"][1] == [1]  # NOAA 20 is seen from Stockholm within 12 h
    for windows in result["timestamp"]:
        for start, end in windows:
            assert "2026-04-17T00:00:00+00:00" <= start < end <= "2026-04-17T12:00:00+00:00"
    assert client.get(body["status_url"], headers=BOB).json() == {"detail": "Task not found", "status_code": 404}

    history = client.get("/v1/query_history/", headers=ALICE).json()
    assert history["total_count"] == 1
    entry = history["history"][0]
    assert entry["task_id"] == body["task_id"] and entry["type"] == "pass_analyzer" and entry["status"] == "completed"
    assert entry["user_email"] == "alice@example.com" and entry["request_body"]["name"] == "Stockholm"
    assert entry["user_id"] == 1  # the integer id login returned for "user-1", as seed 002 keys users
    assert client.get("/v1/query_history/?attributes=user_id", headers=ALICE).json() == {
        "history": [{"user_id": 1}], "total_count": 1}
    assert client.get("/v1/query_history/", headers=BOB).json() == {"history": [], "total_count": 0}

    one = client.get(f"/v1/query_history/{entry['id']}", headers=ALICE).json()
    assert one == {"id": entry["id"], "user_email": "alice@example.com", "request_type": "pass_analyzer",
                   "status": "completed", "alert": False, "created_at": entry["created_at"]}
    picked = client.get("/v1/query_history/?attributes=id,task_id", headers=ALICE).json()["history"][0]
    assert picked == {"id": entry["id"], "task_id": body["task_id"]}

    upd = client.put("/v1/query_history/alert", json={"task_id": body["task_id"], "alert": True}, headers=ALICE).json()
    assert upd["alert"] is True and upd["message"] == "Query history entry updated successfully"
    assert client.get("/v1/query_history/?alert=true", headers=ALICE).json()["total_count"] == 1
    assert client.get("/v1/query_history/?alert=false", headers=ALICE).json()["total_count"] == 0
    r = client.put("/v1/query_history/alert", json={"history_id": entry["id"], "alert": False}, headers=BOB)
    assert r.status_code == 404
    # the second form names the entry in the path: same answer, same 404 for another user's entry
    r = client.put(f"/v1/query_history/{entry['id']}/alert", json={"alert": False}, headers=ALICE)
    assert r.status_code == 200 and r.json()["alert"] is False and r.json()["id"] == entry["id"]
    assert r.json()["message"] == "Query history entry updated successfully"
    assert client.get("/v1/query_history/?alert=true", headers=ALICE).json()["total_count"] == 0
    r = client.put(f"/v1/query_history/{entry['id']}/alert", json={"alert": True}, headers=BOB)
    assert r.status_code == 404
    assert r.json() == {"detail": "Query history entry not found or access denied", "status_code": 404}
    r = client.put(f"/v1/query_history/{entry['id']}/alert", json={"alert": "yes"}, headers=ALICE)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "alert"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date": ["2026-04-17T00:00:00+00:00"]}, "date"),
        ({"date": ["2026-04-17T12:00:00+00:00", "2026-04-17T00:00:00+00:00"]}, "date"),
        ({"date": ["2024-01-01T00:00:00+00:00", "2024-01-02T00:00:00+00:00"]}, "date"),
        ({"date": ["2026-04-17T00:00:00", "2026-04-17T12:00:00"]}, "date"),
        ({"time_resolution": 0}, "time_resolution"),
        ({"min_elv_constraint": 50, "max_elv_constraint": 40}, None),
        ({"norad_ids": [25544, 25544]}, "norad_ids"),
        ({"norad_ids": []}, "norad_ids"),
        ({"norad_ids": [99999]}, "norad_ids"),
        ({"ground_location": {"type": "Feature", "geometry": {"type": "Circle", "coordinates": []}}},
         "ground_location"),
    ],
)
def test_invalid_analysis_requests_are_422_naming_the_field(overrides, field, inline_worker):
    r = client.post("/v1/pass_analyzer/", json=analysis(**overrides), headers=ALICE)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, list) and all(set(d) == {"loc", "msg", "type"} for d in detail)
    if field:
        assert any(field in d["loc"] for d in detail)
    assert inline_worker == []


def test_maneuver_detection_answers_and_records():
    """The demo history holds one element set per satellite: no maneuver, but a valid, recorded answer."""
    serve(clock=TODAY)
    body = {"norad_ids": [25544, 43013], "start_date": "2026-04-01", "end_date": "2026-04-19", "name": "demo"}
    r = client.post("/v1/manuaver/", json=body, headers=ALICE)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["norad_ids"] == [25544, 43013] and out["date_range"] == {"start_date": "2026-04-01",
                                                                         "end_date": "2026-04-19"}
    assert out["maneuvers"] == [] and out["total_maneuvers"] == 0 and out["Maneuver_magnitude"] == []
    assert set(out["time_series_plot_data"]) == {"25544", "43013"}
    # ... and says that nothing could be found, rather than that nothing happened
    assert set(out["insufficient_history"]) == {"25544", "43013"}
    assert all("at least 4 usable sets are needed" in why for why in out["insufficient_history"].values())
    entry = client.get("/v1/query_history/", headers=ALICE).json()["history"][0]
    assert entry["type"] == "maneuver" and entry["status"] == "completed"
    assert entry["response_body"]["result"]["total_maneuvers"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"norad_ids": [25544], "start_date": "2026-04-10", "end_date": "2026-04-01"}, None),
        ({"norad_ids": [25544], "start_date": "2026-01-01", "end_date": "2026-04-19"}, None),
        ({"norad_ids": [25544], "start_date": "2026-04-10", "end_date": "2026-04-19", "maxdv": 0}, "maxdv"),
        ({"norad_ids": [25544], "start_date": "2026-04-10", "end_date": "2026-04-19",
          "maneuver_detection_method": "magic"}, "maneuver_detection_method"),
        ({"norad_ids": [25544], "start_date": "2026-03-01", "end_date": "2026-03-19"}, "start_date"),
        ({"norad_ids": [99999], "start_date": "2026-04-10", "end_date": "2026-04-19"}, "norad_ids"),
    ],
)
def test_invalid_maneuver_requests(body, field):
    serve(clock=TODAY)
    r = client.post("/v1/manuaver/", json=body, headers=ALICE)
    assert r.status_code == 422, r.text
    if field:
        assert any(field in d["loc"] for d in r.json()["detail"])


def test_jobs_need_a_token():
    r = client.post("/v1/pass_analyzer/", json=analysis())
    assert r.json() == {"detail": "missing Authorization header (expected 'Bearer <token>')", "status_code": 401}


@pytest.mark.parametrize("scopes", ["", "passes:read", "contacts sites tle passes bookings"])
def test_jobs_need_the_ssa_permission(scopes, inline_worker):
    # Given a valid token without the ssa permission (a station's, an orbapi reader's)
    station = bearer("station-1", scopes)
    calls = [("POST", "/v1/pass_analyzer/", analysis()),
             ("POST", "/v1/manuaver/", {"norad_ids": [25544], "start_date": "2026-04-20", "end_date": "2026-04-25"}),
             ("GET", "/v1/pass_analyzer_callback/0f0e/status/", None), ("GET", "/v1/query_history/", None),
             ("GET", "/v1/query_history/1", None), ("PUT", "/v1/query_history/alert", {"history_id": 1, "alert": True}),
             ("PUT", "/v1/query_history/1/alert", {"alert": True})]
    for method, path, body in calls:
        r = client.request(method, path, json=body, headers=station)
        # Then every job route refuses it in SSA's format, and no job is started
        assert r.status_code == 403, (path, r.text)
        assert r.json() == {"detail": "the token does not grant the required scope 'ssa'", "status_code": 403}
    assert client.get("/v1/query_history/", headers=bearer("station-1", "ssa")).json()["total_count"] == 0


def test_worker_steps_are_idempotent_and_failures_are_recorded():
    """The state machine's two tasks, called directly: a retried run recomputes nothing, a failure is kept."""
    r = client.post("/v1/pass_analyzer/", json=analysis(name="twice"), headers=ALICE).json()
    first = client.get(r["status_url"], headers=ALICE).json()
    assert handle({"task_id": r["task_id"], "step": "run"}) == {"task_id": r["task_id"], "status": "completed"}
    assert client.get(r["status_url"], headers=ALICE).json()["updated_at"] == first["updated_at"]
    # a failure arriving after completion does not move the job backwards
    handle({"task_id": r["task_id"], "step": "fail", "error": {"Error": "X", "Cause": "late"}})
    assert client.get(r["status_url"], headers=ALICE).json()["status"] == "completed"

    from shared.adapters.dynamo.jobs import job_store

    job = job_store().get(r["task_id"]).model_copy(update={"task_id": "00000000-0000-4000-8000-000000000001",
                                                                 "history_id": 999, "status": "pending",
                                                                 "result": None})
    job_store().create(job)
    cause = '{"errorMessage": "no element set stored for NORAD 1", "errorType": "JobError"}'
    handle({"task_id": job.task_id, "step": "fail", "error": {"Error": "JobError", "Cause": cause}})
    failed = client.get(f"/v1/pass_analyzer_callback/{job.task_id}/status/", headers=ALICE).json()
    assert failed["status"] == "failed" and failed["error"] == "no element set stored for NORAD 1"


def test_a_data_store_failure_is_shown_as_a_sentence_not_sdk_text():
    from shared.adapters.dynamo.jobs import job_store

    r = client.post("/v1/pass_analyzer/", json=analysis(name="throttled"), headers=ALICE).json()
    job = job_store().get(r["task_id"]).model_copy(update={"task_id": "00000000-0000-4000-8000-000000000002",
                                                                 "history_id": 998, "status": "pending",
                                                                 "result": None})
    job_store().create(job)
    sdk = ("An error occurred (ProvisionedThroughputExceededException) when calling the GetItem operation "
           "(reached max retries: 3): The level of configured provisioned throughput for the table was exceeded")
    cause = json.dumps({"errorMessage": sdk, "errorType": "ClientError", "stackTrace": ["  File ..."]})
    handle({"task_id": job.task_id, "step": "fail", "error": {"Error": "ClientError", "Cause": cause}})
    r = client.get(f"/v1/pass_analyzer_callback/{job.task_id}/status/", headers=ALICE)
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["error"]) == (
        "failed", "the job could not read or store its data (the service was busy); submit it again")


def test_request_is_kept_exactly_and_unstorable_properties_are_422():
    carol = bearer("user-31", "ssa")
    body = analysis(name=None)
    body["ground_location"]["properties"] = {"site": None, "tags": ["a", None]}
    r = client.post("/v1/pass_analyzer/", json=body, headers=carol)
    assert r.status_code == 200, r.text
    entry = client.get("/v1/query_history/", headers=carol).json()["history"][0]
    assert entry["request_body"]["name"] is None
    assert entry["request_body"]["ground_location"]["properties"] == {"site": None, "tags": ["a", None]}
    for props in ({"": 1}, {"x": 10**40}):
        bad = analysis()
        bad["ground_location"]["properties"] = props
        r = client.post("/v1/pass_analyzer/", json=bad, headers=carol)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][:3] == ["body", "ground_location", "properties"]


def test_a_polygon_without_area_is_422_before_any_job():
    flat = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}}
    dave = bearer("user-32", "ssa")
    r = client.post("/v1/pass_analyzer/", json=analysis(ground_location=flat), headers=dave)
    assert r.status_code == 422 and "no area" in r.json()["detail"][0]["msg"]
    assert client.get("/v1/query_history/", headers=dave).json()["total_count"] == 0


WHOLE_EARTH = {"type": "Feature", "properties": {}, "geometry": {
    "type": "Polygon", "coordinates": [[[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]]}}


def demo_norad_ids() -> list[int]:
    from pathlib import Path

    tle = (Path(__file__).parents[2] / "shared" / "demo_data" / "satellites.tle").read_text().splitlines()
    return [int(line[2:7]) for line in tle if line.startswith("1 ")]


def test_the_largest_request_is_accepted_and_one_beyond_the_bounds_is_422_naming_the_bound():
    started = RecordingStarter()  # recorded, not computed here (tests/e2e and the benchmark run it)
    serve(started)
    ids = demo_norad_ids()  # every demo satellite (35; the e2e test and the benchmark run 100)
    week = ["2026-04-10T00:00:00+00:00", "2026-04-17T00:00:00+00:00"]
    fay = bearer("user-35", "ssa")
    largest = analysis(ground_location=WHOLE_EARTH, date=week, norad_ids=ids, time_resolution=1)
    ok = client.post("/v1/pass_analyzer/", json=largest, headers=fay)
    assert ok.status_code == 200, ok.text
    assert started.started == [ok.json()["task_id"]]
    beyond = [({"norad_ids": list(range(10_000, 10_101))}, ["body", "norad_ids"], "List should have at most 100 items"),
              ({"date": ["2026-04-10T00:00:00+00:00", "2026-04-17T00:00:01+00:00"]}, ["body", "date"],
               "the analysis window may span at most 7 days"),
              ({"time_resolution": 0}, ["body", "time_resolution"], "Input should be greater than or equal to 1")]
    for change, loc, bound in beyond:
        r = client.post("/v1/pass_analyzer/", json={**largest, **change}, headers=fay)
        assert r.status_code == 422, r.text
        [error] = r.json()["detail"]
        assert error["loc"] == loc and bound in error["msg"], error
    assert started.started == [ok.json()["task_id"]]  # nothing beyond the bounds was recorded or started
    assert client.get("/v1/query_history/", headers=fay).json()["total_count"] == 1


def test_a_job_that_cannot_start_is_failed_not_left_pending():
    def broken(task_id):
        raise RuntimeError("state machine unavailable")

    serve(RecordingStarter(then=broken))
    erin = bearer("user-33", "ssa")
    r = client.post("/v1/pass_analyzer/", json=analysis(), headers=erin)
    assert r.json() == {"detail": "the analysis could not be started; please retry", "status_code": 503}
    [entry] = client.get("/v1/query_history/", headers=erin).json()["history"]
    assert entry["status"] == "failed"


def test_maneuver_end_date_after_today_is_analysed_up_to_now():
    # Given today is 2026-04-20
    serve(clock=TODAY)
    # When the period asked for runs past today
    r = client.post("/v1/manuaver/", json={"norad_ids": [25544], "start_date": "2026-04-10",
                                           "end_date": "2026-04-25"}, headers=ALICE)
    # Then it is accepted, analysed up to now, and the answer says so
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["date_range"] == {"start_date": "2026-04-10", "end_date": "2026-04-25"}
    assert out["analysed_until"] == "2026-04-20"
    assert out["message"] == ("end_date 2026-04-25 is after today (2026-04-20): the element-set history was "
                              "analysed from 2026-04-10 up to now")
    # And a period wholly in the future is accepted with nothing to analyse yet
    r = client.post("/v1/manuaver/", json={"norad_ids": [25544], "start_date": "9999-12-20",
                                           "end_date": "9999-12-31"}, headers=ALICE)
    assert r.status_code == 200, r.text
    assert (r.json()["total_maneuvers"], r.json()["analysed_until"]) == (0, "2026-04-20")
    assert r.json()["message"].startswith("start_date 9999-12-20 is after today (2026-04-20)")
    # And the seed's own limits still hold: the order and the 30-day span
    for start, end in (("2026-04-25", "2026-04-21"), ("2026-04-10", "2026-05-20")):
        r = client.post("/v1/manuaver/", json={"norad_ids": [25544], "start_date": start, "end_date": end},
                        headers=ALICE)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body"], r.text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"norad_ids": ["25544"]}, "norad_ids"), ({"time_resolution": True}, "time_resolution"),
     ({"min_elv_constraint": "10"}, "min_elv_constraint")],
)
def test_seed_types_are_enforced_not_coerced(overrides, field):
    r = client.post("/v1/pass_analyzer/", json=analysis(**overrides), headers=ALICE)
    assert r.status_code == 422 and any(field in d["loc"] for d in r.json()["detail"]), r.text
    r = client.put("/v1/query_history/alert", json={"history_id": 1, "alert": "yes"}, headers=ALICE)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "alert"]


def test_history_pages_newest_first():
    frank = bearer("user-34", "ssa")
    tasks = [client.post("/v1/pass_analyzer/", json=analysis(name=f"n{i}"), headers=frank).json()["task_id"]
             for i in range(3)]
    page = client.get("/v1/query_history/?limit=2&offset=1&attributes=task_id", headers=frank).json()
    assert page == {"history": [{"task_id": tasks[1]}, {"task_id": tasks[0]}], "total_count": 3}
    r = client.get("/v1/query_history/?limit=0", headers=frank)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "limit"]
