"""The catalogue's use cases, written once for every surface (orbapi reference data, Space Go sites,
spacecraft and TLEs, the SSA catalogue and current positions) and for the importers (CLI, demo data).

The orbit core is imported only inside the use cases that parse or propagate element sets, so the
functions that only read the catalogue never load numpy.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.domain.catalog.freshness import STRICT, FreshnessPolicy
from shared.domain.catalog.models import (
    ElementSetRecord,
    ImportReport,
    Positions,
    Satellite,
    ServiceConfig,
    Spacecraft,
    Station,
    TleUploaded,
    Transmitter,
)
from shared.domain.catalog.ports import BulkCatalogStore, SatelliteColumns
from shared.domain.errors import InvalidRequest, NotFound
from shared.domain.identity import Principal

if TYPE_CHECKING:
    from groundlink_orbit import ElementSet, ParseReport

SERVICE_TYPES = ("contact",)
SpacecraftField = Literal["spacecraft_id", "name", "acronym", "norad_id"]
SiteField = Literal["name", "acronym"]

# -- satellite types ("EO, SAR, ELINT, Unknown sensor") --------------------------------------------------
# The one mapping from a satellite's purpose / detailed purpose to its sensor type. The first rule whose
# pattern occurs (case-insensitively) in "<detailed_purpose> <purpose>" wins, so a radar imager whose
# purpose is "Earth Observation" is SAR, not EO.
SATELLITE_TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ELINT", re.compile(r"\b(elint|sigint|signals? intelligence|electronic intelligence)\b", re.I)),
    ("SAR", re.compile(r"\b(sar|radar)\b|synthetic aperture", re.I)),
    ("EO", re.compile(r"earth observation|earth science|\bimaging\b|\boptical\b", re.I)),
)
UNKNOWN_SENSOR = "Unknown sensor"
SATELLITE_TYPES = ("EO", "SAR", "ELINT", UNKNOWN_SENSOR)  # the seed's order, also the order of answers

OFFICIAL_NAME = "official_name"
"""Pseudo-attribute for :meth:`CatalogService.find_satellites_by_text`: the official name, or any name."""

M = TypeVar("M", bound=BaseModel)


def type_of_purpose(detailed_purpose: str | None, purpose: str | None) -> str:
    text = f"{detailed_purpose or ''} {purpose or ''}"
    for name, pattern in SATELLITE_TYPE_RULES:
        if pattern.search(text):
            return name
    return UNKNOWN_SENSOR


def satellite_type(sat: Satellite) -> str:
    return type_of_purpose(sat.detailed_purpose, sat.purpose)


def official_name(sat: Satellite) -> str:
    """The current official name; without one, the catalogue's full name, then its short name."""
    return sat.satellite_name_official or sat.names or sat.name


def station_order(st: Station) -> tuple[int, str]:
    """Stations listed in id order, numeric ids numerically ("2" before "10")."""
    return (len(st.id), st.id)


def mode_matches(tx: Transmitter, mode: str) -> bool:
    return tx.mode.casefold() == mode.strip().casefold() or str(tx.mode_id) == mode.strip()


def _fold(text: object) -> str:
    return str(text).strip().casefold()


def _contains(text: str, *candidates: str | None) -> bool:
    needle = _fold(text)
    return any(needle in (c or "").casefold() for c in candidates)


def _one_of(values: Iterable[str] | None) -> Callable[[str | None], bool]:
    """Case-insensitive exact match on any of ``values``; no values (None or empty) matches everything."""
    wanted = {_fold(v) for v in values or ()}
    if not wanted:
        return lambda _: True
    return lambda value: value is not None and _fold(value) in wanted


def _sorted_unique(values: Iterable[str | None]) -> list[str]:
    return sorted({v for v in values if v is not None and v.strip()}, key=lambda v: (v.casefold(), v))


def _describe(errors: Sequence[Any]) -> str:
    """One sentence naming each invalid field of an imported item and the reason."""
    out = []
    for err in errors:
        loc = ".".join(str(p) for p in err.get("loc", ()))
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        out.append(f"{loc}: {msg}")
    return "; ".join(out) or "invalid request"


