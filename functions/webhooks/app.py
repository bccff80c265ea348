"""Owners' webhooks (``/orbapi/webhooks``, scope ``webhooks:manage``) and their administration (``/admin/webhooks``,
``admin`` scope); orbapi error format."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.admin.webhooks import router as admin_router
from shared.surfaces.orbapi.webhooks import router

app = create_app("orbapi", "Groundlink webhooks")
app.include_router(router)
app.include_router(admin_router)
