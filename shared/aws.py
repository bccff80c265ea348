"""boto3 clients, created lazily (moto must be active before a client exists) and cached, all with one explicit
SDK configuration; and the one rule that turns AWS errors which outlasted the SDK's retries into ``Unavailable``.

The configuration (``sdk_budget``) fits the function's timeout (``GROUNDLINK_FUNCTION_TIMEOUT_S``, set by the CDK
app from ``FunctionSpec.timeout_s``): the ``standard`` retry mode (the same rules as every AWS SDK, with a retry
quota that stops retry storms), explicit attempts and connect/read timeouts chosen so that one call's worst case
— every attempt timing out, plus the longest throttling backoffs — stays within 80 % of the timeout. An HTTP
function (29 s) gives up after 3 attempts and answers 503 with ``Retry-After`` rather than running into its
timeout; workers have longer timeouts and retry longer.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from shared.domain.errors import Unavailable
from shared.settings import get_settings
from shared.snapstart import after_restore

if TYPE_CHECKING:
    from botocore.config import Config

CONNECT_TIMEOUT_S = 2.0
MAX_READ_TIMEOUT_S = 30.0
BUDGET_SHARE = 0.8  # one call's worst case may take this share of the function's timeout
THROTTLING_BASE_S = 1.0  # botocore's standard mode: throttling backoff rand(0, 1) * min(1 s * 2**i, 20 s)
MAX_BACKOFF_S = 20.0
LOCAL_READ_TIMEOUT_S = 60.0  # the local runtime's moto server copies whole tables per transaction item


@dataclass(frozen=True)
class SdkBudget:
    """Retry and timeout settings of every client in one function."""

    max_attempts: int
    connect_timeout_s: float
    read_timeout_s: float
    retry_mode: str = "standard"

    def worst_case_s(self) -> float:
        """One call's longest possible duration: every attempt hits both timeouts, every backoff is maximal."""
        backoff = sum(min(THROTTLING_BASE_S * float(2**i), MAX_BACKOFF_S) for i in range(self.max_attempts - 1))
        return self.max_attempts * (self.connect_timeout_s + self.read_timeout_s) + backoff

    def config(self) -> Config:
        from botocore.config import Config

        return Config(
            retries={"mode": self.retry_mode, "total_max_attempts": self.max_attempts},  # first try included
            connect_timeout=self.connect_timeout_s,
            read_timeout=self.read_timeout_s,
            tcp_keepalive=True,
        )


def sdk_budget(function_timeout_s: float) -> SdkBudget:
    """The SDK settings for a function with this timeout: 3 attempts when a caller waits (< 60 s), 4 for
    minute-long workers, 5 beyond; the read timeout takes what the attempts and backoffs leave."""
    attempts = 3 if function_timeout_s < 60 else 4 if function_timeout_s < 300 else 5
    probe = SdkBudget(attempts, CONNECT_TIMEOUT_S, 0.0)
    spare = (BUDGET_SHARE * function_timeout_s - probe.worst_case_s()) / attempts
    read = max(1.0, min(MAX_READ_TIMEOUT_S, float(math.floor(spare))))
    return SdkBudget(attempts, CONNECT_TIMEOUT_S, read)


@cache
def _model_loader() -> Any:
    """botocore's loader of the service models and endpoint rules. Parsing those JSON files is most of making a
    client (≈ 0.3 s of a cold first request); they are read-only, so one loader is kept — through a SnapStart
    snapshot too, whose priming fills it — while sessions, credentials and clients are made anew after a restore."""
    import botocore.session

    return botocore.session.get_session().get_component("data_loader")


