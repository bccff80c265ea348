"""The jobs use cases on in-memory fakes: recording (owner and email), starting, the worker's steps, visibility,
history, alerts and maneuver detection. No AWS, no HTTP."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_tle

from shared.adapters.memory.jobs import FixedClock, InMemoryJobStore, RecordingStarter, StaticAccountDirectory
from shared.adapters.memory.results import InMemoryResultStore
from shared.domain.catalog.models import ElementSetRecord, Satellite
from shared.domain.errors import InvalidField, NotFound, Unavailable
from shared.domain.identity import Principal
from shared.domain.jobs.analysis.maneuvers import MU_KM3_S2, semi_major_axis_km
from shared.domain.jobs.fanout import PassAnalysisFanout
from shared.domain.jobs.models import JobError, ManeuverRequest, PassAnalysisRequest
from shared.domain.jobs.service import (
    REASON_LOST,
    REASON_STORAGE,
    REASON_STUCK,
    REASON_TIMED_OUT,
    REASON_TOO_LONG,
    REASON_UNEXPECTED,
    STUCK_AFTER,
    JobsService,
    failure_reason,
)
from shared.surfaces.ssa.job_schemas import ManeuverDetection

ISS = ("1 25544U 98067A   26107.16713328  .00006923  00000+0  13461-3 0  9994",
       "2 25544  51.6328 242.0950 0006547 316.4598  43.5873 15.48795320562295")
NOAA20 = ("1 43013U 17073A   26107.17219596  .00000036  00000+0  38109-4 0  9998",
          "2 43013  98.7737  47.1878 0002154  85.2820 274.8602 14.19545792435813")
NOW = datetime(2026, 4, 20, tzinfo=UTC)
ALICE = Principal("user-1", ("ssa",), claims={"email": "alice@example.com"})
BOB = Principal("user-2", ("ssa",))
ADMIN = Principal("user-9", ("ssa", "admin"))
POINT = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [18.0, 59.3]}, "properties": {}}


def _record(norad: int, lines: tuple[str, str], epoch: datetime) -> ElementSetRecord:
    return ElementSetRecord(norad_id=norad, line1=lines[0], line2=lines[1], epoch=epoch, uploaded_at=epoch)


class FakeCatalog:
    def __init__(self) -> None:
        self.satellites: dict[int, Satellite] = {}
        self.history: dict[int, list[ElementSetRecord]] = {}

    def add(self, norad: int, name: str, records: list[ElementSetRecord]) -> None:
        self.history[norad] = sorted(records, key=lambda r: r.epoch)
        self.satellites[norad] = Satellite(norad_id=norad, name=name, tle=self.history[norad][-1] if records else None)

    def get_satellite(self, norad_id: int) -> Satellite | None:
        return self.satellites.get(norad_id)

    def current_element_sets(self, norad_ids: list[int]) -> dict[int, ElementSetRecord]:
        sats = [self.satellites.get(n) for n in norad_ids]
        return {s.norad_id: s.tle if s.tle.name else s.tle.model_copy(update={"name": s.name})
                for s in sats if s is not None and s.tle is not None}

    def element_set_history(self, norad_id: int) -> list[ElementSetRecord]:
        return list(self.history.get(norad_id, []))


@pytest.fixture
def world():
    catalog = FakeCatalog()
    epoch = datetime(2026, 4, 17, 4, tzinfo=UTC)
    catalog.add(25544, "ISS (ZARYA)", [_record(25544, ISS, epoch)])
    catalog.add(43013, "NOAA 20", [_record(43013, NOAA20, epoch)])
    catalog.add(70000, "NO ELEMENTS", [])
    store = InMemoryJobStore()
    starter = RecordingStarter()
    accounts = StaticAccountDirectory({"user-2": "bob@example.com"})
    service = JobsService(store, catalog, starter, accounts, FixedClock(NOW), results=InMemoryResultStore())
    return service, store, starter, catalog


def analysis(**overrides: object) -> PassAnalysisRequest:
    body: dict[str, object] = {"ground_location": POINT, "date": [datetime(2026, 4, 17, tzinfo=UTC),
                                                                  datetime(2026, 4, 17, 12, tzinfo=UTC)],
                               "time_resolution": 60, "min_elv_constraint": 10, "max_elv_constraint": 90,
                               "norad_ids": [25544, 43013], "name": "Stockholm"}
    body.update(overrides)
    return PassAnalysisRequest.model_validate(body)


# -- submitting ---------------------------------------------------------------------------------------------
def test_a_submitted_analysis_is_recorded_pending_and_started(world):
    service, store, starter, _ = world
    job = service.submit_pass_analysis(analysis(), ALICE)
    assert (job.status, job.kind, job.owner, job.owner_email, job.name) == (
        "pending", "pass_analyzer", "user-1", "alice@example.com", "Stockholm")
    assert starter.started == [job.task_id]
    assert store.get(job.task_id) == job
    assert job.request["date"] == ["2026-04-17T00:00:00Z", "2026-04-17T12:00:00Z"]  # recorded as JSON
    assert job.created_at == job.updated_at == NOW


def test_the_owner_email_comes_from_the_directory_when_the_token_has_none(world):
    service, *_ = world
    assert service.submit_pass_analysis(analysis(), BOB).owner_email == "bob@example.com"
    assert service.submit_pass_analysis(analysis(), Principal("ops-1", ("pipeline",))).owner_email is None


@pytest.mark.parametrize(("overrides", "field", "reason"), [
    ({"norad_ids": [25544, 99999]}, "norad_ids", "unknown NORAD id(s) (no element set stored): 99999"),
    ({"norad_ids": [70000]}, "norad_ids", "unknown NORAD id(s) (no element set stored): 70000"),
    ({"ground_location": {"type": "Feature", "geometry": {"type": "Polygon",
                                                          "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}}},
     "ground_location", "the polygon has no area: no ground point lies inside it"),
])
def test_an_invalid_analysis_names_the_field_and_records_nothing(world, overrides, field, reason):
    service, store, starter, _ = world
    with pytest.raises(InvalidField) as err:
        service.submit_pass_analysis(analysis(**overrides), ALICE)
    assert (err.value.field, err.value.reason, err.value.location) == (field, reason, "body")
    assert store.list("user-1") == [] and starter.started == []


def test_a_job_that_cannot_start_is_recorded_failed(world):
    service, store, _, _ = world

    def broken(task_id: str) -> None:
        raise RuntimeError("state machine unavailable")

    service.starter = RecordingStarter(then=broken)
    with pytest.raises(Unavailable, match="could not be started"):
        service.submit_pass_analysis(analysis(), ALICE)
    [job] = store.list("user-1")
    assert job.status == "failed" and job.error == "the job could not be started; submit it again"


# -- the worker's steps -------------------------------------------------------------------------------------
def test_run_computes_once_and_a_late_failure_changes_nothing(world):
    service, store, _, _ = world
    job = service.submit_pass_analysis(analysis(), ALICE)
    assert service.run(job.task_id, "exec-1") == "completed"
    done = store.get(job.task_id)
    assert done.status == "completed" and done.progress == 1.0 and done.error is None
    assert done.result is None and done.result_key == f"jobs/{job.task_id}/result.json"  # stored apart
    result = service.result_view(done).inline
    assert result["Access_norad"][1] == [1] and result["norad_ids"] == [25544, 43013]
    assert service.run(job.task_id, "exec-1") == "completed"  # a retried step recomputes nothing
    assert store.get(job.task_id) == done
    assert service.record_failure(job.task_id, "late") is False
    assert store.get(job.task_id) == done


def test_a_failure_is_recorded_with_its_reason(world):
    service, store, _, catalog = world
    job = service.submit_pass_analysis(analysis(norad_ids=[25544]), ALICE)
    catalog.satellites.pop(25544)  # the element set is gone by the time the worker runs
    with pytest.raises(JobError, match="no element set stored for NORAD 25544"):
        service.run(job.task_id, "exec-1")
    failed = store.get(job.task_id)  # an analysis error is recorded by the run itself, with its code
    assert (failed.status, failed.error, failed.error_code) == (
        "failed", "no element set stored for NORAD 25544", "NO-ELEMENT-SET")
    assert service.record_failure(job.task_id, "late") is False  # the state machine's failure step changes nothing
    other = service.submit_pass_analysis(analysis(norad_ids=[43013]), ALICE)
    assert service.record_failure(other.task_id, "x" * 2000) is True
    failed = store.get(other.task_id)
    assert failed.status == "failed" and failed.error == "x" * 1000 and failed.error_code is None
    assert service.run(job.task_id, "exec-2") == "failed"


def test_a_second_concurrent_run_computes_nothing(world, monkeypatch):
    # Given a job whose first execution is computing it
    service, store, _, _ = world
    job = service.submit_pass_analysis(analysis(), ALICE)
    computed, answers = [], []
    original = PassAnalysisFanout.chunk

    def analyse(self, task_id, index):
        computed.append(index)
        if len(computed) == 1:  # while the first run computes, a second execution of the same job runs
            answers.append(service.run(job.task_id, "exec-2"))
        return original(self, task_id, index)

    monkeypatch.setattr(PassAnalysisFanout, "chunk", analyse)
    # When both run
    assert service.run(job.task_id, "exec-1") == "completed"
    # Then the second claimed nothing and computed nothing; the job ended once, by the first execution
    assert answers == ["in_progress"] and len(computed) == 1
    done = store.get(job.task_id)
    assert (done.status, done.execution_id) == ("completed", "exec-1")
    assert service.run(job.task_id, "exec-3") == "completed" and len(computed) == 1


def test_a_retried_run_of_the_same_execution_may_compute(world):
    service, store, _, _ = world
    job = service.submit_pass_analysis(analysis(), ALICE)
    assert store.claim(job.task_id, "exec-1") is True
    assert store.claim(job.task_id, "exec-1") is True  # the same execution again (a retried claim)
    assert store.claim(job.task_id, "exec-2") is False
    assert service.run(job.task_id, "exec-1") == "completed"


class FailingStore(InMemoryJobStore):
    """A job store whose writes fail while ``down`` is set, as a data store failing during both steps."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def transition(self, *args, **kwargs):
        if self.down:
            raise ConnectionError("Could not connect to the endpoint URL")
        return super().transition(*args, **kwargs)

    def claim(self, *args, **kwargs):
        if self.down:
            raise ConnectionError("Could not connect to the endpoint URL")
        return super().claim(*args, **kwargs)


