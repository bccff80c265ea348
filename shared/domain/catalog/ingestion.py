"""Bulk ingestion of the catalogue: element sets (TLE / 3LE text, OMM JSON or CSV) and SATCAT records, at
a cost linear in the number of records — the one use case behind ``groundlink import-tle | import-omm |
import-satcat``, the scheduled refresh and the demo data.

Element sets: the satellites' current sets are read once; each record is then

* **unchanged** — it is its satellite's current set, or already in its history (same NORAD id, epoch and
  lines): nothing is written;
* **stored** — written to the history in batches (idempotent keys: NORAD id + epoch + digest of the lines);
  the newest set of a satellite that is newer than its current one then becomes current, in batches too;
* **rejected** — named (file line, list item or CSV row, with its NORAD id / name when known) with the reason.

It all happens in one bulk session of the store: one bulk run at a time, and a newer set that a single writer
stored meanwhile is never overwritten for good (the store reconciles such races when the session ends).
History is written before the current set moves, so an interrupted run never leaves a current set that is
not in the history; running it again completes it. The report lists the NORAD ids whose current set advanced
(the caller re-checks what depends on their orbits) and the newest epoch seen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from shared.domain.catalog.models import ElementSetRecord, Satellite
from shared.domain.catalog.ports import BulkCatalogStore

if TYPE_CHECKING:
    from groundlink_orbit import ParseReport

Progress = Callable[[int, int], None]
"""``progress(done, total)`` — records handled so far out of the records to handle."""

OnAdvanced = Callable[[set[int]], object]
"""Called once after an ingestion with the NORAD ids whose current element set advanced (if any)."""

CHUNK = 1000  # records per write round: history batch, then the current sets of its satellites
EPOCH_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def element_set_key(record: ElementSetRecord) -> str:
    """``<epoch>#<digest>``: the history row's key; the ISO epoch first, so keys sort chronologically."""
    digest = hashlib.sha256(f"{record.line1}\n{record.line2}".encode()).hexdigest()[:16]
    return f"{record.epoch.strftime(EPOCH_FORMAT)}#{digest}"


def _epoch_of(key: str) -> str:
    return key.split("#", 1)[0]


def cospar_id(line1: str) -> str | None:
    """The COSPAR id (``1998-067A``) from a TLE line 1's international designator (``98067A``)."""
    text = line1[9:17].strip()
    if len(text) < 6 or not text[:5].isdigit():
        return None
    year = int(text[:2])
    return f"{1900 + year if year >= 57 else 2000 + year}-{text[2:5]}{text[5:]}"


@dataclass(frozen=True)
class Rejection:
    record: str  # "line 3", "item 2 (NORAD 25544, ISS (ZARYA))", "row 7 (NORAD 5)"
    reason: str

    def __str__(self) -> str:
        return f"{self.record}: {self.reason}"


@dataclass
class IngestReport:
    """What one ingestion did. ``read`` records were found; each was ``stored``, ``unchanged`` or rejected."""

    kind: str  # "element_sets" | "satcat"
    source: str
    read: int = 0
    stored: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = dc_field(default_factory=list)
    advanced: set[int] = dc_field(default_factory=set)
    newest_epoch: datetime | None = None
    interrupted: bool = False

    def newest_epoch_age_s(self, now: datetime) -> float | None:
        return None if self.newest_epoch is None else (now - self.newest_epoch).total_seconds()

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "read": self.read,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "current": len(self.advanced),
            "newestEpoch": None if self.newest_epoch is None else _iso_ms(self.newest_epoch),
            "interrupted": self.interrupted,
            # the names of earlier releases' reports, kept for scripts reading them
            "duplicates": self.unchanged,
            "errors": [str(r) for r in self.rejected],
        }


