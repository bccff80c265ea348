"""Moved to ``shared.surfaces.orbapi.views``; re-exported here until pass search imports it from there."""

from shared.surfaces.orbapi.views import station_order, station_view

__all__ = ["station_order", "station_view"]