def test_both_steps_failing_still_end_the_job_once(world):
    # Given a job and a data store that fails during its run and its failure-recording step
    _, _, starter, catalog = world
    store = FailingStore()
    service = JobsService(store, catalog, starter, StaticAccountDirectory(), FixedClock(NOW),
                          results=InMemoryResultStore())
    job = service.submit_pass_analysis(analysis(), ALICE)
    store.down = True
    with pytest.raises(ConnectionError) as raised:
        service.run(job.task_id, "exec-1")
    with pytest.raises(ConnectionError):
        service.record_failure(job.task_id, failure_reason(type(raised.value).__name__, str(raised.value)))
    assert store.get(job.task_id).status == "pending"
    # When the store is back and the execution's FAILED status change arrives (twice: at least once)
    store.down = False
    assert service.execution_ended(job.task_id, "FAILED") is True
    assert service.execution_ended(job.task_id, "FAILED") is False
    # Then the job failed once, with a sentence; neither a late run nor the sweep changes it
    failed = store.get(job.task_id)
    assert (failed.status, failed.error) == ("failed", REASON_LOST)
    assert service.run(job.task_id, "exec-1") == "failed"
    assert service.sweep(NOW + STUCK_AFTER * 2) == []
    assert store.get(job.task_id) == failed


