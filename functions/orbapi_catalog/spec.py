"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="orbapi_catalog",
    surface="orbapi",
    description="orbapi reference data: satellites, TLEs, ground stations, transmitters",
    routes=routes(
        "GET /orbapi/satellites",
        "GET /orbapi/satellites/id/{noradId}",
        "GET /orbapi/satellites/name/{name}",
        "GET /orbapi/tles",
        "GET /orbapi/tles/id/{noradId}",
        "GET /orbapi/tles/name/{name}",
        "GET /orbapi/gs",
        "GET /orbapi/gs/id/{id}",
        "GET /orbapi/gs/description/{description}",
        "GET /orbapi/transmitters",
        "GET /orbapi/transmitters/id/{noradCatId}",
        "GET /orbapi/transmitters/uuid/{uuid}",
        "GET /orbapi/transmitters/mode/{modeId}",
        "GET /orbapi/transmitters/id/{noradCatId}/mode/{modeId}",
        "GET /orbapi/transmitters/gs/{gsId}",
        "GET /orbapi/transmitters/gs/{gsId}/mode/{modeId}",
    ),
    tables={"catalog": "read", "identity": "read", "stations": "read", "ratelimit": "write"},
)
