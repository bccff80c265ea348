"""``Idempotency-Key`` support on top of Powertools idempotency (DynamoDB persistence).

The key is scoped per caller (another caller's key never matches) and the request body is validated:
the same key with another body is refused instead of silently returning the first response.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from shared.domain.errors import Conflict, InvalidRequest, Unprocessable

EXPIRES_AFTER_S = 24 * 3600


@lru_cache(maxsize=1)
def persistence_layer():
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from shared.adapters.dynamo.base import table_name
    from shared.aws import client

    return DynamoDBPersistenceLayer(table_name=table_name("idempotency"), boto3_client=client("dynamodb"))


def run_idempotent(scope: str, key: str | None, caller: str, body: Any, operation: Callable[[], dict],
                   lambda_context: Any = None) -> dict:
    if key is None:
        return operation()
    key = key.strip()
    if not 1 <= len(key) <= 255:
        raise InvalidRequest("header 'Idempotency-Key': must be 1 to 255 characters")

    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config = IdempotencyConfig(
        event_key_jmespath="[caller, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=EXPIRES_AFTER_S,
        raise_on_no_idempotency_key=True,
    )
    if lambda_context is not None:  # in Lambda (Mangum puts it in the ASGI scope): in-progress expiry
        config.register_lambda_context(lambda_context)

    @idempotent_function(data_keyword_argument="request", persistence_store=persistence_layer(), config=config,
                         key_prefix=scope)
    def execute(request: dict) -> dict:
        return operation()

    try:
        return execute(request={"caller": caller, "key": key, "body": body})
    except IdempotencyValidationError:
        raise Unprocessable(
            f"Idempotency-Key '{key}' was already used with a different request body"
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict(f"a request with Idempotency-Key '{key}' is still in progress; retry shortly") from None
