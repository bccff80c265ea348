"""SQS worker: each message is an EventBridge event (the bus rule's target) → ``WebhookFanOut``. A record that
raises is reported in ``batchItemFailures`` and redelivered (then dead-lettered); the delivery worker ignores an
event a webhook already received, so a redelivered fan-out posts nothing twice."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from shared.adapters.eventbridge import event_from_bus
from shared.observability import logger
from shared.wiring.webhooks import webhook_fan_out

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: Any) -> None:
    event = event_from_bus(json.loads(record.body))
    deliveries = webhook_fan_out().fan_out(event)
    logger.info("event fanned out", extra={"event_id": event.id, "detail_type": event.detail_type,
                                           "deliveries": len(deliveries)})


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
