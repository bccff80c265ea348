"""What the station registry says about reserving a station (the rules are in ``registry.py``'s text): read
by the ledger (bookings, contacts, availability, orbit rechecks), the pass predictor (horizon masks) and the
pass search."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shared.domain.errors import Conflict, InvalidField
from shared.domain.stations.ports import MissionProfileReader, StationRegistryStore, TransmitterReader
from shared.domain.stations.registry import RegistryEntry, band_refusal
from shared.domain.stations.satnogs import profile_radio

Mask = tuple[list[float], list[float]]


class StationRules:
    def __init__(self, registry: StationRegistryStore, transmitters: TransmitterReader,
                 profiles: MissionProfileReader, remember: bool = False) -> None:
        """``remember``: read each station's entry once (for an instance that lives one request)."""
        self.registry = registry
        self.transmitters = transmitters
        self.profiles = profiles
        self.remember = remember
        self._seen: dict[str, RegistryEntry | None] = {}

    def entry(self, gs_id: str) -> RegistryEntry | None:
        if not self.remember:
            return self.registry.get(gs_id)
        if gs_id not in self._seen:
            self._seen[gs_id] = self.registry.get(gs_id)
        return self._seen[gs_id]

    def prefetch(self, gs_ids: Sequence[str]) -> None:
        """Read the entries of these stations in one request (an instance that remembers: one per request)."""
        if self.remember:
            missing = [i for i in gs_ids if i not in self._seen]
            if missing:
                self._seen.update(self.registry.get_many(missing))

    def mask(self, gs_id: str) -> Mask | None:
        """The station's horizon mask (azimuths, minimum elevations); None: its flat minimum elevation applies."""
        e = self.entry(gs_id)
        return e.mask_points() if e is not None else None

    def in_maintenance(self, gs_id: str) -> bool:
        e = self.entry(gs_id)
        return e is not None and e.status == "maintenance"

    def blocked(self, gs_id: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime, str]]:
        """The parts of [start, end] the station cannot be reserved, with why: the whole of it in maintenance,
        else its unavailability windows overlapping it."""
        e = self.entry(gs_id)
        if e is None:
            return []
        if e.status == "maintenance":
            return [(start, end, f"ground station {gs_id} is in maintenance")]
        return [(w.start, w.end, w.describe()) for w in e.windows_over(start, end)]

    def frequencies(self, owner: str, norad_id: int) -> list[tuple[float, str]]:
        """What a contact of ``owner``'s with the satellite receives: the frequency of the owner's newest mission
        profile stating one, else every active downlink transmitter of the satellite (as a SatNOGS job picks)."""
        for profile in sorted(self.profiles.list_for_satellite(norad_id, owner), key=lambda p: -p.id):
            radio = profile_radio(profile)
            if radio is not None:
                return [(float(radio.frequency_hz), f"mission profile {profile.id}")]
        return [(float(tx.downlink_low_hz), f"transmitter {tx.uuid} {tx.description or ''}".rstrip())
                for tx in sorted(self.transmitters.list_transmitters(), key=lambda t: t.uuid)
                if tx.norad_cat_id == norad_id and tx.gs_id is None and tx.status == "active" and tx.downlink_low_hz]

    def check_reservation(self, gs_id: str, norad_id: int, owner: str, start: datetime, end: datetime,
                          field: str) -> None:
        """Refuse a new reservation of [start, end] at the station: ``Conflict`` in maintenance or overlapping an
        unavailability window, ``InvalidField(field)`` when no antenna receives the satellite."""
        e = self.entry(gs_id)
        if e is None:
            return
        if e.status == "maintenance":
            raise Conflict(f"ground station {gs_id} is in maintenance: it takes no new reservations")
        over = e.windows_over(start, end)
        if over:
            raise Conflict(f"ground station {gs_id} is unavailable during the requested window: "
                           + "; ".join(w.describe() for w in over))
        refusal = band_refusal(e, self.frequencies(owner, norad_id)) if e.antennas else None
        if refusal:
            raise InvalidField(field, f"satellite {norad_id}: {refusal}")
