"""SSA backend root, health, metrics and debug (seed 002): see ``shared.surfaces.ssa.core``."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.ssa.core import router

app = create_app("ssa", "Groundlink SSA backend")
app.include_router(router)
