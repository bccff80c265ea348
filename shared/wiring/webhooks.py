"""Webhooks and the event relay, assembled with their adapters (DynamoDB, SQS, EventBridge, HTTP)."""

from __future__ import annotations

from shared.domain.events.relay import EventRelay
from shared.domain.webhooks.delivery import WebhookDeliverer, WebhookFanOut
from shared.domain.webhooks.models import DeliveryPolicy
from shared.domain.webhooks.service import WebhookService
from shared.domain.webhooks.urls import UrlPolicy
from shared.settings import get_settings


def is_local() -> bool:
    """Only an explicitly local environment allows http:// to loopback receivers (as the JWT key rule)."""
    settings = get_settings()
    return settings.environment == "local" and "environment" in settings.model_fields_set


def webhook_service() -> WebhookService:
    from shared.adapters.dynamo.webhooks import webhook_store
    from shared.adapters.secret_cipher import secret_cipher
    from shared.adapters.webhook_http import DnsResolver

    return WebhookService(webhook_store(), secret_cipher(), UrlPolicy(local=is_local(), resolver=DnsResolver()))


def delivery_policy() -> DeliveryPolicy:
    s = get_settings()
    return DeliveryPolicy(base_delay_s=s.webhook_retry_base_s, disable_after=s.webhook_disable_after,
                          timeout_s=s.webhook_timeout_s)


def _deliveries_queue():  # noqa: ANN202
    from shared.adapters.sqs_deliveries import SqsDeliveryQueue
    from shared.aws import client

    url = get_settings().webhook_deliveries_queue
    if not url:
        raise RuntimeError("GROUNDLINK_WEBHOOK_DELIVERIES_QUEUE (the deliveries queue URL) is not set")
    return SqsDeliveryQueue(client("sqs"), url)


def webhook_fan_out() -> WebhookFanOut:
    from shared.adapters.dynamo.webhooks import webhook_store

    return WebhookFanOut(webhook_store(), _deliveries_queue())


def webhook_deliverer() -> WebhookDeliverer:
    from shared.adapters.dynamo.webhooks import webhook_store
    from shared.adapters.secret_cipher import secret_cipher
    from shared.adapters.webhook_http import HttpTransport

    return WebhookDeliverer(webhook_store(), secret_cipher(), HttpTransport(allow_private=is_local()),
                            _deliveries_queue(), delivery_policy())


def event_relay() -> EventRelay:
    from shared.adapters.dynamo.outbox import event_outbox
    from shared.adapters.eventbridge import EventBridgeBus
    from shared.aws import client

    return EventRelay(event_outbox(), EventBridgeBus(client("events"), get_settings().event_bus_name))
