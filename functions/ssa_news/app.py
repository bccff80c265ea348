"""SSA news endpoints (seed 002, "News Operations"): see ``shared.surfaces.ssa.news``."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.ssa.news import router

app = create_app("ssa", "Groundlink SSA news")
app.include_router(router)
