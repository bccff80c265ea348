"""The OAuth 2.0 token endpoint (RFC 6749 §4.4, client-credentials grant): ``POST /oauth2/token``.

The request is ``application/x-www-form-urlencoded`` (``grant_type=client_credentials``, optional
``scope``); the client authenticates with HTTP Basic (RFC 6749 §2.3.1) or with ``client_id`` and
``client_secret`` in the body — one of the two. Answers and errors are RFC 6749's own (§5.1, §5.2), not a
surface's error body, and are never cached (``Cache-Control: no-store``)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal
from urllib.parse import parse_qs, unquote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from shared.domain.errors import InvalidRequest, NotAuthenticated
from shared.domain.identity.oauth import INVALID_CLIENT, INVALID_REQUEST, UNSUPPORTED_GRANT_TYPE
from shared.domain.identity.service import ClientGrant, OAuthClients
from shared.wiring.identity import oauth_clients_service

router = APIRouter(tags=["OAuth 2.0"])

ClientsService = Annotated[OAuthClients, Depends(oauth_clients_service)]

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
MAX_FORM_BYTES = 8192


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="seconds")
    scope: str = Field(description="the granted scopes, space-separated")


class TokenError(BaseModel):
    error: Literal["invalid_request", "invalid_client", "invalid_scope", "unsupported_grant_type"]
    error_description: str


def _error(error: str, description: str, status: int = 400) -> JSONResponse:
    headers = dict(NO_STORE)
    if status == 401:  # RFC 6749 §5.2: invalid_client answers 401 with the scheme the client may use
        headers["WWW-Authenticate"] = 'Basic realm="groundlink"'
    return JSONResponse({"error": error, "error_description": description}, status, headers=headers)


class _Refused(Exception):
    def __init__(self, error: str, description: str) -> None:
        self.error, self.description = error, description


def _form(body: bytes, content_type: str) -> dict[str, str]:
    if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise _Refused(INVALID_REQUEST, "the request must be application/x-www-form-urlencoded")
    if len(body) > MAX_FORM_BYTES:
        raise _Refused(INVALID_REQUEST, f"the request body exceeds {MAX_FORM_BYTES} bytes")
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=False, strict_parsing=False, max_num_fields=20)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Refused(INVALID_REQUEST, f"the form cannot be read: {exc}") from None
    repeated = sorted(k for k, v in parsed.items() if len(v) > 1)
    if repeated:
        raise _Refused(INVALID_REQUEST, f"parameter(s) {', '.join(repeated)} given more than once")
    return {k: v[0] for k, v in parsed.items()}


def _basic(authorization: str) -> tuple[str, str]:
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        raise _Refused(INVALID_CLIENT, "client authentication must use HTTP Basic or the request body")
    try:
        client_id, sep, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise _Refused(INVALID_CLIENT, "malformed HTTP Basic credentials") from None
    if not sep:
        raise _Refused(INVALID_CLIENT, "malformed HTTP Basic credentials")
    return unquote(client_id), unquote(secret)  # RFC 6749 §2.3.1: form-urlencoded before Basic


def _grant_view(grant: ClientGrant) -> JSONResponse:
    body = TokenResponse(access_token=grant.access_token, expires_in=grant.expires_in_s, scope=" ".join(grant.scopes))
    return JSONResponse(body.model_dump(), 200, headers=dict(NO_STORE))


@router.post(
    "/oauth2/token", response_model=TokenResponse, summary="Obtain an access token (client credentials)",
    operation_id="oauth2_token",
    description=(
        "RFC 6749 §4.4. Form parameters: `grant_type=client_credentials`, optional `scope` (space-separated, "
        "a subset of the client's scopes; all of them when absent), and `client_id` + `client_secret` unless "
        "the client authenticates with HTTP Basic. The access token is a Groundlink JWT, valid on every surface "
        "its scopes allow."
    ),
    openapi_extra={"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["grant_type"],
        "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]},
                       "scope": {"type": "string"}, "client_id": {"type": "string"},
                       "client_secret": {"type": "string"}}}}}}},
    responses={400: {"model": TokenError, "description": "invalid_request, invalid_scope, unsupported_grant_type"},
               401: {"model": TokenError, "description": "invalid_client"}},
)
async def token(request: Request, clients: ClientsService) -> JSONResponse:
    authorization = request.headers.get("authorization")
    try:
        form = _form(await request.body(), request.headers.get("content-type", ""))
        grant_type = form.get("grant_type")
        if not grant_type:
            raise _Refused(INVALID_REQUEST, "grant_type is required")
        if grant_type != "client_credentials":
            raise _Refused(UNSUPPORTED_GRANT_TYPE, f"grant_type {grant_type!r} is not supported (client_credentials)")
        if authorization:
            if "client_secret" in form:
                raise _Refused(INVALID_REQUEST, "use one client authentication method, not HTTP Basic and the body")
            client_id, secret = _basic(authorization)
            if form.get("client_id", client_id) != client_id:
                raise _Refused(INVALID_REQUEST, "client_id differs from the HTTP Basic user")
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
            if not client_id or not secret:
                raise _Refused(INVALID_CLIENT, "client authentication is required (HTTP Basic, or client_id and "
                                               "client_secret)")
        grant = await run_in_threadpool(clients.grant, client_id, secret, form.get("scope"))
    except _Refused as refused:
        status = 401 if refused.error == INVALID_CLIENT else 400
        return _error(refused.error, refused.description, status)
    except NotAuthenticated as exc:
        return _error(exc.code, exc.message, 401)
    except InvalidRequest as exc:
        return _error(exc.code, exc.message, 400)
    return _grant_view(grant)
