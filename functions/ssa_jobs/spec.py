"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="ssa_jobs",
    surface="ssa",
    description="SSA pass analyzer (Step Functions), maneuver detection, task status and query history",
    # API Gateway route paths cannot end in "/": the gateway serves the seed's trailing-slash paths on these
    routes=routes(
        "POST /v1/pass_analyzer",
        "POST /v1/manuaver",
        "GET /v1/pass_analyzer_callback/{task_id}/status",
        "GET /v1/query_history",
        "GET /v1/query_history/{history_id}",
        "PUT /v1/query_history/alert",
        "PUT /v1/query_history/{history_id}/alert",
    ),
    tables={"catalog": "read", "identity": "read", "jobs": "write", "ratelimit": "write", "events": "write"},
    buckets={"results": "read"},  # the results of pass analyses: inline, or presigned GETs
    needs_orbit_layer=True,
    memory_mb=1769,  # one full vCPU: maneuver detection propagates element sets
    reserved_concurrency=15,  # heavy: bounded so a burst cannot starve the other functions
    starts=("jobs",),
)
