"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="surface_docs",
    surface="ssa",  # its routes span the five surfaces; each answers errors in its own surface's format
    description="OpenAPI documents and Swagger UI pages (assets from an installed package) of every surface",
    # shared.surfaces.docs.route_table(surface) for each surface: a test keeps the two equal
    routes=routes(
        "GET /api/v1/openapi.json",
        "GET /api/v1/docs",
        "GET /api/v1/docs/oauth2-redirect",
        "GET /api/v1/docs-assets/{name}",
        "GET /orbapi/openapi.json",
        "GET /orbapi/docs",
        "GET /orbapi/docs-assets/{name}",
        "GET /openapi.json",
        "GET /docs",
        "GET /docs-assets/{name}",
        "GET /pipeline/openapi.json",
        "GET /pipeline/docs",
        "GET /pipeline/docs-assets/{name}",
        "GET /satnogs/api/openapi.json",
        "GET /satnogs/api/docs",
        "GET /satnogs/api/docs-assets/{name}",
    ),
    needs_jwt_secret=False,  # public pages: no caller is authenticated
)
