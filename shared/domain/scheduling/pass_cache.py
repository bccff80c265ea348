"""Predicted passes kept per element set, station, elevation and carrier: a warm pass search recomputes nothing.

The passes of one satellite over one station depend only on the element set (its two lines), the station's
position, the elevation they are found at, the carrier (the Doppler columns) and the window. Time is cut into
fixed blocks of ``BLOCK_DAYS`` UTC days counted from the Unix epoch, and a block is always computed the same way:
one ``find_passes`` over exactly that block for every station of the search that misses it, split by station.
So a block's passes do not depend on which search asked first, and a search answered from kept blocks is the
search answered from fresh ones, byte for byte (``PassSearch`` without a cache computes the same blocks).

A search's passes are composed from the blocks covering its window:

- a pass up at a boundary between two blocks (clamped at the end of one, at the start of the next) is joined:
  rise columns from the first part, set columns from the second, the culmination from the higher part;
- the passes are cut to the window: one up at the window's start or end is clamped there as ``find_passes``
  clamps a window edge (rise or set at the edge, azimuth and Doppler seen there, ``edge_looks``; the
  culmination at the higher edge when the pass's own lies outside the window);
- a station's horizon mask is applied to the composed passes (``trim_to_horizon``), as ``predict_masked`` does.

Compared with ``find_passes`` over the window itself the grid differs (the block's, not the window's), so times
differ within the polish tolerance (< 1 ms); a pass with two maxima above the mask cut between them keeps the
higher edge as its culmination where a direct search could pick the lower maximum inside the window.

Each kept pass carries ``PassNotes``, where a surface keeps what it derives from the pass alone (its wire
text); clamped and cut passes have none (rebuilt per search). Memory is bounded: blocks are dropped least
recently used first once their arrays and notes exceed ``max_bytes``.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from groundlink_orbit import ElementSet, PassTable, edge_looks, trim_to_horizon, ut1_table_coverage
from groundlink_orbit.frames import StationFrame

from shared.domain.catalog.models import Station
from shared.domain.scheduling.passes import Mask, found_at_elevations, predict

BLOCK_DAYS = 8
BLOCK_S = BLOCK_DAYS * 86_400.0
DEFAULT_MAX_BYTES = 32 * 1024 * 1024

# the columns of one kept pass, in a float matrix (flags as 0/1, Doppler NaN without a carrier)
(RISE, SET, CULM, RISE_AZ, SET_AZ, MAX_EL, SLANT, BEFORE, AFTER, SUNLIT, DOP_RISE, DOP_SET) = range(12)
_CULMINATION = [CULM, MAX_EL, SLANT, SUNLIT]
_ENTRY_OVERHEAD = 512  # bytes counted per block besides its arrays (keys, lists)
_NOTE_OVERHEAD = 64


class PassNotes:
    """What a surface keeps with one kept pass (e.g. its wire text), counted against the cache's bound."""

    __slots__ = ("_cache", "_items", "dropped", "nbytes")

    def __init__(self, cache: PassCache) -> None:
        self._cache = cache
        self._items: dict[Hashable, object] = {}
        self.nbytes = 0
        self.dropped = False  # its block left the cache: nothing more is kept here

    def get(self, key: Hashable) -> object | None:
        return self._items.get(key)

    def put(self, key: Hashable, value: object, nbytes: int) -> None:
        if self.dropped:
            return
        self._items[key] = value
        self.nbytes += nbytes
        self._cache._charge(nbytes)


@dataclass(frozen=True)
class CachedPasses:
    table: PassTable
    notes: list[PassNotes | None]  # per row of ``table``: None for a pass rebuilt by this search


class _Block:
    __slots__ = ("error", "joined", "nbytes", "notes", "rows")

    def __init__(self, rows: np.ndarray, notes: list[PassNotes], error: tuple[int, float], nbytes: int) -> None:
        self.rows = rows
        self.notes = notes
        self.error = error  # the block's first SGP4 error: (code, time), (0, NaN) for none
        self.joined: PassNotes | None = None  # notes of a pass joined across this block's start
        self.nbytes = nbytes


StationKey = tuple[str, float, float, float, float]  # id, latitude, longitude, altitude, found-at elevation
BlockKey = tuple[str, str, float | None, StationKey, int]


