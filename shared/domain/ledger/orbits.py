"""Orbit changes: when a newer element set becomes current for a satellite, each future reservation of it is
predicted again. A window no longer inside a pass above the station's mask goes to Review (REVIEW), naming the
new pass and how far it moved; a window still inside one stays exactly as it was; a reservation under review
whose every window is inside a pass again is Confirmed again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from shared.domain.ledger.models import NOT_STARTED, Booking, Slot
from shared.domain.scheduling import PassWindow, containing_pass
from shared.timefmt import iso_ms

RECHECKABLE = (*NOT_STARTED, "Review")


@dataclass(frozen=True)
class SlotCheck:
    """One window against the passes predicted from the current element set."""

    slot: Slot
    inside: PassWindow | None  # the pass containing the window, if any
    nearest: PassWindow | None  # otherwise the pass nearest to where the booked one was


def check_slot(slot: Slot, windows: list[PassWindow], edge_s: float) -> SlotCheck:
    inside = containing_pass(windows, slot.start.timestamp(), slot.end.timestamp(), edge_s)
    anchor = (slot.pass_start or slot.start).timestamp()
    nearest = None if inside else min(windows, key=lambda w: abs(w.rise_unix_s - anchor), default=None)
    return SlotCheck(slot, inside, nearest)


def _shift(check: SlotCheck) -> str:
    """The new pass and its shift against the pass the window was booked in (or the window, for records that
    did not keep their pass)."""
    s, near = check.slot, check.nearest
    if near is None:
        return f"no pass of the satellite above the mask near {iso_ms(s.start)}"
    if s.pass_start is not None and s.pass_end is not None:
        shift = near.rise_unix_s - s.pass_start.timestamp()
        ref = f"the pass {iso_ms(s.pass_start)}–{iso_ms(s.pass_end)} it was booked in"
    else:
        shift = (near.rise_unix_s + near.set_unix_s) / 2 - (s.start.timestamp() + s.end.timestamp()) / 2
        ref = "the window's middle"
    return (f"the new pass is {iso_ms(near.rise_unix_s)}–{iso_ms(near.set_unix_s)}, shifted {shift:+.0f} s from "
            f"{ref}")


def revised(b: Booking, checks: list[SlotCheck], epoch: datetime | None, now: datetime) -> Booking | None:
    """``b`` after the element set of ``epoch`` was checked against it (None: unchanged)."""
    if b.status not in RECHECKABLE or b.first_start <= now:
        return None
    by_id = {c.slot.id: c for c in checks}
    out = [c for c in checks if c.inside is None]
    named = f"element set of epoch {iso_ms(epoch.astimezone(UTC))}" if epoch else "current element set"
    if out:
        why = "; ".join(f"window {iso_ms(c.slot.start)}–{iso_ms(c.slot.end)} at ground station {c.slot.gs_id} is no "
                        f"longer inside a pass above the station's mask with the {named}: {_shift(c)}" for c in out)
        slots = [s.model_copy(update={"status": "Review"}) if s.id in {c.slot.id for c in out} else
                 (s.model_copy(update={"status": "Pending"}) if s.status == "Review" else s) for s in b.slots]
        if b.status == "Review" and slots == b.slots and why == b.state_msg:
            return None
        return b.model_copy(update={"status": "Review", "slots": slots, "state_msg": why, "updated_at": now})
    if b.status != "Review":
        return None  # still inside its passes: left exactly as it was
    slots = []
    for s in b.slots:
        c = by_id.get(s.id)
        if s.status == "Review" and c is not None and c.inside is not None:
            s = s.model_copy(update={"status": "Pending",
                                     "pass_start": datetime.fromtimestamp(c.inside.rise_unix_s, UTC),
                                     "pass_end": datetime.fromtimestamp(c.inside.set_unix_s, UTC)})
        slots.append(s)
    why = f"every window is inside a pass above the station's mask again with the {named}"
    return b.model_copy(update={"status": "Confirmed", "slots": slots, "state_msg": why, "updated_at": now})