def _iso_ms(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _record(es: Any, *, source: str, uploaded_by: str, at: datetime) -> ElementSetRecord:
    return ElementSetRecord(norad_id=es.norad_id, name=es.name, line1=es.line1, line2=es.line2, epoch=es.epoch_utc,
                            source=source, uploaded_by=uploaded_by, uploaded_at=at)


class CatalogIngestion:
    """The ingestion use case over a :class:`BulkCatalogStore`. ``on_advanced`` receives the NORAD ids whose
    current element set advanced, once per ingestion (also after an interrupted one)."""

    def __init__(self, store: BulkCatalogStore, *, on_advanced: OnAdvanced | None = None,
                 chunk_size: int = CHUNK) -> None:
        self.store = store
        self.on_advanced = on_advanced
        self.chunk_size = chunk_size

    # -- element sets ------------------------------------------------------------------------------------
    def ingest_parsed(self, parsed: ParseReport, *, source: str, uploaded_by: str = "system",
                      labels: Callable[[int, str], str] | None = None, progress: Progress | None = None,
                      report: IngestReport | None = None) -> IngestReport:
        """Store what the orbit core parsed. ``labels(index, message)`` names a rejected item (default: the
        parser's message, which starts with the file line or the list item)."""
        report = report or IngestReport("element_sets", source)
        report.read += len(parsed.element_sets) + len(parsed.errors)
        for err in parsed.errors:
            label, _, reason = (labels(err.index, err.message) if labels else err.message).partition(": ")
            report.rejected.append(Rejection(label, reason))
        at = datetime.now(UTC)
        records = [_record(es, source=source, uploaded_by=uploaded_by, at=at) for es in parsed.element_sets]
        return self.ingest_records(records, progress=progress, report=report)

    def ingest_records(self, records: Sequence[ElementSetRecord], *, progress: Progress | None = None,
                       report: IngestReport) -> IngestReport:
        try:
            with self.store.bulk_session():
                self._ingest_records(records, progress, report)
        finally:
            if report.advanced and self.on_advanced is not None:
                self.on_advanced(set(report.advanced))
        return report

    def _ingest_records(self, records: Sequence[ElementSetRecord], progress: Progress | None,
                        report: IngestReport) -> None:
        current = self.store.load_current()
        by_satellite: dict[int, dict[str, ElementSetRecord]] = {}
        for rec in records:
            key = element_set_key(rec)
            same = by_satellite.setdefault(rec.norad_id, {})
            if key in same:  # the same set twice in one file
                report.unchanged += 1
            else:
                same[key] = rec
            if report.newest_epoch is None or rec.epoch > report.newest_epoch:
                report.newest_epoch = rec.epoch
        total, done = sum(len(v) for v in by_satellite.values()), 0
        written = False
        try:
            chunk: list[tuple[str, ElementSetRecord]] = []
            for norad_id in sorted(by_satellite):
                chunk.extend(sorted(by_satellite[norad_id].items()))
                if len(chunk) >= self.chunk_size:
                    written |= self._store_chunk(chunk, current, report)
                    done += len(chunk)
                    chunk = []
                    if progress:
                        progress(done, total)
            if chunk:
                written |= self._store_chunk(chunk, current, report)
                done += len(chunk)
            if progress:
                progress(done, total)
        finally:
            if written:
                self.store.publish_snapshot()

    def _store_chunk(self, chunk: list[tuple[str, ElementSetRecord]], current: dict[int, str],
                     report: IngestReport) -> bool:
        new: list[ElementSetRecord] = []
        maybe: list[tuple[str, ElementSetRecord]] = []
        unchanged = 0
        newest: dict[int, tuple[str, ElementSetRecord]] = {}
        for key, rec in chunk:
            cur = current.get(rec.norad_id, "")
            if key == cur:
                unchanged += 1
            elif not cur or _epoch_of(key) > _epoch_of(cur):
                new.append(rec)
                if rec.norad_id not in newest or key > newest[rec.norad_id][0]:
                    newest[rec.norad_id] = (key, rec)
            else:
                maybe.append((key, rec))
        if maybe:
            present = self.store.stored_history_keys([rec for _, rec in maybe])
            for key, rec in maybe:
                if (rec.norad_id, key) in present:
                    unchanged += 1
                else:
                    new.append(rec)
        if new:
            self.store.put_history(new)
        advanced = self.store.advance_current([rec for _, rec in newest.values()]) if newest else set()
        for norad_id in advanced:
            current[norad_id] = newest[norad_id][0]
        report.stored += len(new)
        report.unchanged += unchanged
        report.advanced |= advanced
        return bool(new)

    # -- SATCAT ------------------------------------------------------------------------------------------
    def ingest_satcat(self, rows: Iterable[tuple[str, dict[str, Any]]], *, source: str,
                      progress: Progress | None = None, report: IngestReport | None = None) -> IngestReport:
        """SATCAT records (label, CelesTrak SATCAT fields) mapped onto the catalogue; a satellite not yet in
        the catalogue is created (without element set)."""
        report = report or IngestReport("satcat", source)
        with self.store.bulk_session():
            return self._ingest_satcat(rows, progress, report)

    def _ingest_satcat(self, rows: Iterable[tuple[str, dict[str, Any]]], progress: Progress | None,
                       report: IngestReport) -> IngestReport:
        from shared.domain.catalog.satcat import satellite_fields

        self.store.load_current()
        known = {s.norad_id: s for s in self.store.list_satellites()}
        changed: list[Satellite] = []
        for label, row in rows:
            report.read += 1
            try:
                fields = satellite_fields(row)
                norad_id = int(fields["norad_id"])
                existing = known.get(norad_id)
                update = _merge(existing, fields)
                base = existing.model_dump(exclude={"tle"}) if existing is not None else {}
                sat = Satellite.model_validate({**base, **update, "norad_id": norad_id})
            except (ValueError, ValidationError) as exc:
                report.rejected.append(Rejection(label, _reason(exc)))
                continue
            if existing is not None and not update:
                report.unchanged += 1
                continue
            changed.append(sat)
        total = len(changed)
        try:
            for start in range(0, total, self.chunk_size):
                part = changed[start:start + self.chunk_size]
                self.store.upsert_satellites(part)
                report.stored += len(part)
                if progress:
                    progress(report.stored, total)
        finally:
            if report.stored:
                self.store.publish_snapshot()
        return report


def _merge(existing: Satellite | None, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields to write: SATCAT is authoritative for its own facts (COSPAR id, status, launch and decay
    dates, object type); descriptive fields curated from other sources (names, operator country, orbit class)
    are only filled when empty. Empty when nothing would change."""
    authoritative = ("cospar_id", "status", "date_of_launch", "decay_date", "object_type")
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "norad_id" or value is None:
            continue
        now = getattr(existing, name, None) if existing is not None else None
        if existing is None or (name in authoritative and now != value) or (now is None and value != now):
            out[name] = value
    return out


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return str(exc)