def element_set_record(es: ElementSet, *, source: str, uploaded_by: str) -> ElementSetRecord:
    return ElementSetRecord(
        norad_id=es.norad_id,
        name=es.name,
        line1=es.line1,
        line2=es.line2,
        epoch=es.epoch_utc,
        source=source,
        uploaded_by=uploaded_by,
        uploaded_at=datetime.now(UTC),
    )


class ObjectColumns:
    """The columns of satellites already built (the in-memory store; a store without a published listing)."""

    def __init__(self, satellites: Sequence[Satellite]) -> None:
        self.satellites = satellites

    def column(self, attribute: str) -> Sequence[Any]:
        return [getattr(s, attribute, None) for s in self.satellites]

    def has_element_set(self) -> Sequence[bool]:
        return [s.tle is not None for s in self.satellites]


class Selection(Sequence[Satellite]):
    """Some satellites of a listing, by position, in listing order; a satellite is read from the listing (and so,
    from a store's columns, built) only when asked for: a page of 20 out of 30,000 builds 20."""

    def __init__(self, satellites: Sequence[Satellite], positions: Sequence[int]) -> None:
        self._satellites = satellites
        self._positions = positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> Satellite: ...
    @overload
    def __getitem__(self, index: slice) -> list[Satellite]: ...
    def __getitem__(self, index: int | slice) -> Satellite | list[Satellite]:
        if isinstance(index, slice):
            return [self._satellites[i] for i in self._positions[index]]
        return self._satellites[self._positions[index]]

    def __iter__(self) -> Iterator[Satellite]:
        satellites = self._satellites
        return (satellites[i] for i in self._positions)


class Listing:
    """The satellite listing with what the searches read prepared once per listing the store hands out (folded
    attributes, from the store's columns when it has them, see ``ports.SatelliteColumns``): at catalogue scale
    (tens of thousands of satellites) a search is a ``str.find`` pass over a prepared column, and builds no
    satellite it does not return."""

    ROW_SEPARATOR = "\x1e"  # between satellites in a joined column (``containing``)
    NAMES = ("name", "names")
    OFFICIAL_NAMES = ("name", "names", "satellite_name_official")  # ``official_name`` is one of them

    def __init__(self, satellites: Sequence[Satellite]) -> None:
        self.satellites: Sequence[Satellite]
        self._columns: SatelliteColumns | ObjectColumns
        if isinstance(satellites, SatelliteColumns):  # in NORAD-id order by contract
            self.satellites = satellites
            self._columns = satellites
        else:
            ordered = all(a.norad_id < b.norad_id for a, b in zip(satellites, satellites[1:], strict=False))
            self.satellites = list(satellites) if ordered else sorted(satellites, key=lambda s: s.norad_id)
            self._columns = ObjectColumns(self.satellites)
        self._raw: dict[str, Sequence[Any]] = {}
        self._folded: dict[str, list[str | None]] = {}
        self._has_element_set: Sequence[bool] | None = None
        self._joined: dict[int, tuple[Sequence[str | None], str, list[int]]] = {}

    def __len__(self) -> int:
        return len(self.satellites)

    def column(self, attribute: str) -> Sequence[Any]:
        values = self._raw.get(attribute)
        if values is None:
            values = self._raw[attribute] = self._columns.column(attribute)
        return values

    def has_element_set(self) -> Sequence[bool]:
        if self._has_element_set is None:
            self._has_element_set = self._columns.has_element_set()
        return self._has_element_set

    def folded(self, attribute: str) -> list[str | None]:
        column = self._folded.get(attribute)
        if column is None:
            column = [None if v is None else _fold(v) for v in self.column(attribute)]
            self._folded[attribute] = column
        return column

    def select(self, positions: Sequence[int]) -> Selection:
        return Selection(self.satellites, positions)

    def naming(self, needle: str, attributes: Sequence[str]) -> list[int]:
        """The positions where any of these attributes (folded) contains ``needle`` (folded)."""
        found: set[int] = set()
        for at in range(len(attributes)):
            found.update(self.containing(needle, self._distinct(attributes[: at + 1])))
        return sorted(found)

    def _distinct(self, attributes: Sequence[str]) -> list[str | None]:
        """The last attribute's folded values, None where a satellite's value equals one of the earlier attributes'
        (a satellite created from an element set has its name as its full name): no text is searched twice."""
        key = "\x00".join(attributes)
        column = self._folded.get(key)
        if column is None:
            *earlier, column = (self.folded(a) for a in attributes)
            for values in earlier:
                column = [None if v == e else v for v, e in zip(column, values, strict=True)]
            self._folded[key] = column
        return column

    def containing(self, needle: str, texts: Sequence[str | None]) -> list[int]:
        """The positions whose text (one of this listing's folded columns) contains ``needle`` (folded): one
        ``str.find`` pass over the column joined once, a few milliseconds at whole-sky scale instead of a test per
        satellite."""
        if not needle or self.ROW_SEPARATOR in needle:
            return [i for i, t in enumerate(texts) if t is not None and needle in t]
        joined = self._joined.get(id(texts))
        if joined is None or joined[0] is not texts:
            starts = [0, *accumulate(len(t or "") + 1 for t in texts)]
            joined = self._joined[id(texts)] = (texts, self.ROW_SEPARATOR.join(t or "" for t in texts), starts)
        _, text, starts = joined
        found: list[int] = []
        at = text.find(needle)
        while at >= 0:
            row = bisect_right(starts, at) - 1
            found.append(row)
            at = text.find(needle, starts[row + 1])
        return found


