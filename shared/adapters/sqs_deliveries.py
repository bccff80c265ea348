"""The webhook deliveries queue (SQS): one JSON ``Delivery`` per message, delayed by ``DelaySeconds`` (SQS
allows at most 900 s) for a retry."""

from __future__ import annotations

from typing import Any

from shared.domain.webhooks.models import Delivery

MAX_DELAY_S = 900


class SqsDeliveryQueue:
    def __init__(self, sqs: Any, queue_url: str) -> None:
        self.sqs = sqs
        self.queue_url = queue_url

    def send(self, delivery: Delivery, delay_s: int = 0) -> None:
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=delivery.model_dump_json(),
                              DelaySeconds=max(0, min(int(delay_s), MAX_DELAY_S)))
