"""Deployment spec of the outbox relay (no HTTP routes): woken by the events table's stream and a schedule."""

from shared.resources import FunctionSpec

SPEC = FunctionSpec(
    name="events_relay",
    surface="pipeline",
    description="publishes the domain events of the outbox (table events) to the event bus, then removes them",
    tables={"events": "write"},
    needs_jwt_secret=False,
    timeout_s=60,
    # No reserved concurrency: the stream's one shard invokes it one batch at a time; should the schedule overlap
    # a stream run, an event may be published twice, and every consumer de-duplicates by its eventId.
)
