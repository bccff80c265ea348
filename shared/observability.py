"""The one place that creates Groundlink's Logger, Metrics and Tracer (Powertools).

``tracer`` is built on first use: the X-Ray SDK costs ≈140 ms of import, so HTTP functions — which get
their segments from Lambda active tracing — only load it when ``GROUNDLINK_XRAY_SDK`` is true, while
workers that want subsegments import ``tracer`` explicitly.
"""

from __future__ import annotations

import logging
import os
import warnings
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

PLATFORM = "groundlink"
SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", PLATFORM)
METRICS_NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Groundlink")
DOMAIN_LOGGER = "groundlink.domain"

logger = Logger(service=SERVICE)
metrics = Metrics(service=SERVICE, namespace=METRICS_NAMESPACE)
# Most invocations record no application metric, and that is normal: Powertools would warn after each one
# ("No application metrics to publish"). Only that expected notice is silenced; other warnings still show.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)

# The domain logs through the standard library (it knows no Powertools): its loggers are children of
# "groundlink.domain", which writes through the same structured handler as ``logger``.
logging.getLogger(DOMAIN_LOGGER)
copy_config_to_registered_loggers(source_logger=logger, include={DOMAIN_LOGGER})


@lru_cache(maxsize=1)
def get_tracer() -> Tracer:
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def xray_sdk_enabled() -> bool:
    return os.environ.get("GROUNDLINK_XRAY_SDK", "false").lower() == "true"


def __getattr__(name: str) -> Any:  # ``from shared.observability import tracer`` still works
    if name == "tracer":
        return get_tracer()
    raise AttributeError(name)
