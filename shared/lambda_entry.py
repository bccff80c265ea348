"""Wraps an ASGI adapter (Mangum) with Powertools logging context, metrics flushing and, when enabled,
X-Ray SDK subsegments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.observability import get_tracer, logger, metrics, xray_sdk_enabled


def lambda_handler(adapter: Callable[[dict, Any], dict]) -> Callable[[dict, Any], dict]:
    def invoke(event: dict, context: Any) -> dict:
        return adapter(event, context)

    if xray_sdk_enabled():
        invoke = get_tracer().capture_lambda_handler(capture_response=False)(invoke)
    return logger.inject_lambda_context(clear_state=True)(metrics.log_metrics(invoke))
