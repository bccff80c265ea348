"""Pass search: the passes of one satellite (stored, or given as a TLE) over one or more stations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from shared.domain.catalog.freshness import STRICT, Freshness, FreshnessPolicy
from shared.domain.catalog.models import Satellite, Station
from shared.domain.errors import InvalidField, NotFound
from shared.domain.ledger.policy import PREDICTION_HORIZON
from shared.timefmt import utcnow

if TYPE_CHECKING:  # the orbit core (numpy + sgp4) is loaded by the first search, not with the router
    from groundlink_orbit import ElementSet, PassTable

    from shared.domain.scheduling.pass_cache import PassCache, PassNotes
    from shared.domain.scheduling.passes import Mask


class StationCatalog(Protocol):
    def get_satellite(self, norad_id: int) -> Satellite | None: ...

    def get_station(self, gs_id: str) -> Station | None: ...

    def list_stations(self) -> list[Station]: ...


class RegistryRules(Protocol):
    """The station registry's rules the pass search applies (``shared.domain.stations.registry_rules``)."""

    def prefetch(self, gs_ids: Sequence[str]) -> None:
        """Read these stations' entries at once (the search asks for every station's mask next)."""
        ...

    def mask(self, gs_id: str) -> Mask | None: ...

    def blocked(self, gs_id: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime, str]]: ...


@dataclass(frozen=True)
class TleLines:
    name: str | None
    line1: str
    line2: str


@dataclass(frozen=True)
class PassQuery:
    norad_id: int | None = None
    tle: TleLines | None = None
    days: float = 7
    start: datetime | None = None
    end: datetime | None = None
    station_ids: Sequence[str] | None = None
    min_elevation_deg: float = 10
    carrier_hz: float | None = None


@dataclass(frozen=True)
class PassSearchResult:
    element_set: ElementSet
    name: str
    tle: TleLines
    stations: list[Station]
    masks: list[float]  # the flat mask per station: the larger of the query's and the station's own (the query's
    # alone under a horizon mask)
    table: PassTable
    start: datetime
    end: datetime
    generated_at: datetime
    warning: str | None
    freshness: Freshness  # of the element set the passes were predicted from, at ``generated_at``
    horizon_masks: list[Mask | None] = field(default_factory=list)  # per station, the registry's (None: flat)
    withheld: list[str] = field(default_factory=list)  # why passes were left out (maintenance, windows)
    notes: list[PassNotes | None] = field(default_factory=list)  # per pass of ``table`` (``pass_cache``): where a
    # surface keeps what it derives from a kept pass; None for a pass rebuilt by this search


def process_cache() -> PassCache:
    """The pass cache every ``PassSearch`` of this process shares by default (loaded with the first search)."""
    from shared.domain.scheduling.pass_cache import PROCESS_CACHE

    return PROCESS_CACHE


def station_order(st: Station) -> tuple[int, str]:
    """Stations listed in id order, numeric ids numerically ("2" before "10")."""
    return (len(st.id), st.id)


def _now() -> datetime:
    return utcnow()  # looked up at each call: tests move the clock by patching this module's utcnow


