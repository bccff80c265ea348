"""Deployment spec of the jobs state machine's task handler (no HTTP routes)."""

from shared.resources import FunctionSpec

SPEC = FunctionSpec(
    name="jobs_worker",
    surface="ssa",
    description="Step Functions tasks of the jobs state machine: plan a pass analysis, compute a chunk, merge, "
                "record a failure",
    tables={"catalog": "read", "jobs": "write", "events": "write"},
    buckets={"results": "write"},  # inputs, chunk parts and results of the pass analyses
    needs_orbit_layer=True,
    needs_jwt_secret=False,
    memory_mb=1769,
    reserved_concurrency=20,  # heavy: bounded so a burst cannot starve the other functions
    timeout_s=900,
)
