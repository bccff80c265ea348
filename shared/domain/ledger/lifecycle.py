"""How a reservation moves in time, one model for both APIs (orbapi status / Space Go state):

  Pending|Confirmed (CONFIRMED) --window begins--> InProgress (ONGOING) --window ends--> AwaitingReport
  (POST_CONTACT) --station reports--> Completed (SUCCESS | PARTIAL_SUCCESS) | Failed (FAIL);
  AwaitingReport --no report within the grace period--> Failed (FAIL);
  Pending|Confirmed|Review --cancel before the window--> Cancelled (CANCELLED);
  Pending|Confirmed --a newer element set moves the pass away--> Review (REVIEW) --the window begins--> Failed,
  or --a newer set puts it back inside a pass--> Confirmed.

Each slot of an orbapi booking moves on its own; the booking follows its slots (in progress while any has
begun and one is not over, awaiting the report once every window ended, final once every slot is). Everything
here is pure: a transition is ``before -> after``, and ``settle`` adds what it causes (the time index entry,
the uplink files' outcome, the events) for the store to write in one conditional write. A transition only
ever moves forward, so a late or duplicated timer finds nothing to do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.events.models import FILE_STATE_CHANGE, RESERVATION_STATE_CHANGE, Event, state_change
from shared.domain.files.models import FileRecord
from shared.domain.ledger.models import (
    CLOSED,
    FINAL,
    NOT_STARTED,
    Booking,
    BookingStatus,
    Slot,
    contact_state,
)
from shared.domain.ledger.ports import Change
from shared.timefmt import iso_ms

DEFAULT_REPORT_GRACE = timedelta(minutes=15)


def _duration(d: timedelta) -> str:
    s = int(d.total_seconds())
    return f"{s // 60} min" if s % 60 == 0 and s >= 60 else f"{s} s"


def aggregate(current: BookingStatus, slots: Sequence[Slot]) -> BookingStatus:
    """The booking's status from its slots': final once every live slot is, ``current`` while no open slot has
    begun (Pending, Confirmed, Review), awaiting the report once every open window ended, else in progress."""
    live = [s.status for s in slots if s.status != "Cancelled"]
    if not live:
        return "Cancelled"
    if all(st in FINAL for st in live):
        return "Completed" if "Completed" in live else "Failed"
    open_ = [st for st in live if st not in FINAL]
    if all(st in NOT_STARTED or st == "Review" for st in open_):
        return current if current in (*NOT_STARTED, "Review") else "InProgress"
    if all(st == "AwaitingReport" for st in open_):
        return "AwaitingReport"
    return "InProgress"


@dataclass(frozen=True)
class Lifecycle:
    report_grace: timedelta = DEFAULT_REPORT_GRACE  # how long after a window's end a station may still report

    def due(self, b: Booking) -> datetime | None:
        """When time next moves ``b`` (None once only a person or a station can)."""
        if b.status in CLOSED:
            return None
        live = b.live_slots()
        if b.status == "Review":
            return min((s.start for s in live if s.status not in FINAL), default=None)
        times = []
        for s in live:
            if s.status in NOT_STARTED:
                times.append(s.start)
            elif s.status == "InProgress":
                times.append(s.end)
            elif s.status == "AwaitingReport":
                times.append(s.end + self.report_grace)
        return min(times, default=None)

    def advance(self, b: Booking, now: datetime) -> Booking | None:
        """``b`` moved by the clock to ``now`` (every step due by then, in order), or None if nothing is due."""
        if b.status in CLOSED:
            return None
        if b.status == "Review":
            first = min((s.start for s in b.live_slots() if s.status not in FINAL), default=None)
            if first is None or first > now:
                return None
            unreviewed = (f"the window began at {iso_ms(first)} while under review "
                          f"({b.state_msg or 'orbit changed'}): no contact was attempted")
            failed = [s.model_copy(update={"status": "Failed"}) if s.status not in FINAL and s.status != "Cancelled"
                      else s for s in b.slots]
            return b.model_copy(update={"slots": failed, "status": aggregate(b.status, failed),
                                        "state_msg": unreviewed,
                                        "updated_at": now})
        slots: list[Slot] = []
        why: list[str] = []
        for s in b.slots:  # every step due, in order; the message says why the slot is where it ends up
            status: BookingStatus = s.status
            reason: str | None = None
            if status in NOT_STARTED and s.start <= now:
                status, reason = "InProgress", f"the window at ground station {s.gs_id} began at {iso_ms(s.start)}"
            if status == "InProgress" and s.end <= now:
                status, reason = "AwaitingReport", (f"the window at ground station {s.gs_id} ended at "
                                                    f"{iso_ms(s.end)}; its report is awaited until "
                                                    f"{iso_ms(s.end + self.report_grace)}")
            if status == "AwaitingReport" and s.end + self.report_grace <= now:
                status, reason = "Failed", (f"no report from ground station {s.gs_id} within "
                                            f"{_duration(self.report_grace)} of the window's end at {iso_ms(s.end)}")
            if reason:
                why.append(reason)
            slots.append(s if status == s.status else s.model_copy(update={"status": status}))
        if slots == b.slots:
            return None
        return b.model_copy(update={"slots": slots, "status": aggregate(b.status, slots), "updated_at": now,
                                    "state_msg": "; ".join(why)})

    def settle(self, before: Booking | None, after: Booking, now: datetime,
               uplinks: Sequence[FileRecord] = ()) -> Change:
        """``after`` with its time index entry, the uplink files' outcome once it became final, and the events of
        both: everything the store writes in the one write of this transition."""
        after = after.model_copy(update={"due_at": self.due(after)})
        files: list[tuple[FileRecord, FileRecord]] = []
        if after.status in FINAL and (before is None or before.status not in FINAL):
            files = uplink_outcome(after, uplinks, now)
        events = [reservation_event(before, after, now)] if before is None or _state(before) != _state(after) else []
        events += [file_event(old, new, now) for old, new in files]
        return Change(booking=after, files=files, events=events)


def _state(b: Booking) -> tuple[str, str]:
    return b.status, contact_state(b)


def uplink_outcome(b: Booking, uplinks: Sequence[FileRecord], now: datetime) -> list[tuple[FileRecord, FileRecord]]:
    """The uplink files of a booking that just became final: the files the station was offered (``available``)
    become ``consumed`` when it succeeded (or partly), ``failed`` when it failed; a file never verified in time
    (``pending``) was never offered and is ``failed`` either way. Other states are left as they are."""
    out = []
    for f in uplinks:
        if f.direction != "uplink":
            continue
        if b.status == "Completed" and f.status == "available":
            new = f.model_copy(update={"status": "consumed", "reason": None, "updated_at": now})
        elif b.status == "Completed" and f.status == "pending":
            new = f.model_copy(update={"status": "failed", "updated_at": now,
                                       "reason": "not uplinked: its object was not verified before the contact"})
        elif b.status == "Failed" and f.status in ("available", "pending"):
            new = f.model_copy(update={"status": "failed", "updated_at": now,
                                       "reason": f"the contact failed: {b.state_msg or 'no reason given'}"})
        else:
            continue
        out.append((f, new))
    return out


def reservation_event(before: Booking | None, after: Booking, now: datetime) -> Event:
    """RESERVATION_STATE_CHANGE: the state in both vocabularies (``previousState``/``state``: Space Go;
    ``previousStatus``/``status``: orbapi), why, and which reservation."""
    resource = {
        "bookingId": after.id, "contactId": str(after.id), "api": after.source,
        "gsIds": sorted({s.gs_id for s in after.slots}), "noradId": after.norad_id, "owner": after.owner,
        "previousStatus": before.status if before else None, "status": after.status, "stateMsg": after.state_msg,
    }
    if after.contact is not None:
        resource["spacecraftId"] = after.contact.spacecraft_id
    return state_change("groundlink.ledger", RESERVATION_STATE_CHANGE, owner=after.owner, at=now, resource=resource,
                        old=contact_state(before) if before else None, new=contact_state(after),
                        reason=after.state_msg)


def file_event(old: FileRecord, new: FileRecord, now: datetime) -> Event:
    resource = {"fileId": new.id, "bookingId": new.booking_id, "missionId": new.booking_id,
                "direction": new.direction, "s3Key": new.s3_key}
    return state_change("groundlink.files", FILE_STATE_CHANGE, owner=new.owner, at=now, resource=resource,
                        old=old.status, new=new.status, reason=new.reason)
