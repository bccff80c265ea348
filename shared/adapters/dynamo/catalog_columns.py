"""The catalogue's published satellite listing in columns (the body of a ``catalog_snapshot``), and the satellites
built from it only when a request returns them.

The body (gzip), format 2:

  line 1        {"format": 2, "count": N, "columns": {field: [one value per row]}}
                every stored field of the rows but the element set, in NORAD-id order; null where a row lacks it
  lines 2..N+1  each row's current element set as ``compact_tle`` holds it (a JSON list), ``null`` without one

A reader decodes the columns (a few lists of short strings: a fraction of the rows' JSON) and keeps the element sets
as undecoded lines; a search filters on the columns (``shared.domain.catalog.ports.SatelliteColumns``), and a row's
``Satellite`` is built, without re-validation, when it is read. The earlier body, a JSON list of row objects
(format 1), still reads (``decode_listing``), built the same way; the next bulk ingestion republishes it as format 2.
"""

from __future__ import annotations

import gzip
import json
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, overload

from shared.domain.catalog.ingestion import EPOCH_FORMAT
from shared.domain.catalog.models import ElementSetRecord, Satellite

FORMAT = 2
_NO_TLE = (None, b"null", b"")

_SATELLITE_DEFAULTS = {n: f.get_default(call_default_factory=True) for n, f in Satellite.model_fields.items()}
_SATELLITE_KEYS = frozenset(_SATELLITE_DEFAULTS)
_RECORD_KEYS = frozenset(ElementSetRecord.model_fields)
_ALL_FIELDS: dict[type[Any], set[str]] = {Satellite: set(Satellite.model_fields),
                                           ElementSetRecord: set(ElementSetRecord.model_fields)}


def _constructed(model: type[Any], values: dict[str, Any]) -> Any:
    """``model.model_construct(**values)`` without its per-field bookkeeping (a fraction of the cost), for values
    that are exactly the model's fields. Every field counts as set, so all such objects share one set of them
    (pydantic only ever adds a field's name to it, which changes nothing)."""
    obj = model.__new__(model)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", _ALL_FIELDS[model])
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def compact_tle(record: ElementSetRecord) -> str:
    """A satellite row's current element set as one string attribute (``tle``): the record without what the row
    holds already (NORAD id; the epoch is ``tle_epoch``). One attribute instead of a map of eight: a third of the
    bytes, and far less work per row for the store and for whoever decodes the listing."""
    return json.dumps([record.name, record.line1, record.line2, record.source, record.uploaded_by,
                       record.uploaded_at.isoformat()], separators=(",", ":"))


def expanded_tle(row: dict[str, Any]) -> dict[str, Any] | None:
    """The row's current element set as the record's fields (from ``compact_tle`` — or its list, as the snapshot
    holds it — or the map older rows hold)."""
    tle = row.get("tle")
    if isinstance(tle, str):
        tle = json.loads(tle)
    if not isinstance(tle, list):
        return tle if isinstance(tle, dict) else None
    name, line1, line2, source, uploaded_by, uploaded_at = tle
    epoch = str(row["tle_epoch"])
    return {"norad_id": int(row["norad_id"]), "name": name, "line1": line1, "line2": line2,
            "epoch": epoch[:-1] + "+00:00" if epoch.endswith("Z") else epoch, "source": source,
            "uploaded_by": uploaded_by, "uploaded_at": uploaded_at}


def satellite_row(item: dict[str, Any]) -> dict[str, Any]:
    """A stored satellite row (deserialized) with its element set expanded, as ``Satellite`` validates it."""
    if isinstance(item.get("tle"), (str, list)):
        return {**item, "tle": expanded_tle(item)}
    return item


def trusted_satellite(row: dict[str, Any]) -> Satellite:
    """A snapshot row as a Satellite without re-validating it: every row was validated when it was written, and
    validating tens of thousands of them again would dominate a cold start."""
    tle = row.get("tle")
    record = None
    if isinstance(tle, list):  # the snapshot's form of ``compact_tle``: no second decode, no validation
        name, line1, line2, source, uploaded_by, uploaded_at = tle
        record = _constructed(ElementSetRecord, {
            "norad_id": row["norad_id"], "name": name, "line1": line1, "line2": line2,
            "epoch": datetime.fromisoformat(row["tle_epoch"]), "source": source, "uploaded_by": uploaded_by,
            "uploaded_at": datetime.fromisoformat(uploaded_at)})
        tle = None
    else:
        tle = expanded_tle(row)
    if isinstance(tle, dict) and tle.keys() == _RECORD_KEYS:
        fields = dict(tle)
        fields["epoch"] = datetime.fromisoformat(fields["epoch"])
        fields["uploaded_at"] = datetime.fromisoformat(fields["uploaded_at"])
        record = _constructed(ElementSetRecord, fields)
    elif isinstance(tle, dict):
        record = ElementSetRecord.model_validate(tle)
    values = _SATELLITE_DEFAULTS.copy()
    values.update(row)
    values.pop("rev", None)  # the store's own bookkeeping
    values.pop("tle_epoch", None)
    if len(values) != len(_SATELLITE_DEFAULTS):  # anything else that is not a field
        for extra in row.keys() - _SATELLITE_KEYS:
            values.pop(extra, None)
    values["tle"] = record
    satellite: Satellite = _constructed(Satellite, values)
    return satellite


