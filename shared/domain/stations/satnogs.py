"""SatNOGS-compatible stations: a station running the open SatNOGS client polls for its jobs (the poll is its
heartbeat, as the command broker's) and uploads each observation's data, which reaches the booking's client
through the downlink path and, once the audio payload is in, finalises the station's part of the booking.

An *observation* is one slot of a booking at one station. Its id is an integer, as SatNOGS's are, and stable:
``booking id × 1000 + the slot's position in the booking`` (a booking holds at most ``OBSERVATION_SLOTS - 1``
slots), so an upload names its booking and slot without any index.

The radio settings of a job come from the booking owner's newest mission profile of the satellite that states
them (``{"radio": {"frequencyHz", "modulation" or "mode", "baud"}}``, the shape seed 001 shows), else from
the satellite's first active transmitter with a downlink frequency (by uuid). A reservation whose satellite has
neither, or no element set, cannot be flown by a SatNOGS station and is not offered as a job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from shared.domain.catalog.models import ElementSetRecord, Satellite, Station, Transmitter
from shared.domain.errors import Conflict, InvalidField, NotFound
from shared.domain.identity import Principal
from shared.domain.ledger.models import Booking, Slot
from shared.domain.profiles.models import MissionProfile
from shared.domain.stations.ports import DownlinkDrop, MissionProfileReader, TransmitterReader
from shared.domain.stations.service import ContactReport, StationService
from shared.timefmt import iso_ms

OBSERVATION_SLOTS = 1000
ObservationPart = Literal["payload", "waterfall", "demoddata"]
PARTS: tuple[ObservationPart, ...] = ("payload", "waterfall", "demoddata")
# What a SatNOGS client names its files (satnogs_<id>_<time>.ogg, waterfall_<id>_<time>.dat, data_<id>_<time>…)
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$")


def observation_id(booking_id: int, slot_position: int) -> int:
    """The observation of the ``slot_position``-th (1-based) slot of a booking."""
    return booking_id * OBSERVATION_SLOTS + slot_position


def observation_of(obs_id: int) -> tuple[int, int] | None:
    """(booking id, 1-based slot position) of an observation id; None for an id no observation can have."""
    booking_id, position = divmod(obs_id, OBSERVATION_SLOTS)
    return (booking_id, position) if booking_id >= 1 and position >= 1 else None


@dataclass(frozen=True)
class Radio:
    frequency_hz: int
    mode: str
    baud: float | None
    transmitter: str  # the transmitter's uuid, or ``profile-<id>`` for a mission profile's settings


@dataclass(frozen=True)
class Job:
    """One upcoming observation of the polling station."""

    observation_id: int
    booking: Booking
    slot: Slot
    station: Station
    satellite: Satellite
    element_set: ElementSetRecord
    radio: Radio


@dataclass(frozen=True)
class ObservationFile:
    part: ObservationPart
    filename: str
    content: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class StoredFile:
    part: ObservationPart
    filename: str
    key: str  # in the downlink bucket
    size: int


@dataclass(frozen=True)
class ObservationUpload:
    observation_id: int
    booking: Booking  # as stored after the upload (finalised when the payload came)
    slot: Slot
    station: Station
    files: list[StoredFile]


def profile_radio(profile: MissionProfile) -> Radio | None:
    """A mission profile's radio settings, when it states a usable downlink frequency."""
    radio: Any = profile.profile.get("radio")
    if not isinstance(radio, dict):
        return None
    freq = radio.get("frequencyHz")
    mode = radio.get("modulation", radio.get("mode"))
    baud = radio.get("baud")
    if isinstance(freq, bool) or not isinstance(freq, int | float) or not 0 < freq < 1e12:
        return None
    if not isinstance(mode, str) or not mode.strip():
        return None
    if isinstance(baud, bool) or not isinstance(baud, int | float) or baud <= 0:
        baud = None
    return Radio(frequency_hz=int(freq), mode=mode.strip(), baud=float(baud) if baud is not None else None,
                 transmitter=f"profile-{profile.id}")


def transmitter_radio(tx: Transmitter) -> Radio | None:
    if tx.status != "active" or not tx.downlink_low_hz or not tx.mode:
        return None
    return Radio(frequency_hz=tx.downlink_low_hz, mode=tx.mode, baud=None, transmitter=tx.uuid)


def file_problem(f: ObservationFile) -> str | None:
    """Why an uploaded part cannot be stored (None when it can)."""
    if not f.content:
        return "the file is empty"
    if not FILE_NAME.match(f.filename) or ".." in f.filename:
        return (f"file name {f.filename[:80]!r} is not a plain file name (letters, digits, '.', '_', '+', '-'; "
                "at most 200 characters)")
    return None


