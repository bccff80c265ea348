"""Shared fixtures of the files and station tests: moto in-process with tables, buckets, the queue and the
S3→SQS notifications created from the shared specs; the worker called with the real S3-in-SQS messages."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta

from moto import mock_aws

from infra.local.emulation import bucket_env, create_resources, create_storage
from infra.local.pump import FakeLambdaContext, sqs_event
from shared.aws import client, reset_clients
from shared.domain.files.models import FileRecord
from shared.domain.ledger.models import Booking, ContactPart, ServiceRef, Slot
from shared.timefmt import utcnow

_offsets = itertools.count(1)


def reset_caches() -> None:
    from functions.file_events.handler import reset
    from shared.adapters.dynamo.catalog import catalog_repository
    from shared.adapters.dynamo.files import file_store
    from shared.adapters.dynamo.identity import identity_repository
    from shared.adapters.dynamo.ledger import ledger_store
    from shared.adapters.dynamo.stations import heartbeat_store
    from shared.auth import signing_key

    reset_clients()
    for cached in (catalog_repository, identity_repository, signing_key, file_store, ledger_store,
                   heartbeat_store):
        cached.cache_clear()
    reset()


class Platform:
    def __init__(self, queue_urls: dict[str, str]) -> None:
        self.queue_url = queue_urls["file_events"]
        self.s3 = client("s3")
        self.sqs = client("sqs")
        self.arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url,
                                                 AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def receive(self) -> list[dict]:
        """Every message now on the queue (S3 test events included), received and deleted."""
        out = []
        while True:
            msgs = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                            WaitTimeSeconds=0).get("Messages", [])
            if not msgs:
                return out
            out += msgs
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)])

    def invoke(self, messages: list[dict]) -> dict:
        from functions.file_events.handler import handler

        return handler(sqs_event(messages, self.arn, "us-east-1"), FakeLambdaContext("file_events"))

    def deliver(self) -> list[dict]:
        """Hand everything queued to the worker (what the event pump does); returns the messages."""
        messages = self.receive()
        if messages:
            result = self.invoke(messages)
            assert result == {"batchItemFailures": []}, result
        return messages


def start_platform() -> Iterator[Platform]:
    """Module fixture body (use ``pytest.fixture(scope="module", name="platform")(start_platform)``)."""
    import os

    saved = dict(os.environ)
    os.environ.update(bucket_env())
    with mock_aws():
        reset_caches()
        create_resources(client("dynamodb"))
        urls = create_storage(client("s3"), client("sqs"))
        from shared.adapters.dynamo.catalog import catalog_repository
        from shared.catalog.demo import seed_demo

        seed_demo(catalog_repository())
        p = Platform(urls)
        p.receive()  # the S3 test events sent when the notifications were configured
        yield p
    os.environ.clear()
    os.environ.update(saved)
    reset_caches()


def make_booking(owner: str, *, gs_id: str = "3", uplink: tuple[str, str | None] | None = None,
                 starts_in: timedelta | None = None, source: str = "orbapi") -> Booking:
    """A booking stored straight in the ledger (no pass check): a fresh window per call."""
    from shared.adapters.dynamo.ledger import ledger_store

    ledger = ledger_store()
    now = utcnow()
    start = now + (starts_in if starts_in is not None else timedelta(hours=next(_offsets)))
    [booking_id] = ledger.next_ids("booking")
    [slot_id] = ledger.next_ids("slot")
    files = []
    if uplink:
        [file_id] = ledger.next_ids("file")
        files.append(FileRecord(id=file_id, booking_id=booking_id, owner=owner, direction="uplink", s3_key=uplink[0],
                                sha256=uplink[1], created_at=now, updated_at=now))
    contact = ContactPart(spacecraft_id="sc-test", service=ServiceRef(id="svc")) if source == "spacego" else None
    booking = Booking(id=booking_id, owner=owner, owner_type="api_token", norad_id=43013, type="data",
                      source=source, requested_at=now, updated_at=now, contact=contact,
                      slots=[Slot(id=slot_id, gs_id=gs_id, start=start, end=start + timedelta(minutes=10))])
    ledger.reserve(booking, files)
    return booking
