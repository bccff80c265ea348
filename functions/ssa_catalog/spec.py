"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="ssa_catalog",
    surface="ssa",
    description="SSA catalogue: satellite listing, NORAD database search, flexible search, per-country values",
    routes=routes(
        # API Gateway route paths cannot end in "/"; it sends "/v1/satellites/" to this route too and the
        # app answers both spellings.
        "GET /v1/satellites",
        "POST /v1/norad_db",
        "POST /v1/search",
        "POST /v1/get_constellation",
        "POST /v1/get_detailed_purpose",
        "POST /v1/get_satellite_types",
    ),
    tables={"catalog": "read", "identity": "read", "ratelimit": "write"},
)
