"""orbapi mission profile endpoints (seed 001 "Mission Profiles"); all require ``mission-profile:create``."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.orbapi.profiles import router

app = create_app("orbapi", "Groundlink orbapi mission profiles")
app.include_router(router)
