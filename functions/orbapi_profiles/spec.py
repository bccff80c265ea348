"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="orbapi_profiles",
    surface="orbapi",
    description="orbapi mission profiles",
    routes=routes(
        "POST /orbapi/satellites/id/{noradId}/profiles",
        "GET /orbapi/satellites/id/{noradId}/profiles",
        "GET /orbapi/satellites/profiles/{profileId}",
        "DELETE /orbapi/satellites/profiles/{profileId}",
    ),
    tables={"catalog": "read", "identity": "read", "profiles": "write", "ratelimit": "write"},
)
