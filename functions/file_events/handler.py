"""SQS worker: S3 ObjectCreated events (inside the SQS message body) → ``FileEvents``.

Partial batch responses: a record that raises is reported in ``batchItemFailures`` and redelivered (then
dead-lettered); the others are deleted. The same handler runs in AWS and behind the local event pump.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.parser.models import S3Model
from aws_lambda_powertools.utilities.parser.models.s3 import (
    S3Bucket,
    S3Identity,
    S3Message,
    S3RecordModel,
    S3RequestParameters,
    S3ResponseElements,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.file_events.logic import FileEvents, ObjectEvent
from shared.observability import logger, metrics
from shared.resources import BUCKETS
from shared.settings import get_settings
from shared.wiring import ledger as wiring

processor = BatchProcessor(event_type=EventType.SQS)


# Powertools' S3 models, with the fields this worker never reads made optional: S3 always sends them, the moto
# emulator behind the local runtime and the integration tests does not.
class _Bucket(S3Bucket):
    ownerIdentity: S3Identity | None = None  # noqa: N815


class _Message(S3Message):
    bucket: _Bucket


class _Record(S3RecordModel):
    userIdentity: S3Identity | None = None  # noqa: N815
    requestParameters: S3RequestParameters | None = None  # noqa: N815
    responseElements: S3ResponseElements | None = None  # noqa: N815
    s3: _Message


class S3Event(S3Model):
    Records: list[_Record]


@lru_cache(maxsize=1)
def file_events() -> FileEvents:
    settings = get_settings()
    buckets = {settings.bucket_name(b.key): b.key for b in BUCKETS}
    return FileEvents(wiring.file_service(), wiring.payload_storage(), buckets)


def reset() -> None:
    """Forget the cached worker (tests switch AWS endpoints)."""
    file_events.cache_clear()


def record_handler(record) -> None:
    body = json.loads(record.body)
    if body.get("Event") == "s3:TestEvent":
        return  # S3 sends one when the notification is configured
    s3_event = S3Event.model_validate(body)
    for r in s3_event.Records:
        if not r.eventName.startswith("ObjectCreated:"):
            continue
        changed = file_events().handle(ObjectEvent.from_record(r))
        for f in changed:
            metrics.add_metric(name=f"Files{f.status.capitalize()}", unit=MetricUnit.Count, value=1)
            logger.info("file status", extra={"file_id": f.id, "booking_id": f.booking_id, "status": f.status,
                                              "reason": f.reason})


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
