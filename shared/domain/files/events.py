"""The events of file transitions (``File State Change``, source ``groundlink.files``): a file becoming
``available`` or ``failed`` (uplink verification) or ``delivered`` (downlink). Written by the file store in the
same write as the status change; a write that changes nothing announces nothing."""

from __future__ import annotations

from datetime import datetime

from shared.domain.events.models import FILE_STATE_CHANGE, Event, state_change
from shared.domain.files.models import FileRecord, FileStatus

ANNOUNCED: tuple[FileStatus, ...] = ("available", "failed", "consumed", "delivered")


def file_transition(f: FileRecord, status: FileStatus, reason: str | None, at: datetime) -> list[Event]:
    """The event of ``f`` (as read before the write) moving to ``status``; none when the status stays."""
    if status == f.status or status not in ANNOUNCED:
        return []
    resource = {"fileId": f.id, "bookingId": f.booking_id, "direction": f.direction, "key": f.s3_key}
    return [state_change("groundlink.files", FILE_STATE_CHANGE, owner=f.owner, at=at, resource=resource,
                         old=f.status, new=status, reason=reason)]
