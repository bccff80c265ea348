"""Asynchronous jobs (pass analysis, maneuver detection). One record, several views: the SSA task status and
query history, the pipeline mechanics' status, listing and result.

``Job.request`` is the job's request as recorded (``PassAnalysisRequest`` / ``ManeuverRequest`` dumped to
JSON: kept exactly, nulls included, and shown back in the history); ``Job.result`` is the analysis's result
document when the record holds it (maneuver detection); a pass analysis's is stored apart (``result_key``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

JobKind = Literal["pass_analyzer", "maneuver"]
JobStatus = Literal["pending", "in_progress", "completed", "failed"]
ManeuverMethod = Literal["ml", "inc", "sma"]
DataSource = Literal["spacetrack", "timescaledb"]

FINISHED: tuple[JobStatus, ...] = ("completed", "failed")
OPEN: tuple[JobStatus, ...] = ("pending", "in_progress")


class JobError(Exception):
    """A job cannot be computed. Its message is a sentence about the job, shown to the client as the reason."""


class Job(BaseModel):
    task_id: str
    history_id: int
    kind: JobKind
    owner: str
    owner_email: str | None = None
    name: str | None = None
    status: JobStatus = "pending"
    progress: float = 0.0
    request: dict[str, Any]
    result: dict[str, Any] | None = None
    error: str | None = None
    error_code: str | None = None  # the machine code of the failure, when it has one (seed 004's list)
    execution_id: str | None = None  # the execution that claimed the job (pending → in_progress)
    alert: bool = False
    # A pass analysis runs in chunks: how many (set when planned), how many have finished (``progress`` is their
    # ratio while it runs); its result is a JSON document in the results bucket under ``result_key``
    # (``result_bytes`` long), ``result`` stays None.
    chunks_total: int | None = None
    chunks_done: int = 0
    result_key: str | None = None
    result_bytes: int | None = None
    created_at: datetime
    updated_at: datetime


class PassAnalysisRequest(BaseModel):
    """What a pass analysis is asked for (already validated by the surface that received it).

    ``ground_location`` is a GeoJSON Feature; ``date`` the analysis instants (strictly increasing, UTC);
    ``time_resolution`` seconds; elevations in degrees."""

    ground_location: dict[str, Any]
    date: list[datetime]
    time_resolution: int
    min_elv_constraint: int
    max_elv_constraint: int
    norad_ids: list[int]
    name: str | None = None


class ManeuverRequest(BaseModel):
    """What a maneuver detection is asked for: satellites, a date range (UTC days, both included), Δv bounds
    in m/s, the method and, optionally, where the element sets come from."""

    norad_ids: list[int]
    start_date: date
    end_date: date
    maxdv: float = 50.0
    mindv: float = 0.01
    maneuver_detection_method: ManeuverMethod = "ml"
    force_data_source: DataSource | None = None  # None: the stored element-set history
    name: str | None = None


class JobPage(BaseModel):
    """One page of an owner's jobs, newest first, and how many there are in all."""

    jobs: list[Job]
    total: int


class ResultView(BaseModel):
    """A finished job's result as a response shows it: ``inline`` when it fits a response, else ``url`` (a
    presigned GET of the full JSON document, valid ``url_expires_s`` seconds) and its size."""

    inline: dict[str, Any] | None = None
    url: str | None = None
    url_expires_s: int | None = None
    size_bytes: int | None = None
