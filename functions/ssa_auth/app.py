"""SSA accounts (seed 002): ``POST /auth/register``, ``/auth/login``, ``/auth/refresh``."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.ssa.auth import router

app = create_app("ssa", "Groundlink SSA accounts")
app.include_router(router)