class SatnogsStations:
    def __init__(self, stations: StationService, transmitters: TransmitterReader, profiles: MissionProfileReader,
                 drop: DownlinkDrop, clock: Callable[[], datetime] | None = None) -> None:
        self.stations = stations
        self.transmitters = transmitters
        self.profiles = profiles
        self.drop = drop
        self.clock = clock or stations.clock

    # -- jobs -------------------------------------------------------------------------------------------
    def jobs(self, principal: Principal, ground_station: str | None = None) -> tuple[Station, list[Job]]:
        """The polling station's upcoming observations that it can fly, in start order; the poll is recorded
        as its heartbeat. Asking for another station's jobs is NotFound (the caller has no such station)."""
        station = self.stations.station_of(principal)
        if ground_station is not None and ground_station != station.id:
            raise NotFound(f"ground station {ground_station} not found")
        self.stations.heartbeats.heartbeat(station.id, self.clock())
        jobs = []
        radios: dict[tuple[str, int], Radio | None] = {}
        for booking, slot in self.stations.upcoming(station.id):
            sat = self.stations.catalog.get_satellite(booking.norad_id)
            if sat is None or sat.tle is None:
                continue
            key = (booking.owner, booking.norad_id)
            if key not in radios:
                radios[key] = self.radio(booking.owner, booking.norad_id)
            radio = radios[key]
            if radio is None:
                continue
            position = next(i for i, s in enumerate(booking.slots, 1) if s.id == slot.id)
            jobs.append(Job(observation_id=observation_id(booking.id, position), booking=booking, slot=slot,
                            station=station, satellite=sat, element_set=sat.tle, radio=radio))
        return station, jobs

    def radio(self, owner: str, norad_id: int) -> Radio | None:
        """What a station tunes to for ``owner``'s contact with the satellite (see the module's text)."""
        for profile in sorted(self.profiles.list_for_satellite(norad_id, owner), key=lambda p: -p.id):
            found = profile_radio(profile)
            if found is not None:
                return found
        for tx in sorted(self.transmitters.list_transmitters(), key=lambda t: t.uuid):
            if tx.norad_cat_id == norad_id:
                found = transmitter_radio(tx)
                if found is not None:
                    return found
        return None

    # -- uploads ----------------------------------------------------------------------------------------
    def _observation(self, obs_id: int, station: Station) -> tuple[Booking, Slot]:
        missing = NotFound(f"observation {obs_id} not found")
        ref = observation_of(obs_id)
        if ref is None:
            raise missing
        booking = self.stations.ledger.get(ref[0])
        if booking is None or ref[1] > len(booking.slots):
            raise missing
        slot = booking.slots[ref[1] - 1]
        if slot.gs_id != station.id:
            raise missing  # someone else's observation
        if booking.status == "Cancelled" or slot.status == "Cancelled":
            raise NotFound(f"observation {obs_id} not found: its reservation was cancelled")
        return booking, slot

    def upload(self, principal: Principal, obs_id: int, files: Sequence[ObservationFile]) -> ObservationUpload:
        """Store an observation's files under the booking's downlink path (``downlink/<booking>/satnogs-<obs>/``,
        delivered to the booking's client from there); the audio ``payload`` completes the station's part of
        the booking. Data can be uploaded once the observation has begun; the same file again replaces it and
        changes nothing else."""
        station = self.stations.station_of(principal)
        booking, slot = self._observation(obs_id, station)
        if not files:
            raise InvalidField("request body", f"no file: send one of the parts {', '.join(PARTS)}")
        for f in files:
            problem = file_problem(f)
            if problem:
                raise InvalidField(f.part, problem)
        if slot.start > self.clock():
            raise Conflict(f"observation {obs_id} starts at {iso_ms(slot.start)}: its data can be uploaded once it "
                           "has begun")
        completes = any(f.part == "payload" for f in files)
        done = booking.station_results.get(station.id)
        if completes and done is not None and done.status == "failed":
            raise Conflict(f"observation {obs_id} was already reported failed by ground station {station.id}")
        stored = []
        for f in files:
            key = f"downlink/{booking.id}/satnogs-{obs_id}/{f.filename}"
            self.drop.drop(key, f.content, f.content_type)
            stored.append(StoredFile(part=f.part, filename=f.filename, key=key, size=len(f.content)))
        if completes:
            report = ContactReport(status="completed", message=f"SatNOGS observation {obs_id}: audio uploaded")
            booking, _ = self.stations.report(booking.id, report, principal)
        slot = next(s for s in booking.slots if s.id == slot.id)
        return ObservationUpload(observation_id=obs_id, booking=booking, slot=slot, station=station, files=stored)
