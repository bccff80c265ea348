"""Groundlink orbit core: TLE/OMM parsing, SGP4 propagation, frames and pass prediction.

numpy + sgp4 only.  Arrays in, arrays out; times are UTC Unix seconds, angles degrees,
distances km, altitudes of stations metres — units are in every name.

The pass finder (``find_passes``, ``PassTable``, and ``access_windows`` through it) is imported on
first use: its stage dataclasses cost ~10 ms of import that callers without passes do not need.
"""

from typing import TYPE_CHECKING, Any

from .access import AccessTable, access_windows, geojson_ground_points
from .elements import (
    ElementSet,
    ElementSetError,
    ItemError,
    ParseReport,
    parse_omm,
    parse_tle,
    parse_tle_text,
)
from .look import look_angles
from .propagation import SGP4_ERRORS, CurrentPositions, GeodeticTrack, current_positions, geodetic_track
from .ut1 import ut1_minus_utc_s, ut1_table_coverage

if TYPE_CHECKING:
    from .passes import EdgeLooks, PassTable, edge_looks, find_passes, trim_to_horizon

__all__ = [
    "AccessTable",
    "CurrentPositions",
    "EdgeLooks",
    "ElementSet",
    "ElementSetError",
    "GeodeticTrack",
    "ItemError",
    "ParseReport",
    "PassTable",
    "SGP4_ERRORS",
    "access_windows",
    "current_positions",
    "edge_looks",
    "find_passes",
    "geodetic_track",
    "geojson_ground_points",
    "look_angles",
    "parse_omm",
    "parse_tle",
    "parse_tle_text",
    "trim_to_horizon",
    "ut1_minus_utc_s",
    "ut1_table_coverage",
]


def __getattr__(name: str) -> Any:
    if name in ("EdgeLooks", "PassTable", "edge_looks", "find_passes", "trim_to_horizon"):
        from . import passes

        return getattr(passes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