def encode_listing(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The snapshot's body (format 2) from the stored rows in NORAD-id order (``tle`` as ``compact_tle``'s string,
    its list, or the map of older rows). Level 6: a whole-sky listing compresses in a fraction of a second."""
    fields = dict.fromkeys(k for row in rows for k in row if k not in ("pk", "sk", "tle"))
    head = {"format": FORMAT, "count": len(rows), "columns": {f: [row.get(f) for row in rows] for f in fields}}
    lines = [json.dumps(head, separators=(",", ":"), default=str)]
    for row in rows:
        tle = row.get("tle")
        lines.append(tle if isinstance(tle, str) else json.dumps(tle, separators=(",", ":")))
    return gzip.compress("\n".join(lines).encode(), 6)


def decode_listing(blob: bytes) -> SnapshotListing:
    """A snapshot's body as its listing; format 1 (a JSON list of row objects) too."""
    raw = gzip.decompress(blob)
    if raw[:1] == b"[":
        return SnapshotListing.of_rows(json.loads(raw))
    head, _, body = raw.partition(b"\n")
    header = json.loads(head)
    if header.get("format") != FORMAT:
        raise ValueError(f"catalogue snapshot format {header.get('format')!r} is not {FORMAT}")
    count = int(header["count"])
    tles: list[Any] = body.split(b"\n") if count else []
    if len(tles) != count:
        raise ValueError(f"catalogue snapshot holds {len(tles)} element-set lines for {count} rows")
    return SnapshotListing(header["columns"], tles)


class SnapshotListing(Sequence[Satellite]):
    """The satellites of a snapshot in NORAD-id order, each built when first read and kept; ``column`` and
    ``has_element_set`` answer searches without building any (``shared.domain.catalog.ports.SatelliteColumns``)."""

    def __init__(self, columns: dict[str, list[Any]], tles: list[Any],
                 built: list[Satellite | None] | None = None) -> None:
        self.columns = columns
        self.tles = tles  # per row: the element set's JSON line (bytes), its decoded list or map, or None
        self._built: list[Satellite | None] = built if built is not None else [None] * len(tles)
        self._has_tle: list[bool] | None = None

    @classmethod
    def of_rows(cls, rows: Sequence[Mapping[str, Any]]) -> SnapshotListing:
        """From row objects (format 1, or stored rows): the same columns, element sets already decoded."""
        fields = dict.fromkeys(k for row in rows for k in row if k not in ("pk", "sk", "tle"))
        columns = {f: [row.get(f) for row in rows] for f in fields}
        tles = [row.get("tle") for row in rows]
        return cls(columns, [json.loads(t) if isinstance(t, str) else t for t in tles])

    @property
    def norad_ids(self) -> list[int]:
        return self.columns.get("norad_id", [])

    def __len__(self) -> int:
        return len(self.tles)

    @overload
    def __getitem__(self, index: int) -> Satellite: ...
    @overload
    def __getitem__(self, index: slice) -> list[Satellite]: ...
    def __getitem__(self, index: int | slice) -> Satellite | list[Satellite]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        satellite = self._built[index]
        if satellite is None:
            satellite = self._built[index] = trusted_satellite(self.row(index))
        return satellite

    def __iter__(self) -> Iterator[Satellite]:
        return (self[i] for i in range(len(self)))

    def row(self, index: int) -> dict[str, Any]:
        """The stored row (without its key), the element set as the snapshot holds it."""
        row = {f: values[index] for f, values in self.columns.items() if values[index] is not None}
        tle = self.tles[index]
        if isinstance(tle, bytes):
            tle = json.loads(tle)
        if tle is not None:
            row["tle"] = tle
        return row

    def rows(self) -> list[dict[str, Any]]:
        return [self.row(i) for i in range(len(self))]

    def column(self, attribute: str) -> Sequence[Any]:
        values = self.columns.get(attribute)
        return values if values is not None else [None] * len(self)

    def has_element_set(self) -> Sequence[bool]:
        if self._has_tle is None:
            self._has_tle = [t not in _NO_TLE for t in self.tles]
        return self._has_tle

    def overlaid(self, satellites: Sequence[Satellite]) -> SnapshotListing:
        """A new listing with these satellites (validated, as a lookup reads them) in place of their rows, or
        inserted in NORAD-id order; this one is left as it is."""
        columns = {f: list(values) for f, values in self.columns.items()}
        tles, built = list(self.tles), list(self._built)
        ids = columns.setdefault("norad_id", [None] * len(tles))
        for satellite in satellites:
            values: dict[str, Any] = satellite.model_dump(exclude={"tle"})
            tle = satellite.tle
            values["tle_epoch"] = tle.epoch.strftime(EPOCH_FORMAT) if tle is not None else None
            line = json.loads(compact_tle(tle)) if tle is not None else None
            at = bisect_left(ids, satellite.norad_id)
            if at < len(ids) and ids[at] == satellite.norad_id:
                for f, column in columns.items():
                    column[at] = values.get(f)
                tles[at], built[at] = line, satellite
            else:
                for f, column in columns.items():
                    column.insert(at, values.get(f))
                tles.insert(at, line)
                built.insert(at, satellite)
            for f, v in values.items():
                if f not in columns and v is not None:
                    columns[f] = [None] * len(tles)
                    columns[f][at] = v
        return SnapshotListing(columns, tles, built)
