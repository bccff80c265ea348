"""The search: grid stage per chunk of satellites with similar steps, event stage once for all."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..elements import ElementSet
from ..frames import StationFrame
from .events import PassEvents, find_events
from .fast_math import FloatArray, IntArray
from .gmst import GmstTable
from .grid import FirstErrors, GridCandidates, concatenate, scan_chunk
from .setup import SearchSetup, grid_step_s

_STEP_GROUP_RATIO = 1.15  # satellites whose steps are within 15 % share one grid
_CHUNK_SAMPLES = 200_000  # satellites × times × stations handled at once (memory bound)


@dataclass(frozen=True, slots=True, eq=False)
class SatelliteErrors:
    """Per satellite: the first SGP4 error code on the grid (0 = none) and its time (NaN = none)."""

    code: npt.NDArray[np.int32]
    unix_s: FloatArray


def search(
    element_sets: Sequence[ElementSet],
    stations: StationFrame,
    mask_deg: FloatArray,
    window: tuple[float, float],
    culminations: bool = True,
    gmst: GmstTable | None = None,
) -> tuple[PassEvents, SatelliteErrors]:
    """Every interval with elevation above ``mask_deg`` (per station) for all satellite × station
    pairs in ``window``; passes sorted by satellite, station and rise.  ``culminations=False``: rise and
    set only (the culmination columns NaN), for the access windows.
    ``gmst``: the window's GMST anchor table if the caller has built it (built here otherwise)."""
    setup = SearchSetup.build([s.satrec() for s in element_sets], stations, mask_deg, window, gmst)
    steps_s = np.array([grid_step_s(s) for s in element_sets])
    code = np.zeros(len(element_sets), dtype=np.int32)
    unix_s = np.full(len(element_sets), np.nan)
    found: list[GridCandidates] = []
    for chunk, count_t in _chunks(steps_s, len(stations), window):
        candidates, errors = scan_chunk(setup, chunk, count_t)
        found.append(candidates)
        _record(errors, code, unix_s)
    candidates = concatenate(found)
    del found  # the per-chunk parts, now copied: free them before the event stage (~10 MB at 10 000 satellites)
    return find_events(setup, candidates, culminations), SatelliteErrors(code, unix_s)


def _chunks(steps_s: FloatArray, station_count: int, window: tuple[float, float]) -> list[tuple[IntArray, int]]:
    """Satellites (indices) grouped by similar grid steps, each group with its number of grid times;
    a group holds at most ``_CHUNK_SAMPLES`` satellite × time × station samples (at least one satellite)."""
    start, end = window
    order = np.argsort(steps_s, kind="stable")
    chunks = []
    i = 0
    while i < order.size:
        step = min(float(steps_s[order[i]]), end - start)
        count_t = int(math.ceil((end - start) / step)) + 1
        limit = max(1, _CHUNK_SAMPLES // (count_t * station_count))
        j = i
        while j < order.size and j - i < limit and steps_s[order[j]] <= step * _STEP_GROUP_RATIO:
            j += 1
        j = max(j, i + 1)
        chunks.append((order[i:j], count_t))
        i = j
    return chunks


def _record(errors: FirstErrors, code: np.ndarray, unix_s: FloatArray) -> None:
    code[errors.sat] = errors.code
    unix_s[errors.sat] = errors.unix_s
