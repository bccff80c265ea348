"""Token administration (``/admin/api-tokens``, ``/admin/oauth-clients``; orbapi error format; ``admin`` scope
or a service caller required) and the OAuth 2.0 token endpoint (``/oauth2/token``, RFC 6749's own errors)."""

from __future__ import annotations

from shared.http import create_app
from shared.surfaces.admin.oauth_clients import router as oauth_clients_router
from shared.surfaces.admin.oauth_token import router as oauth_token_router
from shared.surfaces.admin.tokens import router

app = create_app("orbapi", "Groundlink token administration and OAuth 2.0 token endpoint")
app.include_router(router)
app.include_router(oauth_clients_router)
app.include_router(oauth_token_router)
