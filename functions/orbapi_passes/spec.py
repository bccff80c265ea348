"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="orbapi_passes",
    surface="orbapi",
    description="orbapi pass search over the orbit core",
    routes=routes(
        "POST /orbapi/passes/search",
    ),
    tables={"catalog": "read", "identity": "read", "stations": "read", "ratelimit": "write"},
    needs_orbit_layer=True,
    memory_mb=1769,  # one full vCPU: CPU-bound orbit work
    reserved_concurrency=20,  # heavy: bounded so a burst cannot starve the other functions
)