@cache
def client(service: str) -> Any:
    import boto3  # deferred: ~150 ms, only paid by code paths that touch AWS
    import botocore.session

    settings = get_settings()
    budget = sdk_budget(settings.function_timeout_s)
    if settings.environment == "local":  # no Lambda timeout to fit, and an emulator far slower than AWS
        budget = replace(budget, read_timeout_s=LOCAL_READ_TIMEOUT_S)
    core = botocore.session.get_session()
    loader = _model_loader()
    core.register_component("data_loader", loader)
    session = boto3.session.Session(botocore_session=core)
    loader.search_paths[:] = dict.fromkeys(loader.search_paths)  # each boto3 session appends its data path
    return session.client(
        service,
        region_name=settings.region,
        endpoint_url=settings.aws_endpoint_url,
        config=budget.config(),
    )


@after_restore  # a client made before a SnapStart snapshot would reuse its connections and credentials
def reset_clients() -> None:
    """Forget cached clients and settings (tests switch endpoints between runs; a restored snapshot)."""
    client.cache_clear()
    get_settings.cache_clear()


# -- errors that outlasted the SDK's retries --------------------------------------------------------------
# Throttling and capacity: the request was refused before it ran; wait longer.
THROTTLING_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "Throttling", "ThrottledException",
    "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
    "SlowDown", "LimitExceededException", "BandwidthLimitExceeded",
})
# Transient service faults: the service could not complete the request now.
TRANSIENT_CODES = frozenset({
    "InternalServerError", "InternalFailure", "InternalError", "ServiceUnavailable", "ServiceUnavailableException",
    "TransactionInProgressException", "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
})
THROTTLED_RETRY_AFTER_S = 2.0
TRANSIENT_RETRY_AFTER_S = 1.0
UNAVAILABLE_METRIC = "AwsUnavailable"


def unavailable_from(exc: BaseException, operation: str = "") -> Unavailable | None:
    """``Unavailable`` (with a retry-after hint) for a throttling, capacity, transient service or connection
    error of the AWS SDK — the SDK has already retried it — counted in the ``AwsUnavailable`` metric; None for
    any other error. botocore is only consulted when it is loaded: no botocore error exists before that."""
    exceptions = sys.modules.get("botocore.exceptions")
    if exceptions is None:
        return None
    if isinstance(exc, exceptions.ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        operation = operation or getattr(exc, "operation_name", "")
        if code in THROTTLING_CODES:
            kind, wait, message = "throttled", THROTTLED_RETRY_AFTER_S, "storage is busy (request rate too high)"
        elif code in TRANSIENT_CODES or status in (500, 502, 503, 504):
            kind, wait, message = "transient", TRANSIENT_RETRY_AFTER_S, "storage is temporarily unavailable"
        else:
            return None
    elif isinstance(exc, (exceptions.ConnectTimeoutError, exceptions.ReadTimeoutError,
                          exceptions.EndpointConnectionError, exceptions.ConnectionClosedError)):
        code, kind, wait = type(exc).__name__, "timeout", TRANSIENT_RETRY_AFTER_S
        message = "storage did not answer in time"
    else:
        return None
    record_unavailable(kind, code, operation)
    return Unavailable(f"{message}; retry the request in {wait:g} s", retry_after_s=wait)


def record_unavailable(kind: str, code: str, operation: str) -> None:
    """One count of ``AwsUnavailable`` (namespace of the functions' metrics, one platform-wide series with
    dimension ``service=groundlink`` so one alarm watches every function; the function, the error code and
    the operation are in the record's metadata)."""
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    from shared.observability import METRICS_NAMESPACE, PLATFORM, SERVICE, logger

    logger.warning("AWS unavailable after retries", extra={"kind": kind, "code": code, "operation": operation})
    with single_metric(name=UNAVAILABLE_METRIC, unit=MetricUnit.Count, value=1, namespace=METRICS_NAMESPACE,
                       default_dimensions={"service": PLATFORM}) as metric:
        metric.add_metadata("function", SERVICE)
        metric.add_metadata("kind", kind)
        metric.add_metadata("code", code)
        if operation:
            metric.add_metadata("operation", operation)
