"""In-memory ``JobStore``, ``JobStarter`` and ``AccountDirectory`` (``shared.domain.jobs.ports``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from shared.adapters.memory.outbox import MemoryEventOutbox
from shared.domain.events.models import Event
from shared.domain.jobs.models import OPEN, Job, JobStatus

_ALLOWED_FROM: dict[JobStatus, tuple[JobStatus, ...]] = {
    "pending": (),
    "in_progress": ("pending", "in_progress"),
    "completed": ("pending", "in_progress"),
    "failed": ("pending", "in_progress"),
}


class DuplicateJob(Exception):
    """A job's task id or history id is already taken."""


class InMemoryJobStore:
    def __init__(self, outbox: MemoryEventOutbox | None = None) -> None:
        self.outbox = outbox or MemoryEventOutbox()  # events are added under its lock, with the change
        self._jobs: dict[str, Job] = {}
        self._by_history: dict[int, str] = {}
        self._counter = 0
        self._done: dict[str, set[int]] = {}  # the chunk indices recorded finished, by task id
        self._lock = threading.Lock()

    def next_history_id(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

    def create(self, job: Job, events: Sequence[Event] = ()) -> None:
        with self._lock, self.outbox.lock:
            if self._jobs.get(job.task_id) == job and self._by_history.get(job.history_id) == job.task_id:
                return  # the same job again: a retried write
            if job.task_id in self._jobs or job.history_id in self._by_history:
                raise DuplicateJob(job.task_id)
            self._jobs[job.task_id] = job.model_copy(deep=True)
            self._by_history[job.history_id] = job.task_id
            self.outbox.add(events)

    def get(self, task_id: str) -> Job | None:
        job = self._jobs.get(task_id)
        return job.model_copy(deep=True) if job else None

    def by_history_id(self, history_id: int) -> Job | None:
        task_id = self._by_history.get(history_id)
        return self.get(task_id) if task_id is not None else None

    def list(self, owner: str) -> list[Job]:
        return [j.model_copy(deep=True) for j in self._jobs.values() if j.owner == owner]

    def transition(self, task_id: str, status: JobStatus, *, progress: float | None = None,
                   result: dict[str, Any] | None = None, error: str | None = None,
                   error_code: str | None = None, result_key: str | None = None,
                   result_bytes: int | None = None, events: Sequence[Event] = ()) -> bool:
        with self._lock, self.outbox.lock:
            job = self._jobs.get(task_id)
            if job is None:
                return False
            update: dict[str, Any] = {"status": status}
            if progress is not None:
                update["progress"] = progress
            if result is not None:
                update["result"] = result
            if error is not None:
                update["error"] = error
            if error_code is not None:
                update["error_code"] = error_code
            if result_key is not None:
                update["result_key"] = result_key
            if result_bytes is not None:
                update["result_bytes"] = result_bytes
            if job.status not in _ALLOWED_FROM[status]:
                return all(getattr(job, k) == v for k, v in update.items())  # already this very change
            update["updated_at"] = datetime.now(UTC)
            self._jobs[task_id] = job.model_copy(update=update, deep=True)
            self.outbox.add(events)
            return True

    def claim(self, task_id: str, execution_id: str, chunks_total: int | None = None) -> bool:
        with self._lock:
            job = self._jobs.get(task_id)
            if job is None:
                return False
            held = job.status == "in_progress" and job.execution_id == execution_id
            if not held and job.status != "pending":
                return False
            update: dict[str, Any] = {"status": "in_progress", "execution_id": execution_id, "progress": 0.1,
                                      "updated_at": datetime.now(UTC)}
            if chunks_total is not None:
                done = len(self._done.get(task_id, ()))
                update.update(chunks_total=chunks_total, progress=done / chunks_total if chunks_total else 0.0)
            elif held:
                return True
            self._jobs[task_id] = job.model_copy(update=update)
            return True

    def chunk_done(self, task_id: str, index: int) -> int | None:
        with self._lock:
            job = self._jobs.get(task_id)
            if job is None or job.status != "in_progress":
                return None
            done = self._done.setdefault(task_id, set())
            if index not in done:
                done.add(index)
                progress = len(done) / job.chunks_total if job.chunks_total else job.progress
                self._jobs[task_id] = job.model_copy(update={"chunks_done": len(done), "progress": progress,
                                                             "updated_at": datetime.now(UTC)})
            return len(done)

    def open_jobs(self, created_before: datetime) -> list[Job]:
        with self._lock:
            return [j.model_copy(deep=True) for j in self._jobs.values()
                    if j.status in OPEN and j.created_at < created_before]

    def set_alert(self, task_id: str, alert: bool) -> Job | None:
        with self._lock:
            job = self._jobs.get(task_id)
            if job is None:
                return None
            self._jobs[task_id] = job.model_copy(update={"alert": alert, "updated_at": datetime.now(UTC)})
        return self.get(task_id)


class RecordingStarter:
    """Records the task ids it is asked to start (once each) and runs ``then`` on each, if given (e.g. the
    worker, inline)."""

    def __init__(self, then: Callable[[str], object] | None = None) -> None:
        self.started: list[str] = []
        self.then = then

    def start(self, task_id: str) -> None:
        if task_id in self.started:
            return
        self.started.append(task_id)
        if self.then is not None:
            self.then(task_id)


class StaticAccountDirectory:
    def __init__(self, emails: dict[str, str] | None = None) -> None:
        self.emails = dict(emails or {})

    def email_of(self, subject: str) -> str | None:
        return self.emails.get(subject)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.value = now

    def now(self) -> datetime:
        return self.value
