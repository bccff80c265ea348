"""The local stand-in for Lambda's SQS event source mapping: long-polls a queue, hands each batch to the worker's
handler as a Lambda-shaped SQS event, and deletes only the messages the handler did not report in
``batchItemFailures`` (the others become visible again after the visibility timeout and are retried, then
dead-lettered by the queue's redrive policy - as in AWS)."""

from __future__ import annotations

import importlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.resources import FunctionSpec, QueueSpec


@dataclass
class FakeLambdaContext:
    function_name: str
    memory_limit_in_mb: int = 512
    timeout_s: int = 60
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = ""
    log_group_name: str = ""
    log_stream_name: str = "local"

    def __post_init__(self) -> None:
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self._deadline = time.time() + self.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def sqs_event(messages: list[dict], queue_arn: str, region: str) -> dict:
    """Lambda's SQS event for a batch of ReceiveMessage results."""
    return {"Records": [{
        "messageId": m["MessageId"],
        "receiptHandle": m["ReceiptHandle"],
        "body": m["Body"],
        "attributes": m.get("Attributes", {}),
        "messageAttributes": m.get("MessageAttributes", {}),
        "md5OfBody": m.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    } for m in messages]}


class EventPump:
    """One thread per (queue, worker); ``stop()`` ends them after their current poll (at most ``wait_s``)."""

    def __init__(self, sqs: Any, queue_urls: dict[str, str], workers: tuple[FunctionSpec, ...],
                 queues: tuple[QueueSpec, ...], *, wait_s: int = 1, region: str = "us-east-1",
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        self.sqs = sqs
        self.region = region
        self.wait_s = wait_s
        self.on_error = on_error
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.batches = 0
        self.deleted = 0
        self.failed = 0
        by_key = {q.key: q for q in queues}
        self.targets = [(by_key[w.queue], queue_urls[w.queue], w) for w in workers if w.queue]

    def start(self) -> EventPump:
        for queue, url, worker in self.targets:
            t = threading.Thread(target=self._run, args=(queue, url, worker), name=f"pump-{queue.key}", daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=self.wait_s + 5)

    def _run(self, queue: QueueSpec, url: str, worker: FunctionSpec) -> None:
        module, attr = worker.handler.rsplit(".", 1)
        handler = getattr(importlib.import_module(module), attr)
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        while not self.stopping.is_set():
            try:
                self.poll_once(handler, url, arn, queue, worker)
            except Exception as exc:  # keep pumping; the message stays on the queue and is retried
                if self.on_error:
                    self.on_error(exc)
                self.stopping.wait(0.5)

    def poll_once(self, handler, url: str, arn: str, queue: QueueSpec, worker: FunctionSpec) -> int:
        resp = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=min(queue.batch_size, 10),
                                        WaitTimeSeconds=self.wait_s, AttributeNames=["All"])
        messages = resp.get("Messages", [])
        if not messages:
            return 0
        event = sqs_event(messages, arn, self.region)
        context = FakeLambdaContext(worker.name, worker.memory_mb, worker.timeout_s)
        try:
            result = handler(event, context) or {}
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        except Exception:  # the whole batch failed, as when a Lambda invocation errors
            failed = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
        self.batches += 1
        self.deleted += len(done)
        self.failed += len(failed)
        return len(messages)
