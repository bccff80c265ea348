"""SSA current satellite position (seed 002, "Get Current Satellite Position")."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.ssa.position import router

app = create_app("ssa", "Groundlink SSA current position")
app.include_router(router)
