"""The reservation lifecycle sweep: an EventBridge "Scheduled Event" (every minute; locally every
``GROUNDLINK_LIFECYCLE_TICK_S``) moves every reservation the time index names as due by now. Each move is a
conditional write, so an overlapping or repeated sweep changes nothing twice."""

from __future__ import annotations

from typing import Any

from shared.observability import logger
from shared.wiring.ledger import ledger_service


def handle(event: dict) -> dict:
    report = ledger_service().tick()
    return {"due": report.seen, "moved": report.moved}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context: Any) -> dict:
    return handle(event)
