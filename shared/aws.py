"""boto3 clients, created lazily (moto must be active before a client exists) and cached."""

from __future__ import annotations

from functools import cache
from typing import Any

from shared.settings import get_settings


@cache
def client(service: str) -> Any:
    import boto3  # deferred: ~150 ms, only paid by code paths that touch AWS

    settings = get_settings()
    return boto3.session.Session().client(
        service, region_name=settings.region, endpoint_url=settings.aws_endpoint_url
    )


def reset_clients() -> None:
    """Forget cached clients and settings (tests switch endpoints between runs)."""
    client.cache_clear()
    get_settings.cache_clear()
