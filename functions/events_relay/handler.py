"""The outbox relay: whatever woke it (a stream batch of the events table, the schedule, the local timer), it
drains the outbox onto the bus; an event the bus did not take stays for the next run. Stream records carry
keys only: the outbox itself is the work list, so a lost wake-up is made good by the next one."""

from __future__ import annotations

from typing import Any

from shared.observability import logger
from shared.wiring.webhooks import event_relay


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict:
    report = event_relay().drain()
    if report.failed:
        logger.warning("events left in the outbox for the next run", extra={"failed": report.failed})
    return {"published": report.published, "failed": report.failed}
