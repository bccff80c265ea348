"""Space Go TLE upload (seed 000): the element set joins the satellite's history (never overwritten) and
becomes current when its epoch is the newest."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.spacego.tle import upload_router

app = create_app("spacego", "Groundlink Space Go TLE upload")
app.include_router(upload_router)