_LISTING: tuple[Sequence[Satellite], Listing] | None = None


def listing_of(satellites: Sequence[Satellite]) -> Listing:
    """The :class:`Listing` of what the store returned, reused while the store returns the same listing object (the
    DynamoDB store hands out one per published snapshot and dirty rows; the in-memory store a new one each call)."""
    global _LISTING
    cached = _LISTING
    if cached is not None and cached[0] is satellites:
        return cached[1]
    built = Listing(satellites)
    _LISTING = (satellites, built)
    return built


class CatalogService:
    def __init__(self, store: BulkCatalogStore, freshness: FreshnessPolicy = STRICT) -> None:
        self.store = store
        self.freshness = freshness

    # -- satellites -----------------------------------------------------------------------------------
    def satellite(self, norad_id: int) -> Satellite | None:
        return self.store.get_satellite(norad_id)

    def require_satellite(self, norad_id: int) -> Satellite:
        sat = self.store.get_satellite(norad_id)
        if sat is None:
            raise NotFound(f"satellite {norad_id} not found")
        return sat

    def _listing(self) -> Listing:
        return listing_of(self.store.list_satellites())

    @staticmethod
    def _named(found: Listing, name: str | None) -> Sequence[int]:
        if name is None:
            return range(len(found))
        return found.naming(_fold(name), found.NAMES)

    def satellites(self, name: str | None = None) -> Sequence[Satellite]:
        """By NORAD id; ``name``: case-insensitive substring of the name or the full name."""
        found = self._listing()
        return found.select(self._named(found, name))

    def satellites_with_element_sets(self, name: str | None = None) -> Sequence[Satellite]:
        found = self._listing()
        has = found.has_element_set()
        return found.select([i for i in self._named(found, name) if has[i]])

    def satellite_with_element_set(self, norad_id: int) -> Satellite:
        sat = self.require_satellite(norad_id)
        if sat.tle is None:
            raise NotFound(f"no TLE stored for satellite {norad_id}")
        return sat

    def satellites_in_order(self, norad_ids: Sequence[int]) -> list[Satellite]:
        """The satellites in the order asked; unknown ids are one NotFound naming all of them."""
        found = self._listing()
        ids = found.column("norad_id")

        def known(norad_id: int) -> Satellite | None:
            at = bisect_left(ids, norad_id)
            if at < len(ids) and ids[at] == norad_id:
                return found.satellites[at]
            return self.store.get_satellite(norad_id)

        sats = [known(n) for n in norad_ids]
        missing = [n for n, s in zip(norad_ids, sats, strict=True) if s is None]
        if missing:
            raise NotFound(f"satellite(s) not found: {', '.join(map(str, missing))}")
        return [s for s in sats if s is not None]

    def search_satellites(self, *, search: str | None = None, constellation: str | None = None,
                          country: str | None = None) -> Sequence[Satellite]:
        """``search``: name substring (any name, case-insensitive) or exact NORAD id; ``constellation``
        and ``country`` case-insensitive exact (``country``: operator country, UN-registry country or
        operator). Blank filters do not filter."""
        found = self._listing()
        keep: Sequence[int] = range(len(found))
        if search is not None and search.strip():
            needle = _fold(search)
            exact_id = int(needle) if needle.isascii() and needle.isdigit() else None
            keep = found.naming(needle, found.OFFICIAL_NAMES)
            ids = found.column("norad_id")
            at = bisect_left(ids, exact_id) if exact_id is not None else len(ids)
            if at < len(ids) and ids[at] == exact_id and at not in keep:
                keep = sorted([*keep, at])
        if constellation is not None and constellation.strip():
            wanted, values = _fold(constellation), found.folded("constellation_name")
            keep = [i for i in keep if values[i] == wanted]
        if country is not None and country.strip():
            wanted = _fold(country)
            columns = [found.folded(a) for a in ("country_operator", "country_org_un_registry", "operator")]
            keep = [i for i in keep if any(column[i] == wanted for column in columns)]
        return found.select(keep)

    def _of_countries(self, country_operator: Sequence[str], detailed_purpose: Sequence[str] | None = None,
                      constellation_name: Sequence[str] | None = None) -> tuple[Listing, Sequence[int]]:
        found = self._listing()
        keep: Sequence[int] = range(len(found))
        for attribute, values in (("country_operator", country_operator), ("detailed_purpose", detailed_purpose),
                                  ("constellation_name", constellation_name)):
            wanted = {_fold(v) for v in values or ()}
            if wanted:
                column = found.folded(attribute)
                keep = [i for i in keep if column[i] in wanted]
        return found, keep

    def satellites_of_countries(self, country_operator: Sequence[str], *,
                                detailed_purpose: Sequence[str] | None = None,
                                constellation_name: Sequence[str] | None = None) -> Sequence[Satellite]:
        """Each filter matches case-insensitively and exactly any item of its list; an omitted or empty
        filter does not filter."""
        found, keep = self._of_countries(country_operator, detailed_purpose, constellation_name)
        return found.select(keep)

    def find_satellites_by_text(self, text: str, attribute: str) -> Sequence[Satellite]:
        """Case-insensitive substring of one descriptive attribute (``OFFICIAL_NAME``: any of the names)."""
        needle = _fold(text)
        found = self._listing()
        if attribute == OFFICIAL_NAME:
            return found.select(found.naming(needle, found.OFFICIAL_NAMES))
        return found.select(found.containing(needle, found.folded(attribute)))

    def _values_of_countries(self, attribute: str, country_operator: Sequence[str]) -> list[Any]:
        found, keep = self._of_countries(country_operator)
        column = found.column(attribute)
        return [column[i] for i in keep]

    def constellations(self, country_operator: Sequence[str]) -> list[str]:
        return _sorted_unique(self._values_of_countries("constellation_name", country_operator))

    def detailed_purposes(self, country_operator: Sequence[str]) -> list[str]:
        return _sorted_unique(self._values_of_countries("detailed_purpose", country_operator))

    def satellite_types(self, country_operator: Sequence[str]) -> list[str]:
        found, keep = self._of_countries(country_operator)
        detailed, purpose = found.column("detailed_purpose"), found.column("purpose")
        present = {type_of_purpose(detailed[i], purpose[i]) for i in keep}
        return [t for t in SATELLITE_TYPES if t in present]

    def positions(self, norad_ids: Sequence[int], now_unix_ms: int) -> Positions:
        """Where the satellites are at ``now_unix_ms`` and their ground track for the next 1.5 h, each with the
        freshness of the element set used at that moment."""
        from shared.domain.catalog.position import propagate

        return propagate(self.satellites_in_order(norad_ids), now_unix_ms, self.freshness)

    # -- element sets ---------------------------------------------------------------------------------
    def element_set_history(self, norad_id: int) -> list[ElementSetRecord]:
        return self.store.element_set_history(norad_id)

    def _ingest(self, parsed: ParseReport, source: str, uploaded_by: str) -> ImportReport:
        """Through the bulk ingestion use case (``ingestion.CatalogIngestion``), reported the importers' way."""
        from shared.domain.catalog.ingestion import CatalogIngestion

        done = CatalogIngestion(self.store).ingest_parsed(parsed, source=source, uploaded_by=uploaded_by)
        return ImportReport("element_sets", stored=done.stored, current=len(done.advanced),
                            duplicates=done.unchanged, errors=[str(r) for r in done.rejected],
                            became_current=set(done.advanced))

    def import_tle_text(self, text: str, *, source: str = "import", uploaded_by: str = "system") -> ImportReport:
        """2-line and 3-line element sets (classic and Alpha-5); bad sets reported, good ones stored."""
        from groundlink_orbit import parse_tle_text

        return self._ingest(parse_tle_text(text), source, uploaded_by)

    def import_omm_json(self, data: Any, *, source: str = "import", uploaded_by: str = "system") -> ImportReport:
        from groundlink_orbit import parse_omm

        return self._ingest(parse_omm(data), source, uploaded_by)

    # -- stations (= sites) ---------------------------------------------------------------------------
    def station(self, gs_id: str) -> Station | None:
        return self.store.get_station(gs_id)

    def stations(self) -> list[Station]:
        """Every station, in id order (numeric ids numerically)."""
        return sorted(self.store.list_stations(), key=station_order)

    def require_station(self, gs_id: str) -> Station:
        st = self.store.get_station(gs_id)
        if st is None:
            raise NotFound(f"ground station {gs_id} not found")
        return st

    def stations_described(self, description: str) -> list[Station]:
        """Case-insensitive substring of the description or the name."""
        return [s for s in self.stations() if _contains(description, s.description, s.name)]

    def sites(self, field: SiteField | None = None, values: Sequence[str] = ()) -> list[Station]:
        """All sites, or those whose ``field`` equals (case-insensitively) one of ``values``."""
        stations = self.stations()
        if field is None:
            return stations
        wanted = {v.casefold() for v in values}
        return [s for s in stations if getattr(s, field).casefold() in wanted]

    def site(self, site_id: str) -> Station:
        st = self.store.get_station(site_id)
        if st is None:
            raise NotFound(f"site '{site_id}' does not exist")
        return st

    # -- transmitters ---------------------------------------------------------------------------------
    def transmitters(self, *, norad_id: int | None = None, gs_id: str | None = None, mode: str | None = None,
                     uuid: str | None = None) -> list[Transmitter]:
        """By uuid; filtered by satellite, station, mode (name or number) and uuid. A satellite neither in
        the catalogue nor referenced by any transmitter, an unknown station, or a uuid matching nothing,
        is NotFound. Transmitters of a satellite the catalogue lacks are still listed (the transmitter
        import may name satellites the catalogue import does not carry)."""
        if gs_id is not None:
            self.require_station(gs_id)
        every = sorted(self.store.list_transmitters(), key=lambda t: t.uuid)
        if norad_id is not None and not any(tx.norad_cat_id == norad_id for tx in every):
            self.require_satellite(norad_id)
        out = []
        for tx in every:
            if norad_id is not None and tx.norad_cat_id != norad_id:
                continue
            if gs_id is not None and tx.gs_id != gs_id:
                continue
            if mode is not None and not mode_matches(tx, mode):
                continue
            if uuid is not None and tx.uuid != uuid:
                continue
            out.append(tx)
        if uuid is not None and not out:
            raise NotFound(f"transmitter {uuid} not found")
        return out

    # -- spacecraft (an operator's registration of a satellite) --------------------------------------
    def spacecraft(self, spacecraft_id: str, principal: Principal) -> Spacecraft:
        """The spacecraft if the principal may see it; unknown and someone else's are both NotFound."""
        sc = self.store.get_spacecraft(spacecraft_id)
        if sc is None or not principal.can_see(sc.owner):  # someone else's: 404, never 403
            raise NotFound(f"spacecraft '{spacecraft_id}' does not exist")
        return sc

    def spacecraft_list(self, principal: Principal, field: SpacecraftField | None = None,
                        values: Sequence[str | int] = ()) -> list[Spacecraft]:
        """The principal's visible spacecraft by id, or those whose ``field`` equals one of ``values``
        (text case-insensitively)."""
        visible = sorted((s for s in self.store.list_spacecraft() if principal.can_see(s.owner)),
                         key=lambda s: s.spacecraft_id)
        if field is None:
            return visible
        if field == "norad_id":
            ids = {int(v) for v in values}
            return [s for s in visible if s.norad_id in ids]
        wanted = {str(v).casefold() for v in values}
        return [s for s in visible if str(getattr(s, field)).casefold() in wanted]

    def current_element_set(self, spacecraft_id: str, principal: Principal) -> ElementSetRecord:
        """The current element set of the spacecraft's satellite."""
        sc = self.spacecraft(spacecraft_id, principal)
        sat = self.store.get_satellite(sc.norad_id) if sc.norad_id is not None else None
        if sat is None or sat.tle is None:
            raise NotFound(f"no TLE is available for spacecraft '{spacecraft_id}'")
        return sat.tle

    def upload_tle(self, spacecraft_id: str, line1: str, line2: str, principal: Principal) -> TleUploaded:
        """Append an element set to the spacecraft's satellite's history (never overwriting); it becomes
        current when its epoch is the newest."""
        from groundlink_orbit import ElementSetError, parse_tle

        sc = self.spacecraft(spacecraft_id, principal)
        try:
            es = parse_tle(line1, line2)
        except ElementSetError as exc:
            raise InvalidRequest(f"TLE {exc}") from None
        if sc.norad_id is not None and es.norad_id != sc.norad_id:
            raise InvalidRequest(f"line1: catalogue number {es.norad_id} is not spacecraft '{spacecraft_id}' "
                                 f"(NORAD {sc.norad_id})")
        outcome = self.store.add_element_set(
            element_set_record(es, source="spacego-upload", uploaded_by=principal.subject))
        return TleUploaded(line1=es.line1, line2=es.line2, epoch=es.epoch_utc, outcome=outcome, norad_id=es.norad_id)

    def services(self, spacecraft_id: str, service_type: str, principal: Principal,
                 names: Sequence[str] | None = None) -> list[ServiceConfig]:
        """The spacecraft's service configurations of one type, optionally by name (case-insensitive)."""
        if service_type not in SERVICE_TYPES:
            raise InvalidRequest(f"path parameter 'service_type': must be one of {', '.join(SERVICE_TYPES)}")
        sc = self.spacecraft(spacecraft_id, principal)
        out = [s for s in sc.services if s.type == service_type]
        if names:
            wanted = {n.casefold() for n in names}
            out = [s for s in out if s.name.casefold() in wanted]
        return out

    def service(self, spacecraft_id: str, service_type: str, service_id: str, principal: Principal) -> ServiceConfig:
        for svc in self.services(spacecraft_id, service_type, principal):
            if svc.id == service_id:
                return svc
        raise NotFound(f"service configuration '{service_id}' does not exist for spacecraft '{spacecraft_id}'")

    # -- imports of reference data ---------------------------------------------------------------------
    def _import_models(self, put: Callable[[M], None], model: type[M], items: Any, kind: str) -> ImportReport:
        report = ImportReport(kind)
        if not isinstance(items, list):
            report.errors.append(f"expected a JSON list of {kind}, got {type(items).__name__}")
            return report
        adapter = TypeAdapter(model)
        for i, raw in enumerate(items):
            try:
                obj = adapter.validate_python(raw)
            except ValidationError as exc:
                report.errors.append(f"item {i + 1}: {_describe(exc.errors())}")
                continue
            put(obj)
            report.stored += 1
        return report

    def import_stations(self, items: Any) -> ImportReport:
        return self._import_models(self.store.put_station, Station, items, "stations")

    def import_transmitters(self, items: Any) -> ImportReport:
        return self._import_models(self.store.put_transmitter, Transmitter, items, "transmitters")

    def import_spacecraft(self, items: Any) -> ImportReport:
        return self._import_models(self.store.put_spacecraft, Spacecraft, items, "spacecraft")

    def import_satellites(self, items: Any) -> ImportReport:
        """Descriptive fields of satellites (UCS-style); element sets are left as they are."""
        return self._import_models(self.store.upsert_satellite, Satellite, items, "satellites")
