"""Token administration endpoints (``/admin/api-tokens``); orbapi error format; ``admin`` scope or a service
caller required."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.admin.tokens import router

app = create_app("orbapi", "Groundlink API token administration")
app.include_router(router)
