"""Stores write a change's events in the same write as the change, on memory and DynamoDB: a file's status
change and a job's transition put their events into the outbox; a write whose condition fails (a duplicate, a
job already finished) puts none."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.events.models import FILE_STATE_CHANGE, JOB_STATE_CHANGE, state_change
from shared.domain.files.models import FileRecord, ObjectState
from shared.domain.jobs.models import Job

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@dataclass
class World:
    files: Any
    jobs: Any
    outbox: Any


@pytest.fixture(params=["memory", "dynamodb"])
def world(request) -> Iterator[World]:
    if request.param == "memory":
        from shared.adapters.memory.files import MemoryFileStore
        from shared.adapters.memory.jobs import InMemoryJobStore
        from shared.adapters.memory.outbox import MemoryEventOutbox

        outbox = MemoryEventOutbox()
        yield World(MemoryFileStore(outbox), InMemoryJobStore(outbox), outbox)
        return
    from moto import mock_aws

    from infra.local.emulation import create_resources
    from shared.aws import client, reset_clients

    with mock_aws():
        reset_clients()
        create_resources(client("dynamodb"))
        from shared.adapters.dynamo.files import DynamoFileStore
        from shared.adapters.dynamo.jobs import DynamoJobStore
        from shared.adapters.dynamo.outbox import DynamoEventOutbox

        yield World(DynamoFileStore(), DynamoJobStore(), DynamoEventOutbox())
    reset_clients()


def _file() -> FileRecord:
    return FileRecord(id=1, booking_id=7, owner="alice", direction="uplink", s3_key="clients/alice/u.bin",
                      created_at=T0, updated_at=T0)


def _file_event(new: str):
    return state_change("groundlink.files", FILE_STATE_CHANGE, owner="alice", at=T0, resource={"fileId": 1},
                        old="pending", new=new)


def test_a_file_status_change_and_its_event_are_one_write(world) -> None:
    world.files.create(_file())
    obj = ObjectState(bucket="uplink", key="clients/alice/u.bin", order="S1", sha256="ab" * 32, size=3)
    event = _file_event("available")
    after = world.files.apply_object(_file(), obj, "available", None, events=[event], actual_sha256=obj.sha256)
    assert after is not None and after.status == "available" and after.actual_sha256 == "ab" * 32
    assert [e.id for e in world.outbox.pending()] == [event.id]
    assert world.outbox.pending()[0] == event
    # the same event applied again: the condition fails, no second event
    assert world.files.apply_object(after, obj, "available", None, events=[_file_event("available")]) is None
    assert [e.id for e in world.outbox.pending()] == [event.id]


def _job() -> Job:
    return Job(task_id="t-1", history_id=1, kind="pass_analyzer", owner="alice", request={}, created_at=T0,
               updated_at=T0)


def _job_event(new: str):
    return state_change("groundlink.jobs", JOB_STATE_CHANGE, owner="alice", at=T0, resource={"taskId": "t-1"},
                        old="in_progress", new=new)


def test_a_job_transition_and_its_event_are_one_write(world) -> None:
    created = _job_event("pending")
    world.jobs.create(_job(), events=[created])
    done = _job_event("completed")
    assert world.jobs.transition("t-1", "completed", progress=1.0, result={"ok": 1}, events=[done]) is True
    assert world.jobs.get("t-1").status == "completed"
    # finished already: a late failure changes nothing and announces nothing
    assert world.jobs.transition("t-1", "failed", error="late", events=[_job_event("failed")]) is False
    # the very same change retried (its answer lost) is a success, still without a second event
    assert world.jobs.transition("t-1", "completed", progress=1.0, result={"ok": 1}, events=[_job_event("completed")])
    assert sorted(e.id for e in world.outbox.pending()) == sorted([created.id, done.id])
