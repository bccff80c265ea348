"""Space Go catalogue (seed 000): sites, spacecraft, their current TLE and service configurations."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.spacego import catalog, tle

app = create_app("spacego", "Groundlink Space Go catalogue")
app.include_router(catalog.router)
app.include_router(tle.view_router)