class PassCache:
    """Blocks of predicted passes, least recently used dropped beyond ``max_bytes`` (thread-safe)."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._blocks: OrderedDict[BlockKey, _Block] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._frames: dict[tuple[tuple[float, float, float], ...], StationFrame] = {}  # searched station sets
        self.computed = 0  # find_passes calls made (one per block and search that missed it)

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._blocks)

    def _charge(self, nbytes: int) -> None:
        with self._lock:
            self._bytes += nbytes

    def predict(
        self,
        element_set: ElementSet,
        stations: Sequence[Station],
        start_unix_s: float,
        end_unix_s: float,
        floors: Sequence[float],
        masks: Sequence[Mask | None],
        carrier_hz: float | None = None,
    ) -> CachedPasses:
        """``predict_masked``'s passes (see the module docstring for how they are composed)."""
        start, end = float(start_unix_s), float(end_unix_s)
        lowest = found_at_elevations(floors, masks)
        keys = [(s.id, s.latitude, s.longitude, s.altitude, float(low)) for s, low in zip(stations, lowest,
                                                                                              strict=True)]
        first, last = math.floor(start / BLOCK_S), math.ceil(end / BLOCK_S) - 1
        blocks = [self._blocks_of(element_set, stations, keys, carrier_hz, b) for b in range(first, last + 1)]
        rows, station, notes, error = self._compose(blocks, first, len(stations))
        frame = self._frame(stations)
        passes = self._cut(element_set, stations, frame, lowest, rows, station, notes, start, end, carrier_hz)
        rows, station, kept = passes
        error = _error_in(error, start, end)
        if any(m is not None for m in masks):
            rows, station, kept = _trimmed(element_set, frame, rows, station, kept, masks, floors, carrier_hz,
                                           (error, start, end))
        self._evict()
        return CachedPasses(_table(element_set, frame, rows, station, error, start, end, carrier_hz), kept)

    def _frame(self, stations: Sequence[Station]) -> StationFrame:
        """The stations' Earth-fixed frame (kept for the last few station sets searched)."""
        key = tuple((s.latitude, s.longitude, s.altitude) for s in stations)
        frame = self._frames.get(key)
        if frame is None:
            if len(self._frames) >= 64:
                self._frames.clear()
            frame = self._frames[key] = StationFrame.from_geodetic(*zip(*key, strict=True))
        return frame

    # -- blocks ------------------------------------------------------------------------------------------
    def _blocks_of(self, es: ElementSet, stations: Sequence[Station], keys: list[StationKey],
                   carrier_hz: float | None, b: int) -> list[_Block]:
        """Block ``b`` for every station, the missing ones computed in one ``find_passes``."""
        full = [(es.line1, es.line2, carrier_hz, k, b) for k in keys]
        with self._lock:
            found = [self._blocks.get(k) for k in full]
            for k, got in zip(full, found, strict=True):
                if got is not None:
                    self._blocks.move_to_end(k)
        missing = [i for i, got in enumerate(found) if got is None]
        if missing:
            table = predict(es, [stations[i] for i in missing], b * BLOCK_S, (b + 1) * BLOCK_S,
                            [keys[i][4] for i in missing], carrier_hz=carrier_hz)
            matrix = _matrix(table)
            code = int(table.sat_error_code[0]) if len(table.sat_error_code) else 0
            error = (code, float(table.sat_error_unix_s[0]) if code else math.nan)
            with self._lock:
                self.computed += 1
                for j, i in enumerate(missing):
                    rows = matrix[table.station_index == j]
                    block = _Block(rows, [PassNotes(self) for _ in range(len(rows))], error,
                                   rows.nbytes + _ENTRY_OVERHEAD + _NOTE_OVERHEAD * len(rows))
                    old = self._blocks.get(full[i])
                    if old is not None:  # another search stored it meanwhile: the same passes
                        block = old
                    else:
                        self._blocks[full[i]] = block
                        self._bytes += block.nbytes
                    found[i] = block
        return [got for got in found if got is not None]

    def _evict(self) -> None:
        with self._lock:
            while self._bytes > self.max_bytes and self._blocks:
                _, block = self._blocks.popitem(last=False)
                for notes in (*block.notes, block.joined):
                    if notes is not None:
                        notes.dropped = True
                self._bytes -= block.nbytes + sum(n.nbytes for n in block.notes)
                self._bytes -= block.joined.nbytes if block.joined is not None else 0

    # -- composition --------------------------------------------------------------------------------------
    def _compose(self, blocks: list[list[_Block]], first: int, n_stations: int
                 ) -> tuple[np.ndarray, np.ndarray, list[PassNotes | None], tuple[int, float]]:
        """Every station's passes over the blocks in order, joined across block boundaries."""
        parts: list[np.ndarray] = []
        station: list[np.ndarray] = []
        notes: list[PassNotes | None] = []
        error = (0, math.nan)
        for per_station in blocks:
            if per_station and per_station[0].error[0] and not error[0]:
                error = per_station[0].error
        for i in range(n_stations):
            rows_i: list[np.ndarray] = []
            notes_i: list[PassNotes | None] = []
            for k, per_station in enumerate(blocks):
                block = per_station[i]
                rows = block.rows
                block_notes: list[PassNotes | None] = list(block.notes)
                boundary = (first + k) * BLOCK_S
                if (k and rows_i and len(rows) and rows[0, BEFORE] and rows[0, RISE] == boundary
                        and rows_i[-1][-1, AFTER] and rows_i[-1][-1, SET] == boundary):
                    if block.joined is None:
                        block.joined = PassNotes(self)
                    rows_i[-1] = np.vstack((rows_i[-1][:-1], _join(rows_i[-1][-1], rows[0])))
                    notes_i[-1] = block.joined
                    rows, block_notes = rows[1:], block_notes[1:]
                if len(rows):
                    rows_i.append(rows)
                    notes_i.extend(block_notes)
            if rows_i:
                joined = np.concatenate(rows_i) if len(rows_i) > 1 else rows_i[0]
                parts.append(joined)
                station.append(np.full(len(joined), i, dtype=np.int64))
                notes.extend(notes_i)
        if not parts:
            return np.zeros((0, 12)), np.zeros(0, np.int64), [], error
        return np.concatenate(parts), np.concatenate(station), notes, error

    @staticmethod
    def _cut(es: ElementSet, stations: Sequence[Station], frame: StationFrame, found_at: list[float], rows: np.ndarray,
             station: np.ndarray, notes: list[PassNotes | None], start: float, end: float,
             carrier_hz: float | None) -> tuple[np.ndarray, np.ndarray, list[PassNotes | None]]:
        """The passes inside [start, end], those up at either edge clamped there; sorted by rise then station."""
        keep = np.flatnonzero((rows[:, SET] > start) & (rows[:, RISE] < end))
        rows, station = rows[keep], station[keep]
        kept: list[PassNotes | None] = [notes[k] for k in keep.tolist()]
        at_start = np.flatnonzero(rows[:, RISE] < start)
        at_end = np.flatnonzero(rows[:, SET] > end)
        if at_start.size or at_end.size:
            rows = rows.copy()
            cut = np.concatenate((at_start, at_end))
            when = np.concatenate((np.full(at_start.size, start), np.full(at_end.size, end)))
            look = edge_looks(es, frame, station[cut], when, carrier_hz)
            edge = np.column_stack((when, look.elevation_deg, look.slant_range_km, look.sunlit.astype(float)))
            n0 = at_start.size
            outside = (rows[cut, CULM] < start) | (rows[cut, CULM] > end)  # before the cut: the pass's own
            rows[at_start, RISE] = start
            rows[at_start, RISE_AZ] = look.azimuth_deg[:n0]
            rows[at_start, BEFORE] = 1.0
            rows[at_end, SET] = end
            rows[at_end, SET_AZ] = look.azimuth_deg[n0:]
            rows[at_end, AFTER] = 1.0
            if look.doppler_hz is not None:
                rows[at_start, DOP_RISE] = look.doppler_hz[:n0]
                rows[at_end, DOP_SET] = look.doppler_hz[n0:]
            # the culmination at an edge where the pass's own lies outside the window: the higher edge (a low
            # orbit's pass), else its part inside the window searched
            for j in np.flatnonzero(outside).tolist():
                r = int(cut[j])
                other = [m for m in np.flatnonzero(cut == r).tolist() if m != j]
                if other and edge[other[0], 1] > edge[j, 1]:
                    continue
                rows[r, _CULMINATION] = edge[j]
            _long_cut_culminations(es, stations, found_at, rows, station, np.unique(cut[outside]), start, end)
            for r in cut.tolist():
                kept[r] = None
        order = np.lexsort((station, rows[:, RISE]))
        return rows[order], station[order], [kept[k] for k in order.tolist()]


