"""Wraps an ASGI adapter (Mangum) with Powertools logging context, tracing and metrics flushing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.observability import logger, metrics, tracer


def lambda_handler(adapter: Callable[[dict, Any], dict]) -> Callable[[dict, Any], dict]:
    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def handler(event: dict, context: Any) -> dict:
        return adapter(event, context)

    return handler