class PassSearch:
    """``cache``: where predicted passes are kept between searches (``pass_cache``): the process's by default;
    ``cached=False`` computes every search afresh (the same blocks, composed the same way, then dropped)."""

    def __init__(self, catalog: StationCatalog, freshness: FreshnessPolicy = STRICT,
                 clock: Callable[[], datetime] | None = None, rules: RegistryRules | None = None,
                 cache: PassCache | None = None, cached: bool = True) -> None:
        self.catalog = catalog
        self.rules = rules
        self.freshness = freshness
        self.clock = clock or _now
        self.cache = cache
        self.cached = cached

    def _cache(self) -> PassCache:
        if not self.cached:
            from shared.domain.scheduling.pass_cache import PassCache

            return PassCache()
        return self.cache if self.cache is not None else process_cache()

    def stations(self, ids: Sequence[str] | None) -> list[Station]:
        if ids is None:
            return sorted(self.catalog.list_stations(), key=station_order)
        out, seen = [], set()
        for gs_id in ids:
            if gs_id in seen:
                continue
            seen.add(gs_id)
            st = self.catalog.get_station(gs_id)
            if st is None:
                raise NotFound(f"ground station {gs_id} not found")
            out.append(st)
        return out

    def search(self, q: PassQuery) -> PassSearchResult:
        from shared.domain.scheduling.passes import element_set_from_lines, element_set_of, sgp4_warning

        now = self.clock()
        start = q.start or now
        end = q.end or start + timedelta(days=q.days)
        if end <= start:
            raise InvalidField("end", "must be after start")
        end = min(end, start + PREDICTION_HORIZON)

        if q.tle is not None:
            es = element_set_from_lines(q.tle.line1, q.tle.line2, q.tle.name)
            if q.norad_id is not None and q.norad_id != es.norad_id:
                raise InvalidField("noradId", f"{q.norad_id} does not match the TLE's catalogue number {es.norad_id}")
            sat = self.catalog.get_satellite(es.norad_id)
            name = q.tle.name or (sat.name if sat else str(es.norad_id))
            tle = TleLines(name, es.line1, es.line2)
        else:
            assert q.norad_id is not None
            sat = self.catalog.get_satellite(q.norad_id)
            if sat is None:
                raise NotFound(f"satellite {q.norad_id} not found")
            es = element_set_of(sat)
            assert sat.tle is not None  # element_set_of refused a satellite without one
            name = sat.name
            tle = TleLines(sat.tle.name or sat.name, sat.tle.line1, sat.tle.line2)

        stations = self.stations(q.station_ids)
        # a station cannot track below its own mask (its horizon mask in the registry, else its flat minimum
        # elevation): such passes could not be booked either
        if self.rules is not None:
            self.rules.prefetch([s.id for s in stations])  # one read for every station's entry
        horizon = [self.rules.mask(s.id) if self.rules is not None else None for s in stations]
        masks = [q.min_elevation_deg if h is not None else max(q.min_elevation_deg, s.min_elevation_deg)
                 for s, h in zip(stations, horizon, strict=True)]
        found = self._cache().predict(es, stations, start.timestamp(), end.timestamp(), masks, horizon,
                                      carrier_hz=q.carrier_hz)
        notes: list[PassNotes | None] = found.notes if self.cached else [None] * len(found.notes)  # nothing kept
        table, notes, withheld = self._withhold(found.table, notes, stations, start, end)
        return PassSearchResult(element_set=es, name=name, tle=tle, stations=stations, masks=masks, table=table,
                                start=start, end=end, generated_at=now, warning=sgp4_warning(table),
                                freshness=self.freshness.of(es.epoch_utc, now), horizon_masks=horizon,
                                withheld=withheld, notes=notes)

    def _withhold(self, table: PassTable, notes: list[PassNotes | None], stations: list[Station], start: datetime,
                  end: datetime) -> tuple[PassTable, list[PassNotes | None], list[str]]:
        """Passes overlapping what the registry blocks (a station in maintenance, its unavailability windows)
        are left out: they cannot be booked."""
        if self.rules is None or len(table) == 0:
            return table, notes, []
        import numpy as np

        from shared.domain.scheduling.passes import select_passes

        keep = np.ones(len(table), dtype=bool)
        why = []
        for i, st in enumerate(stations):
            for a, b, reason in self.rules.blocked(st.id, start, end):
                hit = (table.station_index == i) & (table.rise_unix_s < b.timestamp()) & \
                    (a.timestamp() < table.set_unix_s)
                if hit.any():
                    keep &= ~hit
                    why.append(f"{int(hit.sum())} pass(es) over ground station {st.id} withheld: {reason}")
        if keep.all():
            return table, notes, why
        return select_passes(table, keep), [n for n, k in zip(notes, keep.tolist(), strict=True) if k], why
