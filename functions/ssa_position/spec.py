"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="ssa_position",
    surface="ssa",
    description="SSA current satellite position and the next 1.5 h of ground track, over the orbit core",
    routes=routes(
        "POST /v1/get_current_position",
    ),
    tables={"catalog": "read", "identity": "read", "ratelimit": "write"},
    needs_orbit_layer=True,
    memory_mb=1769,  # one full vCPU: CPU-bound orbit work
    reserved_concurrency=15,  # heavy: bounded so a burst cannot starve the other functions
)
