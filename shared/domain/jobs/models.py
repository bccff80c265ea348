"""Asynchronous jobs (pass analysis, maneuver detection). One record, several views: the SSA task status
and query history."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

JobKind = Literal["pass_analyzer", "maneuver"]
JobStatus = Literal["pending", "in_progress", "completed", "failed"]


class Job(BaseModel):
    task_id: str
    history_id: int
    kind: JobKind
    owner: str
    owner_email: str | None = None
    name: str | None = None
    status: JobStatus = "pending"
    progress: float = 0.0
    request: dict
    result: dict | None = None
    error: str | None = None
    alert: bool = False
    created_at: datetime
    updated_at: datetime
