"""SQS worker: each message is one ``Delivery`` → ``WebhookDeliverer``. A failed POST is not an error here: the
deliverer sends the delivery back delayed (or disables the webhook) and the message is done. Only a fault of
the worker itself (storage unreachable) fails the record, which SQS then redelivers and finally dead-letters."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from shared.domain.webhooks.models import Delivery
from shared.observability import logger
from shared.wiring.webhooks import webhook_deliverer

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: Any) -> None:
    delivery = Delivery.model_validate_json(record.body)
    outcome = webhook_deliverer().deliver(delivery)
    logger.info("webhook delivery", extra={"webhook_id": delivery.webhook_id, "event_id": delivery.event_id,
                                           "attempt": delivery.attempt, "outcome": outcome})


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