def test_an_execution_timeout_fails_the_running_job_once(world):
    service, store, _, _ = world
    job = service.submit_pass_analysis(analysis(), ALICE)
    assert store.claim(job.task_id, "exec-1")  # the run step is computing when the execution times out
    assert service.execution_ended(job.task_id, "TIMED_OUT") is True
    assert service.execution_ended(job.task_id, "SUCCEEDED") is False
    failed = store.get(job.task_id)
    assert (failed.status, failed.error) == ("failed", REASON_TIMED_OUT)
    assert "60 minutes" in REASON_TIMED_OUT
    # the run step's late completion is refused: exactly one terminal state
    assert store.transition(job.task_id, "completed", progress=1.0, result={"late": True}) is False
    assert store.get(job.task_id) == failed


def test_an_ended_execution_leaves_a_job_another_execution_holds(world):
    service, store, _, _ = world
    job = service.submit_pass_analysis(analysis(), ALICE)
    assert store.claim(job.task_id, "exec-1")
    assert service.execution_ended(job.task_id, "FAILED", "exec-2") is False
    assert store.get(job.task_id).status == "in_progress"
    assert service.execution_ended(job.task_id, "ABORTED", "exec-1") is True
    assert store.get(job.task_id).error == "the job was stopped before it finished; submit it again"


