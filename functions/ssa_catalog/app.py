"""SSA catalogue (seed 002, "Satellite Operations"): listing, NORAD database search, flexible search and
the per-country distinct values."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.ssa.catalog import router

app = create_app("ssa", "Groundlink SSA catalogue")
app.include_router(router)
