"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="spacego_catalog",
    surface="spacego",
    description="Space Go sites, spacecraft, TLEs and service configurations",
    routes=routes(
        "GET /api/v1/sites",
        "GET /api/v1/sites/{site_id}",
        "GET /api/v1/spacecraft",
        "GET /api/v1/spacecraft/{spacecraft_id}",
        "GET /api/v1/spacecraft/{spacecraft_id}/tle",
        "GET /api/v1/spacecraft/{spacecraft_id}/service-types/{service_type}/services",
        "GET /api/v1/spacecraft/{spacecraft_id}/service-types/{service_type}/services/{service_id}",
    ),
    tables={"catalog": "read", "identity": "read", "stations": "read", "ratelimit": "write"},
)
