"""What the jobs use cases need from the outside world (``typing.Protocol``: implementations satisfy them
structurally). DynamoDB implementations live in ``shared.adapters.dynamo``, in-memory fakes in
``shared.adapters.memory.jobs``; ``tests/contract`` proves both behave alike."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from shared.domain.catalog.models import ElementSetRecord, Satellite
from shared.domain.events.models import Event
from shared.domain.jobs.models import Job, JobStatus


class JobStore(Protocol):
    """The job records. Status moves only forward (pending → in_progress → completed | failed)."""

    def next_history_id(self) -> int:
        """A fresh query-history id (unique, increasing)."""
        ...

    def create(self, job: Job, events: Sequence[Event] = ()) -> None:
        """Stores a new job (its task id and history id must both be new), and ``events`` into the event outbox
        in the same write. Storing the very same job again (a retried write whose first answer was lost) is a
        success that changes nothing; another job under a taken task id or history id raises."""
        ...

    def get(self, task_id: str) -> Job | None: ...

    def by_history_id(self, history_id: int) -> Job | None: ...

    def list(self, owner: str) -> list[Job]:
        """Every job of ``owner`` (any order)."""
        ...

    def transition(self, task_id: str, status: JobStatus, *, progress: float | None = None,
                   result: dict[str, Any] | None = None, error: str | None = None,
                   error_code: str | None = None, result_key: str | None = None,
                   result_bytes: int | None = None, events: Sequence[Event] = ()) -> bool:
        """Moves a job forward to ``status`` (from pending or in_progress only); False, and no change, if the
        job is unknown or already finished. A job already holding exactly this change (the caller's own write,
        retried after a lost answer) answers True. ``error_code`` is the failure's machine code, when it has one;
        ``result_key``/``result_bytes`` point at a result stored apart.
        ``events`` go into the event outbox in the same write, only if this call changes the job."""
        ...

    def chunk_done(self, task_id: str, index: int) -> int | None:
        """Records chunk ``index`` finished on a job in progress: a chunk counts once however often it is
        recorded (a retried step). The number of chunks done, or None (no change) if the job is not in
        progress."""
        ...

    def claim(self, task_id: str, execution_id: str, chunks_total: int | None = None) -> bool:
        """Moves a ``pending`` job to ``in_progress`` for ``execution_id`` (conditional write), recording with
        ``chunks_total`` how many chunks it runs in (in the same write: ``progress`` is then chunks done / total).
        True if this execution holds the job (a repeated claim by the same execution included); False, and no
        change, if the job is unknown, finished or held by another execution."""
        ...

    def open_jobs(self, created_before: datetime) -> builtins.list[Job]:
        """Every ``pending`` or ``in_progress`` job created before ``created_before`` (any order)."""
        ...

    def set_alert(self, task_id: str, alert: bool) -> Job | None:
        """Sets the alert flag; the updated job, or None if unknown."""
        ...


class JobStarter(Protocol):
    """Starts a job's asynchronous execution. Starting one task id twice runs it once."""

    def start(self, task_id: str) -> None: ...


class AccountDirectory(Protocol):
    """Who a caller is, as far as the jobs need to know: the registered email of a subject, if any."""

    def email_of(self, subject: str) -> str | None: ...


class SatelliteCatalog(Protocol):
    """The catalogue reads the analyses need (``shared.adapters.dynamo.catalog`` satisfies it)."""

    def get_satellite(self, norad_id: int) -> Satellite | None: ...

    def current_element_sets(self, norad_ids: Sequence[int]) -> dict[int, ElementSetRecord]:
        """The current element set of each satellite among ``norad_ids`` that has one (an unknown satellite, or
        one without a set, is absent), named after the satellite when the set carries no name; read together, in
        as few reads as the store allows."""
        ...

    def element_set_history(self, norad_id: int) -> list[ElementSetRecord]:
        """Every stored element set of the satellite, oldest epoch first."""
        ...


class ElementSetSource(Protocol):
    """An outside provider of element-set history (Space-Track), asked when a request forces it."""

    def history(self, norad_ids: Sequence[int], start: datetime, end: datetime) -> dict[int, list[ElementSetRecord]]:
        """The element sets of each satellite with an epoch in [start, end], oldest first (a satellite the
        provider has none of is absent). Raises ``Unavailable`` (a sentence, never the transport's text) when
        the provider cannot be reached or refuses the deployment's credentials."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class ResultStore(Protocol):
    """JSON documents of the jobs kept apart from their records (S3 results bucket: encrypted, expiring)."""

    def put(self, key: str, document: Any) -> int:
        """Stores ``document`` as JSON under ``key`` (replacing it); its size in bytes."""
        ...

    def get(self, key: str) -> Any:
        """The document under ``key``; ``KeyError`` if there is none."""
        ...

    def url(self, key: str, expires_s: int) -> str:
        """A URL anyone holding it may GET the document from for ``expires_s`` seconds."""
        ...
