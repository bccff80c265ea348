"""Timestamps on the wire: ISO 8601 UTC with milliseconds and ``Z`` (``2026-05-06T10:00:00.000Z``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def iso_ms(value: datetime | float) -> str:
    dt = datetime.fromtimestamp(value, UTC) if isinstance(value, (int, float)) else value.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def iso_s(dt: datetime) -> str:
    """ISO 8601 UTC to the second with ``Z``."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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


EARLIEST = datetime(1957, 10, 4, tzinfo=UTC)  # Sputnik 1: nothing to track before
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def bounded_utc(value: datetime) -> datetime:
    """UTC within [1957-10-04, 2100-01-01); out-of-range dates are a 400, never an overflow."""
    try:
        dt = as_utc(value)
    except OverflowError:
        raise ValueError("date-time is out of range") from None
    if not EARLIEST <= dt < LATEST:
        raise ValueError("date-time must lie between 1957-10-04 and 2100-01-01")
    return dt


def parse_query_time(name: str, raw: str | None) -> datetime | None:
    """A date-time query parameter; the error names the parameter."""
    if raw is None:
        return None
    try:
        return bounded_utc(datetime.fromisoformat(raw.strip().replace("Z", "+00:00")))
    except ValueError as exc:
        from shared.domain.errors import InvalidRequest

        raise InvalidRequest(f"query parameter '{name}': '{raw}' is not a valid date-time ({exc})") from None


UtcDateTime = Annotated[datetime, AfterValidator(bounded_utc)]
