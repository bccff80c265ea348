"""orbapi reference data (seed 001): satellites, TLEs, ground stations, transmitters."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.orbapi.catalog import router

app = create_app("orbapi", "Groundlink orbapi reference data")
app.include_router(router)
