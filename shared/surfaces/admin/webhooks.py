"""Webhook administration (``/admin/webhooks``): the same use cases acting for any owner; ``admin`` scope or a
service caller; orbapi error format."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from shared.domain.identity import Principal
from shared.domain.identity.service import require_admin
from shared.domain.webhooks.service import WebhookService
from shared.http import caller
from shared.surfaces.openapi import error_responses
from shared.surfaces.orbapi.webhooks_schema import (
    AdminCreateWebhookRequest,
    WebhookCreated,
    WebhookDeleted,
    WebhookList,
    WebhookOut,
    created_view,
    webhook_view,
)
from shared.wiring.webhooks import webhook_service


def _admin(principal: Annotated[Principal, caller()]) -> Principal:
    return require_admin(principal)


router = APIRouter(tags=["Webhook administration"])
Admin = Annotated[Principal, Depends(_admin)]
Webhooks = Annotated[WebhookService, Depends(webhook_service)]
WebhookId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post("/admin/webhooks", status_code=201, response_model=WebhookCreated, summary="Register webhook for an owner",
             operation_id="admin_create_webhook", responses=error_responses("orbapi", 400, 401, 403))
def create_webhook(principal: Admin, body: AdminCreateWebhookRequest, webhooks: Webhooks) -> WebhookCreated:
    return created_view(webhooks.register(body.owner, body.url, body.eventTypes, body.description))


@router.get("/admin/webhooks", response_model=WebhookList, summary="List webhooks",
            operation_id="admin_list_webhooks", responses=error_responses("orbapi", 400, 401, 403))
def list_webhooks(principal: Admin, webhooks: Webhooks,
                  owner: Annotated[str | None, Query(min_length=1, max_length=200)] = None) -> WebhookList:
    return WebhookList(webhooks=[webhook_view(w) for w in webhooks.listing(principal, owner)])


@router.get("/admin/webhooks/{webhookId}", response_model=WebhookOut, summary="Get webhook",
            operation_id="admin_get_webhook", responses=error_responses("orbapi", 401, 403, 404))
def get_webhook(principal: Admin, webhookId: WebhookId, webhooks: Webhooks) -> WebhookOut:  # noqa: N803
    return webhook_view(webhooks.find(webhookId, principal))


@router.delete("/admin/webhooks/{webhookId}", response_model=WebhookDeleted, summary="Remove webhook",
               operation_id="admin_delete_webhook", responses=error_responses("orbapi", 401, 403, 404))
def delete_webhook(principal: Admin, webhookId: WebhookId, webhooks: Webhooks) -> WebhookDeleted:  # noqa: N803
    removed = webhooks.remove(webhookId, principal)
    return WebhookDeleted(status="success", webhookId=removed.id, deleted=True)