LEO_PERIOD_MIN = 225.0  # below this, a pass lasts minutes and its elevation has one maximum


def _long_cut_culminations(es: ElementSet, stations: Sequence[Station], found_at: list[float], rows: np.ndarray,
                           station: np.ndarray, cut: np.ndarray, start: float, end: float) -> None:
    """The culmination of a pass cut by the window where its own lies outside. A low orbit's pass rises or sets
    monotonically on either side of its one maximum: the higher edge (set by the caller). A higher orbit's pass
    lasts hours and may have other maxima inside the window: its part there is searched as ``find_passes`` would
    — one call for the passes cut at the start (over the start to the latest of their sets), one for the others
    (the earliest of their rises to the end), each pass's stations together."""
    if es.period_min <= LEO_PERIOD_MIN or not cut.size:
        return
    at_start = [int(r) for r in cut.tolist() if rows[r, RISE] <= start]
    at_end = [int(r) for r in cut.tolist() if rows[r, RISE] > start]
    groups = []
    if at_start:
        groups.append((at_start, start, min(end, max(float(rows[r, SET]) for r in at_start)), True))
    if at_end:
        groups.append((at_end, max(start, min(float(rows[r, RISE]) for r in at_end)), end, False))
    for at, a, b, clamped_at_start in groups:
        which = [int(station[r]) for r in at]
        table = predict(es, [stations[i] for i in which], a, b, [found_at[i] for i in which])
        for j, r in enumerate(at):
            edge = table.starts_before_window if clamped_at_start else table.ends_after_window
            mine = np.flatnonzero((table.station_index == j) & edge)
            if mine.size == 1:
                k = int(mine[0])
                rows[r, _CULMINATION] = (table.culmination_unix_s[k], table.max_elevation_deg[k],
                                         table.slant_range_km[k], float(table.sunlit[k]))


