"""docs/events.schema.json describes the events Groundlink actually sends: the producers' events validate
against it, and its sources and detail-types are the code's (and the bus rule's)."""

from __future__ import annotations

import json
import typing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.domain.events.models import DETAIL_TYPES, RESERVATION_STATE_CHANGE, Source, state_change
from shared.domain.files.events import file_transition
from shared.domain.files.models import FileRecord
from shared.domain.jobs.events import job_finished, maneuvers_detected
from shared.domain.jobs.models import Job
from shared.resources import EVENT_BUS

jsonschema = pytest.importorskip("jsonschema")
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "events.schema.json").read_text())
AT = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def _valid(event) -> None:
    jsonschema.validate(event.envelope(), SCHEMA, format_checker=jsonschema.FormatChecker())


def test_sources_and_detail_types_are_the_codes() -> None:
    assert SCHEMA["properties"]["source"]["enum"] == list(typing.get_args(Source)) == list(EVENT_BUS.sources)
    assert SCHEMA["properties"]["detail-type"]["enum"] == list(DETAIL_TYPES)


def test_the_producers_events_validate() -> None:
    f = FileRecord(id=3, booking_id=9, owner="alice", direction="uplink", s3_key="clients/alice/x", created_at=AT,
                   updated_at=AT)
    for status, reason in (("available", None), ("failed", "sha256 mismatch: …"), ("delivered", None)):
        [event] = file_transition(f, status, reason, AT)
        _valid(event)
    job = Job(task_id="t-1", history_id=4, kind="maneuver", owner="alice", request={}, created_at=AT, updated_at=AT,
              result={"maneuvers": [{"norad_id": 43013, "maneuver_time_utc": "2026-12-01T18:00:00Z", "delta_v": 0.55,
                                     "maneuver_type": "sma", "probability": 0.9}]})
    _valid(job_finished(job, "completed", AT))
    _valid(job_finished(job, "failed", AT, "the job did not finish", previous="in_progress"))
    [maneuver] = maneuvers_detected(job, AT)
    _valid(maneuver)
    _valid(state_change("groundlink.ledger", RESERVATION_STATE_CHANGE, owner="alice", at=AT, resource={"bookingId": 9},
                        old="CONFIRMED", new="ONGOING"))


def test_a_wrong_event_does_not_validate() -> None:
    f = FileRecord(id=3, booking_id=9, owner="alice", direction="uplink", s3_key="k", created_at=AT, updated_at=AT)
    [event] = file_transition(f, "available", None, AT)
    broken = event.envelope()
    del broken["detail"]["fileId"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)
