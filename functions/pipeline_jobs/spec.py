"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="pipeline_jobs",
    surface="pipeline",
    description="Asynchronous pipeline mechanics (seeds 003/004) over the jobs: initiate, status, retrieve, list",
    routes=routes(
        "POST /pipeline/pass-analysis/initiate",
        "POST /pipeline/pass-analysis/retrieve",
        "POST /tasking/check-status",
        "POST /tasking/get-status",
        "POST /tasking/list",
        # every other path and method of the surface, so the function answers them in the surface's format
        # (404 NON-EXISTENT-ENDPOINT, 405 METHOD-NOT-ALLOWED with Allow, OPTIONS) instead of API Gateway
        "ANY /pipeline/{proxy+}",
        "ANY /tasking/{proxy+}",
    ),
    tables={"catalog": "read", "identity": "read", "jobs": "write", "ratelimit": "write", "events": "write"},
    buckets={"results": "read"},  # the results of pass analyses: inline, or presigned GETs
    needs_orbit_layer=True,  # validates GeoJSON ground locations with the orbit core before queueing
    starts=("jobs",),
)