def _join(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """One pass from its parts on either side of a block boundary."""
    row = first.copy()
    row[[SET, SET_AZ, AFTER, DOP_SET]] = second[[SET, SET_AZ, AFTER, DOP_SET]]
    if second[MAX_EL] > first[MAX_EL]:
        row[_CULMINATION] = second[_CULMINATION]
    return row


def _matrix(table: PassTable) -> np.ndarray:
    n = len(table)
    nan = np.full(n, np.nan)
    columns = (table.rise_unix_s, table.set_unix_s, table.culmination_unix_s, table.rise_azimuth_deg,
               table.set_azimuth_deg, table.max_elevation_deg, table.slant_range_km, table.starts_before_window,
               table.ends_after_window, table.sunlit,
               nan if table.doppler_rise_hz is None else table.doppler_rise_hz,
               nan if table.doppler_set_hz is None else table.doppler_set_hz)
    return np.column_stack([np.asarray(c, dtype=float) for c in columns]) if n else np.zeros((0, 12))


def _error_in(error: tuple[int, float], start: float, end: float) -> tuple[int, float]:
    """The blocks' first SGP4 error as a search over [start, end] sees it (from the window start if earlier)."""
    code, when = error
    if not code or when >= end:
        return 0, math.nan
    return code, max(when, start)


def _table(es: ElementSet, frame: StationFrame, rows: np.ndarray, station: np.ndarray,
           error: tuple[int, float], start: float, end: float, carrier_hz: float | None) -> PassTable:
    def col(k: int) -> np.ndarray:
        return np.ascontiguousarray(rows[:, k])

    return PassTable(
        sat_index=np.zeros(len(rows), dtype=np.int64),
        station_index=station,
        rise_unix_s=col(RISE),
        set_unix_s=col(SET),
        culmination_unix_s=col(CULM),
        rise_azimuth_deg=col(RISE_AZ),
        set_azimuth_deg=col(SET_AZ),
        max_elevation_deg=col(MAX_EL),
        slant_range_km=col(SLANT),
        starts_before_window=col(BEFORE).astype(bool),
        ends_after_window=col(AFTER).astype(bool),
        sunlit=col(SUNLIT).astype(bool),
        doppler_rise_hz=None if carrier_hz is None else col(DOP_RISE),
        doppler_set_hz=None if carrier_hz is None else col(DOP_SET),
        sat_error_code=np.array([error[0]], dtype=np.int32),
        sat_error_unix_s=np.array([error[1]]),
        ut1_extrapolated=not ut1_table_coverage(start, end),
        element_sets=[es],
        stations=frame,
    )


class _SegmentNotes(PassNotes):
    """The notes of one piece of a kept pass cut to a horizon mask: kept with the pass, under the piece's key."""

    __slots__ = ("_parent", "_prefix")

    def __init__(self, parent: PassNotes, prefix: Hashable) -> None:  # the parent holds the state
        self._parent = parent
        self._prefix = prefix

    def get(self, key: Hashable) -> object | None:
        return self._parent.get((self._prefix, key))

    def put(self, key: Hashable, value: object, nbytes: int) -> None:
        self._parent.put((self._prefix, key), value, nbytes)


def _trimmed(es: ElementSet, frame: StationFrame, rows: np.ndarray, station: np.ndarray,
             notes: list[PassNotes | None], masks: Sequence[Mask | None], floors: Sequence[float],
             carrier_hz: float | None, window: tuple[tuple[int, float], float, float]
             ) -> tuple[np.ndarray, np.ndarray, list[PassNotes | None]]:
    """``trim_to_horizon`` of the composed passes, each kept pass trimmed once: its pieces are noted with it
    (the trim of a pass does not depend on the passes trimmed with it), the others trimmed together now. The
    rows come out in ``trim_to_horizon``'s order: the unmasked stations' passes as they are, then every masked
    pass's pieces, sorted by rise (stable)."""
    masked = np.array([m is not None for m in masks], dtype=bool)[station]
    keys = [None if m is None else ("horizon", tuple(m[0]), tuple(m[1]), float(f)) for m, f in
            zip(masks, floors, strict=True)]
    pieces: dict[int, np.ndarray] = {}
    need: list[int] = []
    for r in np.flatnonzero(masked).tolist():
        note = notes[r]
        got = note.get(keys[int(station[r])]) if note is not None else None
        if isinstance(got, np.ndarray):
            pieces[r] = got
        else:
            need.append(r)
    if need:
        at = np.asarray(need, dtype=np.int64)
        error, start, end = window
        trimmed = trim_to_horizon(_table(es, frame, rows[at], station[at], error, start, end, carrier_hz),
                                  list(masks), floor_deg=np.asarray(floors, dtype=float), carrier_hz=carrier_hz)
        found = _matrix(trimmed)
        source = np.empty(len(trimmed), dtype=np.int64)  # the pass (index into ``need``) each piece comes from
        for s in np.unique(trimmed.station_index).tolist():
            mine_src = np.flatnonzero(station[at] == s)
            mine = np.flatnonzero(trimmed.station_index == s)
            source[mine] = mine_src[np.searchsorted(rows[at[mine_src], RISE], found[mine, RISE], side="right") - 1]
        for j, r in enumerate(need):
            got = found[source == j]
            pieces[r] = got
            note = notes[r]
            if note is not None:
                note.put(keys[int(station[r])], got, got.nbytes + _NOTE_OVERHEAD)
    plain = np.flatnonzero(~masked)
    parts, stations_out = [rows[plain]], [station[plain]]
    out_notes: list[PassNotes | None] = [notes[r] for r in plain.tolist()]
    for r in np.flatnonzero(masked).tolist():
        got = pieces[r]
        parts.append(got)
        stations_out.append(np.full(len(got), station[r], dtype=np.int64))
        note = notes[r]
        out_notes.extend(None if note is None else _SegmentNotes(note, (keys[int(station[r])], k))
                         for k in range(len(got)))
    all_rows, all_stations = np.concatenate(parts), np.concatenate(stations_out)
    order = np.argsort(all_rows[:, RISE], kind="stable")
    return all_rows[order], all_stations[order], [out_notes[k] for k in order.tolist()]


PROCESS_CACHE = PassCache()  # this instance's: every pass search and the ledger's pass checks share it
