"""Deployment spec of the reservation lifecycle sweep (no HTTP routes): every minute in AWS (an EventBridge rule),
every ``GROUNDLINK_LIFECYCLE_TICK_S`` seconds on the local runtime (infra/local/timers.py)."""

from shared.resources import FunctionSpec

SPEC = FunctionSpec(
    name="ledger_lifecycle",
    surface="orbapi",
    description="Reservation lifecycle sweep: moves every reservation due by now (window begun, ended, report "
                "overdue) through the ledger's time index",
    # ledger: the time index and the bookings; files: uplink files consumed/failed with the contact; events: the
    # outbox written in the same transaction
    tables={"ledger": "write", "files": "write", "events": "write"},
    needs_jwt_secret=False,
    timeout_s=60,
    every_s=60,
    local_every_setting="lifecycle_tick_s",
)
