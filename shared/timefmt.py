"""Timestamps on the wire: ISO 8601 UTC with milliseconds and ``Z`` (``2026-05-06T10:00:00.000Z``)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_ms(value: datetime | float) -> str:
    dt = datetime.fromtimestamp(value, UTC) if isinstance(value, (int, float)) else value.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def as_utc(dt: datetime) -> datetime:
    """Naive timestamps are taken as UTC (the seeds' examples all are)."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso_minute(dt: datetime) -> str:
    """Space Go's contact times: ``YYYY-MM-DDThh:mmZ``."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def floor_minute(dt: datetime) -> datetime:
    return dt.replace(second=0, microsecond=0)


def ceil_minute(dt: datetime) -> datetime:
    from datetime import timedelta

    floored = floor_minute(dt)
    return floored if floored == dt else floored + timedelta(minutes=1)