def test_the_sweep_fails_jobs_open_past_their_bound_only(world):
    service, store, _, _ = world
    stuck = service.submit_pass_analysis(analysis(name="stuck"), ALICE)
    running = service.submit_pass_analysis(analysis(name="running"), ALICE)
    store.claim(running.task_id, "exec-1")
    done = service.submit_pass_analysis(analysis(name="done"), ALICE)
    service.run(done.task_id, "exec-9")
    # Just inside the bound nothing moves; past it every open job fails, each once
    assert service.sweep(NOW + STUCK_AFTER) == []
    assert sorted(service.sweep(NOW + STUCK_AFTER + timedelta(seconds=1))) == sorted([stuck.task_id,
                                                                                       running.task_id])
    assert service.sweep(NOW + STUCK_AFTER * 3) == []
    for task_id in (stuck.task_id, running.task_id):
        assert (store.get(task_id).status, store.get(task_id).error) == ("failed", REASON_STUCK)
    assert store.get(done.task_id).status == "completed"
    assert "70 minutes" in REASON_STUCK


@pytest.mark.parametrize(("error", "message", "reason"), [
    ("JobError", "no element set stored for NORAD 7", "no element set stored for NORAD 7"),
    ("ClientError", "An error occurred (ProvisionedThroughputExceededException) when calling the GetItem "
                    "operation (reached max retries: 3)", REASON_STORAGE),
    ("EndpointConnectionError", "Could not connect to the endpoint URL", REASON_STORAGE),
    ("ReadTimeoutError", "Read timeout on endpoint URL", REASON_STORAGE),
    ("Lambda.ServiceException", "Lambda is unavailable", REASON_STORAGE),
    ("Sandbox.Timedout", "Task timed out after 900.00 seconds", REASON_TOO_LONG),
    ("States.Timeout", None, REASON_TOO_LONG),
    ("RuntimeError", "propagator exploded", REASON_UNEXPECTED),
    (None, None, REASON_UNEXPECTED),
])
def test_failure_reasons_are_sentences_about_the_job(error, message, reason):
    assert failure_reason(error, message) == reason


def test_run_of_an_unknown_task_is_an_error(world):
    service, *_ = world
    with pytest.raises(JobError, match="the job is not recorded any more"):
        service.run("nope", "exec-1")


# -- reading ------------------------------------------------------------------------------------------------
def test_a_job_is_visible_to_its_owner_and_admins_only(world):
    service, *_ = world
    job = service.submit_pass_analysis(analysis(), ALICE)
    assert service.status(job.task_id, ALICE) == job
    assert service.status(job.task_id, ADMIN) == job
    with pytest.raises(NotFound, match="Task not found"):
        service.status(job.task_id, BOB)
    assert service.find(job.task_id, BOB) is None
    with pytest.raises(NotFound, match="Query history entry not found or access denied"):
        service.history_entry(job.history_id, BOB)
    assert service.history_entry(job.history_id, ALICE) == job


