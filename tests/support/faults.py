"""A fault injector for one botocore client under moto: throttles, times out after commit, or conflicts a chosen
share of calls.

moto answers requests from a ``before-send`` handler (``moto.core.models.botocore_stubber``), and botocore emits
``before-send`` to *every* handler before it takes the first response: a fake response returned from another
handler would still let moto execute the request. So the injector removes moto's handler from this client's
(copied) event emitter and calls it itself, only for the requests it lets through:

* ``throttle`` — answer ``ProvisionedThroughputExceededException`` (HTTP 400); the request never runs;
* ``lost``     — run the request, then raise ``ReadTimeoutError``: the write happened, its response is lost
  (botocore retries it; moto, unlike DynamoDB, ignores ``ClientRequestToken``, so the retry runs again and meets
  its own committed write — the harder case for the caller);
* ``conflict`` — answer ``TransactWriteItems`` with ``TransactionCanceledException`` (reason
  ``TransactionConflict``) without running it, as DynamoDB does when another transaction holds an item.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError
from moto.core.botocore_stubber import MockRawResponse
from moto.core.models import botocore_stubber

MODES = ("throttle", "lost", "conflict")
# moto in process is not thread-safe (a transaction deep-copies tables other threads are writing): requests run
# one at a time, each atomic as in DynamoDB; threads still interleave between requests, where the races are.
_MOTO = threading.Lock()
_PREFIX = "com.amazonaws.dynamodb.v20120810#"
WRITES = frozenset({"TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem"})


def _error(request: Any, code: str, message: str, **extra: Any) -> AWSResponse:
    body = json.dumps({"__type": _PREFIX + code, "message": message, **extra}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "injected-fault"}
    return AWSResponse(request.url, 400, headers, MockRawResponse(body))  # type: ignore[arg-type]


class FaultInjector:
    """Install with ``install(client)``; ``share`` of the calls of ``operations`` (all when empty) get ``mode``."""

    def __init__(self, mode: str, share: float, *, seed: int = 16, operations: frozenset[str] = frozenset(),
                 limit: int | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown fault mode {mode!r}")
        self.mode = mode
        self.share = share
        # conflicts are a transaction's fault; a lost answer matters for writes (a read just runs again)
        default = {"conflict": frozenset({"TransactWriteItems"}), "lost": WRITES}.get(mode, frozenset())
        self.operations = operations or default
        self.limit = limit  # at most this many faults (None: no limit)
        self.injected: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._client: Any = None

    def install(self, client: Any) -> FaultInjector:
        client.meta.events.unregister("before-send", botocore_stubber)
        client.meta.events.register("before-send", self)
        self._client = client
        return self

    def uninstall(self) -> None:
        if self._client is not None:
            self._client.meta.events.unregister("before-send", self)
            self._client.meta.events.register("before-send", botocore_stubber)
            self._client = None

    def _hit(self, operation: str) -> bool:
        if self.operations and operation not in self.operations:
            return False
        with self._lock:
            self.calls[operation] += 1
            hit = self._random.random() < self.share
            if self.limit is not None and sum(self.injected.values()) >= self.limit:
                hit = False
            if hit:
                self.injected[operation] += 1
        return hit

    def __call__(self, request: Any, event_name: str, **kwargs: Any) -> AWSResponse | None:
        operation = event_name.rsplit(".", 1)[-1]
        hit = self._hit(operation)
        if hit and self.mode == "throttle":
            return _error(request, "ProvisionedThroughputExceededException",
                          "The level of configured provisioned throughput for the table was exceeded.")
        if hit and self.mode == "conflict" and operation == "TransactWriteItems":
            count = len(json.loads(request.body)["TransactItems"])
            reasons = [{"Code": "None"}] * (count - 1) + [{"Code": "TransactionConflict",
                                                           "Message": "Transaction is ongoing for the item"}]
            return _error(request, "TransactionCanceledException", "Transaction cancelled",
                          CancellationReasons=reasons)
        with _MOTO:
            response = botocore_stubber(event_name=event_name, request=request)
        if hit and self.mode == "lost":
            raise ReadTimeoutError(endpoint_url=request.url)  # after the request ran: its answer is lost
        return response
