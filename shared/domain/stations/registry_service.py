"""Operators manage the station registry: read and replace a station's entry, set its status, add and remove
unavailability windows. A window added (by itself or in a replaced entry) moves the reservations not yet begun
inside it to Review through the ledger's lifecycle; a window removed lets the orbit recheck confirm them again.
The registry is written first: a retried call finds the window stored and moves nothing twice."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shared.domain.catalog.models import Station
from shared.domain.errors import Conflict, InvalidField, NotFound
from shared.domain.stations.ports import StationRegistryStore
from shared.domain.stations.registry import (
    Antenna,
    MaskPoint,
    OperatorStatus,
    RegistryEntry,
    UnavailabilityWindow,
)
from shared.timefmt import utcnow


class StationDirectory(Protocol):
    def get_station(self, gs_id: str) -> Station | None: ...


class ReservationHolds(Protocol):
    """The ledger's side of unavailability windows (``LedgerService``)."""

    def hold_for_window(self, gs_id: str, window: UnavailabilityWindow) -> list[int]:
        """Move the station's reservations not yet begun inside the window to Review; the ids moved."""
        ...

    def release_window(self, gs_id: str, window: UnavailabilityWindow) -> list[int]:
        """Re-check the reservations under review inside a removed window; the ids confirmed again."""
        ...


@dataclass(frozen=True)
class RegistryChange:
    entry: RegistryEntry
    moved_to_review: list[int] = field(default_factory=list)
    confirmed_again: list[int] = field(default_factory=list)


def _now() -> datetime:
    return utcnow()


class StationRegistryService:
    def __init__(self, registry: StationRegistryStore, stations: StationDirectory, holds: ReservationHolds,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.registry = registry
        self.stations = stations
        self.holds = holds
        self.clock = clock or _now

    def _station(self, gs_id: str) -> Station:
        st = self.stations.get_station(gs_id)
        if st is None:
            raise NotFound(f"ground station {gs_id} not found")
        return st

    def show(self, gs_id: str) -> RegistryEntry:
        """The station's entry (an empty one, version 0, when it has none: it works by its flat mask)."""
        self._station(gs_id)
        return self.registry.get(gs_id) or RegistryEntry(gs_id=gs_id)

    def _write(self, gs_id: str, change: Callable[[RegistryEntry], RegistryEntry | None]) -> RegistryChange:
        self._station(gs_id)
        before: list[RegistryEntry] = []

        def transform(current: RegistryEntry | None) -> RegistryEntry | None:
            base = current or RegistryEntry(gs_id=gs_id)
            before[:] = [base]
            after = change(base)
            if after is None or after.model_dump(exclude={"updated_at", "version"}) == \
                    base.model_dump(exclude={"updated_at", "version"}):
                return None
            return after.model_copy(update={"updated_at": self.clock()})

        stored = self.registry.update(gs_id, transform) or RegistryEntry(gs_id=gs_id)
        old = {w.id: w for w in before[0].windows} if before else {}
        new = {w.id: w for w in stored.windows}
        moved, confirmed = [], []
        for w in stored.windows:  # every window of the entry: a retry completes what a failed call left
            moved.extend(self.holds.hold_for_window(gs_id, w))
        for wid, w in old.items():
            if wid not in new or new[wid] != w:
                confirmed.extend(self.holds.release_window(gs_id, w))
        return RegistryChange(stored, sorted(set(moved)), sorted(set(confirmed)))

    def replace(self, gs_id: str, antennas: Sequence[Antenna], horizon_mask: Sequence[MaskPoint],
                status: OperatorStatus | None, windows: Sequence[UnavailabilityWindow]) -> RegistryChange:
        """Replace the whole entry (validated as a whole: ``InvalidField`` naming what is wrong)."""
        try:
            entry = RegistryEntry(gs_id=gs_id, antennas=list(antennas), horizon_mask=list(horizon_mask),
                                  status=status, windows=list(windows))
        except ValueError as exc:
            raise InvalidField("entry", str(exc)) from None
        return self._write(gs_id, lambda _: entry)

    def set_status(self, gs_id: str, status: OperatorStatus | None) -> RegistryChange:
        return self._write(gs_id, lambda e: e.model_copy(update={"status": status}))

    def add_window(self, gs_id: str, start: datetime, end: datetime, reason: str,
                   window_id: str | None = None) -> tuple[RegistryChange, UnavailabilityWindow]:
        """Add an unavailability window (``window_id`` makes a retry safe: the same window again changes nothing;
        another window under an existing id is a Conflict)."""
        try:
            window = UnavailabilityWindow(id=window_id or f"w-{secrets.token_hex(4)}", start=start, end=end,
                                          reason=reason)
        except ValueError as exc:
            raise InvalidField("window", str(exc)) from None

        def add(e: RegistryEntry) -> RegistryEntry | None:
            same = next((w for w in e.windows if w.id == window.id), None)
            if same is not None:
                if same == window:
                    return None
                raise Conflict(f"ground station {gs_id} already has a window {window.id}: {same.describe()}")
            return e.model_copy(update={"windows": sorted([*e.windows, window], key=lambda w: (w.start, w.id))})

        return self._write(gs_id, add), window

    def remove_window(self, gs_id: str, window_id: str) -> RegistryChange:
        current = self.show(gs_id)
        if not any(w.id == window_id for w in current.windows):
            raise NotFound(f"ground station {gs_id} has no unavailability window {window_id}")
        return self._write(gs_id, lambda e: e.model_copy(update={"windows": [w for w in e.windows
                                                                           if w.id != window_id]}))