def test_history_is_newest_first_paged_and_filtered_by_alert(world):
    service, *_ = world
    jobs = [service.submit_pass_analysis(analysis(name=f"n{i}"), ALICE) for i in range(3)]
    service.submit_pass_analysis(analysis(), BOB)
    page = service.history(ALICE, offset=1, limit=1)
    assert [j.task_id for j in page.jobs] == [jobs[1].task_id] and page.total == 3
    assert [j.name for j in service.history(ALICE).jobs] == ["n2", "n1", "n0"]
    flagged = service.set_alert(ALICE, True, task_id=jobs[0].task_id)
    assert flagged.alert is True and flagged.history_id == jobs[0].history_id
    assert [j.task_id for j in service.history(ALICE, alert=True).jobs] == [jobs[0].task_id]
    assert service.history(ALICE, alert=False).total == 2
    assert service.set_alert(ALICE, False, history_id=jobs[0].history_id).alert is False


def test_alerts_name_one_visible_entry(world):
    service, *_ = world
    a = service.submit_pass_analysis(analysis(), ALICE)
    b = service.submit_pass_analysis(analysis(), ALICE)
    with pytest.raises(InvalidField) as err:
        service.set_alert(ALICE, True, history_id=a.history_id, task_id=b.task_id)
    assert err.value.field == "task_id"
    with pytest.raises(NotFound):
        service.set_alert(BOB, True, history_id=a.history_id)
    with pytest.raises(NotFound):
        service.set_alert(ALICE, True, task_id="unknown")
    with pytest.raises(InvalidField):
        service.set_alert(ALICE, True)


# -- maneuver detection -------------------------------------------------------------------------------------
def _burn_history(norad: int, burn_at: int, da_km: float) -> list[ElementSetRecord]:
    """24 element sets every 12 h from 2026-04-01 with drag decay and an in-plane burn before set ``burn_at``
    (detected between the sets around it)."""
    out = []
    a0 = float(semi_major_axis_km(14.195))
    start = datetime(2026, 4, 1, tzinfo=UTC)
    for k in range(24):
        a = a0 - 0.02 * k + (da_km if k >= burn_at else 0.0)
        n_rev_day = math.sqrt(MU_KM3_S2 / a**3) * 86400 / (2 * math.pi)
        sat = Satrec()
        epoch = start + timedelta(hours=12 * k)
        days_1950 = (epoch - datetime(1949, 12, 31, tzinfo=UTC)).total_seconds() / 86400
        sat.sgp4init(WGS72, "i", norad, days_1950, 3.8e-5, 0.0, 0.0, 0.0002, math.radians(85.0), math.radians(98.7),
                     math.radians((275.0 + k * 37.0) % 360), n_rev_day * 2 * math.pi / 1440.0,
                     math.radians((47.0 - k * 0.49) % 360))
        line1, line2 = export_tle(sat)
        out.append(_record(norad, (line1, line2), epoch))
    return out


def test_a_burn_is_detected_recorded_and_fits_the_seed_schema(world):
    service, store, starter, catalog = world
    catalog.add(43013, "NOAA 20", _burn_history(43013, burn_at=12, da_km=1.0))
    request = ManeuverRequest(norad_ids=[43013, 25544], start_date=date(2026, 4, 1), end_date=date(2026, 4, 19),
                              name="burns")
    job = service.detect_maneuvers(request, ALICE)
    result = job.result
    assert result["total_maneuvers"] == 1 and result["Maneuver_type"] == "sma"
    [m] = result["maneuvers"]
    assert m["norad_id"] == 43013 and "2026-04-06T12:00:00Z" <= m["date"] <= "2026-04-07T00:00:00Z"
    assert 0.5 < m["delta_v"] < 0.6 and list(result["insufficient_history"]) == ["25544"]  # one set only
    assert result["Maneuver_magnitude"] == [m["delta_v"]] and set(result["time_series_plot_data"]) == {"43013",
                                                                                                        "25544"}
    assert (job.status, job.kind, job.progress, job.owner_email) == ("completed", "maneuver", 1.0,
                                                                     "alice@example.com")
    assert store.get(job.task_id) == job and starter.started == []
    # the response model neither rejects nor changes the answer
    assert ManeuverDetection.model_validate(result).model_dump(mode="json") == result


