"""Pass finder: N satellites × M stations over a window, no pass missed, events to milliseconds.

Read top-down; every step is vectorised (Python loops only over satellite chunks and per-satellite
SGP4 calls), and each stage hands the next a frozen dataclass:

- ``table``: ``find_passes`` validates the inputs and turns the events into a ``PassTable``.
- ``search``: groups satellites by grid step, runs the grid stage per chunk and the event stage
  once for all of them.  ``setup`` holds what every stage shares (``SearchSetup``).
- ``grid``: samples each satellite on a grid tied to its orbit and keeps only the intervals where
  an extremum, a mask crossing or a window edge can be (``GridCandidates``).
- ``hermite``: locates extrema and crossings inside those intervals on a cubic Hermite
  interpolant (scalar polynomials in the interval fraction, safeguarded Newton).
- ``polish``: refines them on exact SGP4 states to < 1 ms (``PolishRequest`` → ``Polished``).
- ``events``: splits passes at dips, pairs crossings into passes, picks culminations
  (``PassEvents``).
- ``edges``: a pass seen at a cut (the columns of a clamped edge), for callers that cut passes found over
  a larger window to a smaller one.
- ``gmst``: GMST and the Sun's direction from exact anchors every 600 s.
- ``fast_math``: the micro-optimisations, each with the measurement that keeps it.

Stations are a ``frames.StationFrame`` (positions and east/north/up unit vectors), shared with
``PassTable.track`` and the access windows.
"""

from .edges import EdgeLooks, edge_looks
from .horizon import mask_elevation, trim_to_horizon
from .search import SatelliteErrors, search
from .setup import elevation_masks, grid_step_s, time_window
from .table import PassTable, find_passes

__all__ = [
    "EdgeLooks",
    "PassTable",
    "SatelliteErrors",
    "edge_looks",
    "elevation_masks",
    "find_passes",
    "grid_step_s",
    "mask_elevation",
    "search",
    "time_window",
    "trim_to_horizon",
]
