"""orbapi webhooks (Groundlink's own endpoints, not in seed 001): an owner registers HTTPS endpoints for event
types and receives its own events there, signed. Scope ``webhooks:manage``; another owner's webhook is 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from shared.domain.identity import Principal
from shared.domain.webhooks.service import WebhookService
from shared.http import caller
from shared.surfaces.openapi import error_responses
from shared.surfaces.orbapi.webhooks_schema import (
    CreateWebhookRequest,
    WebhookCreated,
    WebhookDeleted,
    WebhookList,
    WebhookOut,
    created_view,
    webhook_view,
)
from shared.wiring.webhooks import webhook_service

REQUIRED_SCOPE = "webhooks:manage"

router = APIRouter(tags=["Webhooks"])
Caller = Annotated[Principal, caller(REQUIRED_SCOPE)]
Webhooks = Annotated[WebhookService, Depends(webhook_service)]
WebhookId = Annotated[str, Path(min_length=1, max_length=64, description="the webhook's id (wh_…)")]


@router.post("/orbapi/webhooks", status_code=201, response_model=WebhookCreated, summary="Register Webhook",
             operation_id="create_webhook", responses=error_responses("orbapi", 400, 401, 403),
             description="Registers an endpoint for the caller's events of the given types. The response carries "
                         "the signing secret, shown only once.")
def create_webhook(principal: Caller, body: CreateWebhookRequest, webhooks: Webhooks) -> WebhookCreated:
    return created_view(webhooks.register(principal.subject, body.url, body.eventTypes, body.description))


@router.get("/orbapi/webhooks", response_model=WebhookList, summary="List Webhooks", operation_id="list_webhooks",
            responses=error_responses("orbapi", 401, 403))
def list_webhooks(principal: Caller, webhooks: Webhooks) -> WebhookList:
    return WebhookList(webhooks=[webhook_view(w) for w in webhooks.listing(principal, principal.subject)])


@router.get("/orbapi/webhooks/{webhookId}", response_model=WebhookOut, summary="Get Webhook",
            operation_id="get_webhook", responses=error_responses("orbapi", 401, 403, 404))
def get_webhook(principal: Caller, webhookId: WebhookId, webhooks: Webhooks) -> WebhookOut:  # noqa: N803
    return webhook_view(webhooks.find(webhookId, principal))


@router.post("/orbapi/webhooks/{webhookId}/enable", response_model=WebhookOut, summary="Re-enable Webhook",
             operation_id="enable_webhook", responses=error_responses("orbapi", 401, 403, 404),
             description="Re-enables a webhook disabled after repeated failed deliveries (its count starts again).")
def enable_webhook(principal: Caller, webhookId: WebhookId, webhooks: Webhooks) -> WebhookOut:  # noqa: N803
    return webhook_view(webhooks.enable(webhookId, principal))


@router.delete("/orbapi/webhooks/{webhookId}", response_model=WebhookDeleted, summary="Remove Webhook",
               operation_id="delete_webhook", responses=error_responses("orbapi", 401, 403, 404))
def delete_webhook(principal: Caller, webhookId: WebhookId, webhooks: Webhooks) -> WebhookDeleted:  # noqa: N803
    removed = webhooks.remove(webhookId, principal)
    return WebhookDeleted(status="success", webhookId=removed.id, deleted=True)