def test_a_satellite_without_any_element_set_is_not_found_by_name(world):
    service, store, _, _ = world
    request = ManeuverRequest(norad_ids=[25544, 70000], start_date=date(2026, 4, 1), end_date=date(2026, 4, 19))
    with pytest.raises(NotFound, match="no element-set history for NORAD id\\(s\\) 70000"):
        service.detect_maneuvers(request, ALICE)


def test_an_end_date_after_today_is_analysed_up_to_now_and_says_so(world):
    # Given a burn on 2026-04-06 and a request running past today (2026-04-20)
    service, _, _, catalog = world
    catalog.add(43013, "NOAA 20", _burn_history(43013, burn_at=12, da_km=1.0))
    request = ManeuverRequest(norad_ids=[43013], start_date=date(2026, 4, 1), end_date=date(2026, 4, 30))
    # When maneuvers are detected
    result = service.detect_maneuvers(request, ALICE).result
    # Then the history up to now is analysed (the burn is found), the requested range echoed, and the cut stated
    assert result["total_maneuvers"] == 1
    assert result["date_range"] == {"start_date": "2026-04-01", "end_date": "2026-04-30"}
    assert result["analysed_until"] == "2026-04-20"
    assert result["message"] == ("end_date 2026-04-30 is after today (2026-04-20): the element-set history was "
                                 "analysed from 2026-04-01 up to now")
    assert ManeuverDetection.model_validate(result).model_dump(mode="json") == result
    # And a whole range within the past says nothing more
    whole = service.detect_maneuvers(ManeuverRequest(norad_ids=[43013], start_date=date(2026, 4, 1),
                                                     end_date=date(2026, 4, 19)), ALICE).result
    assert (whole["analysed_until"], whole["message"]) == ("2026-04-19", None)


@pytest.mark.parametrize(("start", "end", "norad", "field"), [
    (date(2026, 3, 1), date(2026, 3, 19), 25544, "start_date"),
    (date(2026, 4, 10), date(2026, 4, 19), 99999, "norad_ids"),
])
def test_maneuver_requests_out_of_range_name_the_field(world, start, end, norad, field):
    service, store, _, _ = world
    with pytest.raises(InvalidField) as err:
        service.detect_maneuvers(ManeuverRequest(norad_ids=[norad], start_date=start, end_date=end), ALICE)
    assert err.value.field == field and store.list("user-1") == []


def test_a_pass_analysis_names_the_epoch_and_age_of_each_element_set_it_used(world):
    service, store, _, catalog = world
    catalog.add(43013, "NOAA 20", [_record(43013, NOAA20, datetime(2026, 4, 10, 6, tzinfo=UTC))])  # 9.75 days
    job = service.submit_pass_analysis(analysis(), ALICE)
    assert service.run(job.task_id, "exec-1") == "completed"
    result = service.result_view(store.get(job.task_id)).inline
    assert result["tle_epoch"] == {"25544": "2026-04-17T04:00:00.000Z", "43013": "2026-04-10T06:00:00.000Z"}
    assert result["tle_age_days"] == {"25544": 2.833, "43013": 9.75}  # at the service's clock, NOW
    assert result["tle_warning"] == {"43013": (
        "the element set's epoch 2026-04-10T06:00:00.000Z is 9.8 days old (more than 3 days): SGP4 predictions "
        "drift by roughly 1-3 km a day along-track in low Earth orbit; import a current element set")}
