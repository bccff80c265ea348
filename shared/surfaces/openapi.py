"""Every surface's OpenAPI document: the error bodies of each surface as models, ``error_responses`` to declare a
route's documented error statuses (the seed's) with that body, and ``surface_document`` to build a surface's
OpenAPI 3.1 document from its routers.

    @router.post("/orbapi/bookings", status_code=201, response_model=BookingCreated,
                 responses=error_responses("orbapi", 400, 401, 403, 404, 409))

``surface_document(surface)`` imports every module of the surface's packages (``shared.surfaces.<package>``,
see ``SURFACE_PACKAGES``), includes each module-level ``router`` (an ``APIRouter``) in a throwaway app and
asks FastAPI for the document; then states what FastAPI cannot know: the seed's title and version, the
servers, the security schemes as the seed names them with each operation's required scope (from
``shared.http.caller``), the surface's error body for request validation (FastAPI's own 422 body is never
sent by Groundlink), and the error models in ``components.schemas``.

The admin token endpoints (``/admin/api-tokens``) go into the orbapi document: they administer orbapi's
``dsn_live_`` tokens, answer in orbapi's error format and sit next to it in the route table.
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import json
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from shared.http import body_limit_of
from shared.settings import get_settings


class ProblemDescription(BaseModel):
    """Space Go (seed 000): responses of type ``application/problem+json``."""

    title: str = Field(description="Short summary of the reported problem.")
    detail: str = Field(description="Detailed description of the reported problem.")
    trace_id: str = Field(description="Trace ID that is unique for the specific request.",
                          json_schema_extra={"format": "uuid"})


Problem = ProblemDescription


class OrbapiError(BaseModel):
    """orbapi (seed 001)."""

    error: str


class SsaError(BaseModel):
    """SSA backend (seed 002)."""

    detail: str
    status_code: int


class SsaValidationItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class SsaValidationError(BaseModel):
    """SSA backend (seed 002): 422 request validation."""

    detail: list[SsaValidationItem]


class PipelineError(BaseModel):
    """Pipeline mechanics (seeds 003/004)."""

    error: str
    errorMessage: str  # noqa: N815 (seed's field name)


class SatnogsError(BaseModel):
    """SatNOGS station API (the SatNOGS Network API's Django REST framework errors)."""

    detail: str


ERROR_MODELS: dict[str, type[BaseModel]] = {
    "spacego": ProblemDescription,
    "orbapi": OrbapiError,
    "ssa": SsaError,
    "pipeline": PipelineError,
    "satnogs": SatnogsError,
}


def error_responses(surface: str, *statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for a route's error statuses, each with the surface's error body."""
    model = ERROR_MODELS[surface]
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"description": HTTPStatus(status).phrase, "model": model}
        if surface == "ssa" and status == 422:
            entry["model"] = SsaValidationError
        if surface == "spacego":
            entry["content"] = {"application/problem+json": {}}
        out[status] = entry
    return out


# --- the documents ------------------------------------------------------------------------------------

# Which packages under ``shared.surfaces`` make up each published document.
SURFACE_PACKAGES: dict[str, tuple[str, ...]] = {
    "spacego": ("spacego",),
    "orbapi": ("orbapi", "admin"),
    "ssa": ("ssa",),
    "pipeline": ("pipeline",),
    "satnogs": ("satnogs",),
}

_SPACEGO_SCOPES = {
    "contacts.view": "Read contacts, their availability and post-contact reports",
    "contacts.create": "Request contacts",
    "contacts.cancel": "Delete contacts",
    "spacecraft.view": "Read spacecraft and their contact service configurations",
    "sites.view": "Read sites",
    "tle.view": "Read a spacecraft's current TLE",
    "tle.upload": "Upload a TLE for a spacecraft",
}
# Groundlink's own token endpoint (functions/admin_tokens), relative to the host: RFC 6749 §4.4.
_SPACEGO_TOKEN_URL = "/oauth2/token"

_ORBAPI_SCOPES = {
    "passes:read": "Search satellite passes",
    "bookings:create": "Create bookings and attach uplink files",
    "bookings:cancel": "Cancel bookings",
    "mission-profile:create": "Create, read, and delete mission profiles",
    "webhooks:manage": "Register, list, re-enable and remove webhooks receiving the owner's events",
    "admin": "Administer API tokens and webhooks (the /admin endpoints)",
}


@dataclass(frozen=True)
class SurfaceInfo:
    """What a surface's document states beyond its routes (from its seed)."""

    title: str
    description: str
    base_path: str  # where the surface publishes openapi.json and docs ("" for the SSA root)
    security_schemes: dict[str, dict[str, Any]]
    version: str | None = None  # None: the platform's version
    server: str = "/"
    strip_prefix: str = ""  # removed from paths written relative to the server (Space Go's /api/v1)
    problem_json: bool = False  # errors are application/problem+json
    default_response: bool = False  # every operation lists ``default: Unexpected error`` (seed 000)
    validation_status: int = 400  # the status Groundlink answers request validation with on this surface
    tags: list[dict[str, str]] = field(default_factory=list)


def _freshness_note(epoch: str, age: str, warning: str, refused: str = "") -> str:
    """The element-set freshness policy as each surface names its fields."""
    return (f"\n\nElement-set freshness: every answer computed from an element set names its epoch and age "
            f"(`{epoch}`, `{age}`) and, past `GROUNDLINK_TLE_WARN_AGE_DAYS` (3 days by default), warns (`{warning}`)"
            f"{refused}. The defaults follow SGP4's error growth in low Earth orbit, roughly 1-3 km a day "
            "along-track: a few kilometres after 3 days, tens of kilometres — more than a narrow beam tolerates — "
            "after 14.")


_REFUSED = ("; bookings and contacts on a satellite whose current set is older than `GROUNDLINK_TLE_MAX_AGE_DAYS` "
            "(14 days by default) are refused with 400 naming the epoch and the limit")


SURFACES: dict[str, SurfaceInfo] = {
    "spacego": SurfaceInfo(
        title="SSC Space Go API v1",
        version="0.3.0",
        description=(
            "Contacts, availability, post-contact reports, spacecraft, sites and TLEs, served by Groundlink "
            "to the SSC Space Go API v1 contract: a client written against the Space Go reference works "
            "unchanged. Errors are `application/problem+json` (`ProblemDescription`).\n\n"
            "Authentication: a Bearer JWT (`bearerAuth`) carrying the operation's scope; the OAuth 2.0 "
            "client-credentials flow (`oAuth2`) names the scopes."
            + _freshness_note("tle_epoch", "tle_age_days", "tle_warning", _REFUSED)
        ),
        base_path="/api/v1",
        server="/api/v1",
        strip_prefix="/api/v1",
        problem_json=True,
        default_response=True,
        security_schemes={
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "The API can be accessed using a previously acquired JWT token.",
            },
            "oAuth2": {
                "type": "oauth2",
                "description": "The API supports OAuth 2.0 authentication mechanism to obtain an access token "
                "(client credentials flow): `POST /oauth2/token` (form-encoded `grant_type=client_credentials`, "
                "optional `scope`; the client authenticates with HTTP Basic or `client_id`/`client_secret`) "
                "answers `{access_token, token_type: Bearer, expires_in, scope}`. Clients are registered by an "
                "operator (`groundlink oauth-client create`, `POST /admin/oauth-clients`).",
                "flows": {"clientCredentials": {"tokenUrl": _SPACEGO_TOKEN_URL, "scopes": _SPACEGO_SCOPES}},
            },
        },
        tags=[
            {"name": "Scheduling"},
            {"name": "Post-Contact-Reports"},
            {"name": "Tle"},
        ],
    ),
    "orbapi": SurfaceInfo(
        title="Decentralized Space Network API",
        description=(
            "Satellite pass prediction, reservation management, mission profile management and file-transfer "
            "metadata for ground-station operations (orbapi), for server-to-server integrations. File payloads "
            "are exchanged through S3 buckets; the API stores and reports metadata, ownership, reservation "
            "status and delivery state.\n\n"
            "All request and response bodies are JSON; timestamps are ISO 8601 UTC. Errors are "
            '`{"error": "Human-readable error message"}`. A resource that is not the caller\'s answers 404.\n\n'
            "Also documented here: the station command broker (`/stations/v1`, station API tokens), the "
            "administration of API tokens (`/admin/api-tokens`, scope `admin`), and owners' webhooks "
            "(`/orbapi/webhooks`, scope `webhooks:manage`; `/admin/webhooks`, scope `admin`): signed HTTP POSTs of the "
            "owner's events (`Groundlink-Signature: v1=<hex HMAC-SHA256 of \"<timestamp>.<body>\">`, "
            "`Groundlink-Timestamp`, `Groundlink-Event-Id`), whose JSON Schema is docs/events.schema.json in the "
            "repository."
            + _freshness_note("tleEpoch", "tleAgeDays", "tleWarning", _REFUSED)
        ),
        base_path="/orbapi",
        security_schemes={
            "apiToken": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "dsn_live_ API token",
                "description": "`Authorization: Bearer dsn_live_...`. API tokens are scoped: a request is "
                "rejected if the token does not include the scope required by the endpoint. Common scopes: "
                + ", ".join(f"`{k}` ({v})" for k, v in _ORBAPI_SCOPES.items())
                + ".",
            },
        },
    ),
    "ssa": SurfaceInfo(
        title="SSA Backend API",
        description=(
            "Space situational awareness: accounts, the satellite catalogue, positions, pass analysis, "
            "maneuver detection, query history and news. JSON bodies; errors are "
            '`{"detail": "...", "status_code": N}`, validation errors (422) '
            '`{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`.'
            + _freshness_note("epoch", "tle_age_days", "tle_warning")
        ),
        base_path="",
        validation_status=422,
        security_schemes={
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "`Authorization: Bearer YOUR_JWT_TOKEN`, the `access_token` of `POST /auth/login`. "
                "Tokens expire after 1 hour; renew them with `POST /auth/refresh`.",
            },
        },
    ),
    "pipeline": SurfaceInfo(
        title="Groundlink Pipelines API",
        description=(
            "Asynchronous processing pipelines: `…/initiate` starts a pipeline (`pipelineId`, `status`, "
            "`nextTry`), the Tasking API's `/tasking/check-status` reports its status and `…/retrieve` returns "
            "its result (424 for a failed pipeline). Errors are "
            '`{"error": "MACHINE-READABLE-ERROR-CODE", "errorMessage": "A human readable error description."}`.'
            + _freshness_note("tleEpoch", "tleAgeDays", "tleWarning")
        ),
        base_path="/pipeline",
        validation_status=422,
        security_schemes={
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "JWT sent in the `Authorization` header after the `Bearer` keyword. Permissions "
                "are dot-separated (`pipeline` grants `pipeline.pass-analysis`).",
            },
        },
    ),
    "satnogs": SurfaceInfo(
        title="Groundlink SatNOGS station API",
        description=(
            "The SatNOGS Network API as a SatNOGS station's client (`satnogs-client`) uses it, so a volunteer station "
            "flies Groundlink's contacts unchanged: `GET jobs/` lists the station's upcoming observations (the poll "
            "is its heartbeat), `PUT observations/{id}/` uploads an observation's audio (`payload`), `waterfall` and "
            "demodulated frames (`demoddata`), delivered to the booking's client; the audio completes the contact. "
            "Point the client's `SATNOGS_NETWORK_API_URL` at `<host>/satnogs/api/` (with the trailing slash).\n\n"
            "Errors are `{\"detail\": \"...\"}`; a 400 names the query parameter or the upload part. Uploads: at "
            "most 64 MiB per request here; in AWS, API Gateway (10 MB) and Lambda's 6 MB invocation payload (the body "
            "base64-encoded) bound a request to about 4.4 MB of files."
        ),
        base_path="/satnogs/api",
        security_schemes={
            "stationToken": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Authorization: Token dsn_live_...`: the station's own API token (scope `station`, "
                "owner `station-<ground station id>`; `groundlink api-token create --owner station-3 --scopes "
                "station`).",
            },
        },
    ),
}

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_FASTAPI_VALIDATION_REF = "#/components/schemas/HTTPValidationError"


def surface_routers(surface: str, root: str = "shared.surfaces") -> list[APIRouter]:
    """Every module-level ``APIRouter`` of every module under the surface's packages (a module may hold
    several, served by different functions; a package not there yet contributes nothing)."""
    routers: list[APIRouter] = []
    for name in SURFACE_PACKAGES[surface]:
        package = f"{root}.{name}"
        try:
            if importlib.util.find_spec(package) is None:
                continue
        except ModuleNotFoundError:  # the root package itself is missing
            continue
        for module_name in _modules(package):
            module = importlib.import_module(module_name)
            for value in vars(module).values():
                if isinstance(value, APIRouter) and all(value is not seen for seen in routers):
                    routers.append(value)
    return routers


def _modules(package: str) -> Iterator[str]:
    yield package
    module = importlib.import_module(package)
    path = getattr(module, "__path__", None)
    if path is not None:
        for info in sorted(pkgutil.walk_packages(path, package + "."), key=lambda m: m.name):
            yield info.name


def _requirement(dependant: Dependant) -> tuple[bool, list[str]]:
    """Whether an operation authenticates its caller, and the scopes it requires (``shared.http.caller``)."""
    authenticates, scopes = False, []
    stack = [dependant]
    while stack:
        current = stack.pop()
        call: Callable[..., Any] | None = current.call
        if call is not None and getattr(call, "authenticates", False):
            authenticates = True
            scope = getattr(call, "required_scope", None)
            if scope and scope not in scopes:
                scopes.append(scope)
        stack.extend(current.dependencies)
    return authenticates, scopes


def _error_content(info: SurfaceInfo, schema: dict[str, Any]) -> dict[str, Any]:
    media = "application/problem+json" if info.problem_json else "application/json"
    return {media: {"schema": schema}}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


_BODY_METHODS = frozenset({"post", "put", "patch"})


def _fix_responses(surface: str, info: SurfaceInfo, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    model = ERROR_MODELS[surface]
    auto = responses.get("422")
    if auto and json.dumps(auto).find(_FASTAPI_VALIDATION_REF) >= 0:
        # FastAPI's own 422 body is never sent: say what the surface answers request validation with
        del responses["422"]
        has_body = "requestBody" in operation
        status = str(info.validation_status if has_body or surface == "ssa" else 400)
        if status not in responses:
            body = SsaValidationError if surface == "ssa" else model
            responses[status] = {
                "description": HTTPStatus(int(status)).phrase,
                "content": _error_content(info, _ref(body)),
            }
    if method in _BODY_METHODS and "413" not in responses and not info.default_response:
        # shared.http.BodyLimitMiddleware answers this before any route runs (a surface whose seed lists a
        # ``default`` response keeps the seed's list: the default covers it)
        limit = body_limit_of(surface)
        responses["413"] = {
            "description": f"Request body over {limit} bytes ({limit // 1024} KiB)",
            "content": _error_content(info, _ref(model)),
        }
    retry_after = {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}}
    if operation.get("security") and "429" not in responses and not info.default_response:
        # shared.ratelimit: every authenticated caller has a token bucket per scope class
        responses["429"] = {"description": "Too Many Requests: the caller's rate limit for this kind of request "
                                           "is used up", "headers": retry_after,
                            "content": _error_content(info, _ref(model))}
    if "503" not in responses and not info.default_response:
        # shared.errors: a data store still busy or unreachable after the SDK's retries
        responses["503"] = {"description": "Service Unavailable: retry later", "headers": retry_after,
                            "content": _error_content(info, _ref(model))}
    if info.default_response and "default" not in responses:
        responses["default"] = {"description": "Unexpected error", "content": _error_content(info, _ref(model))}
    if info.problem_json:
        for status, response in responses.items():
            content = response.get("content") or {}
            if (status == "default" or status[:1] in "45") and "application/json" in content:
                # declared with error_responses: the schema FastAPI put under application/json
                schema = content.pop("application/json").get("schema")
                problem = content.setdefault("application/problem+json", {})
                if schema and "schema" not in problem:
                    problem["schema"] = schema


def _components(surface: str) -> dict[str, Any]:
    models: list[type[BaseModel]] = [ERROR_MODELS[surface]]
    if surface == "ssa":
        models.append(SsaValidationError)
    _, top = models_json_schema([(m, "serialization") for m in models], ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = top.get("$defs", {})
    return schemas


def _build(surface: str, root: str) -> dict[str, Any]:
    info = SURFACES[surface]
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    for router in surface_routers(surface, root):
        app.include_router(router)
    document: dict[str, Any] = get_openapi(
        title=info.title,
        version=info.version or get_settings().version,
        openapi_version="3.1.0",
        description=info.description,
        routes=app.routes,
        servers=[{"url": info.server, "description": "Current Host"}],
        tags=info.tags or None,
    )
    paths: dict[str, Any] = document.setdefault("paths", {})
    for route in iter_route_contexts(app.routes):  # routers included in routers too
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        authenticates, scopes = _requirement(route.dependant)
        for method in sorted(route.methods or ()):
            operation = paths.get(route.path_format or "", {}).get(method.lower())
            if operation is None:
                continue
            if authenticates:
                operation["security"] = [{name: list(scopes)} for name in info.security_schemes]
                if scopes:
                    label = "Required Scopes" if surface == "spacego" else "Required scope"
                    text = f"{label}: {', '.join(scopes)}"
                    operation["description"] = (operation.get("description", "") + "\n\n" + text).strip()
            else:
                operation["security"] = []
    for item in paths.values():
        for method in _HTTP_METHODS:
            if method in item:
                _fix_responses(surface, info, method, item[method])
    if info.strip_prefix:
        document["paths"] = {
            (path[len(info.strip_prefix):] or "/") if path.startswith(info.strip_prefix) else path: item
            for path, item in paths.items()
        }
    used = {tag for item in document["paths"].values() for op in item.values() if isinstance(op, dict)
            for tag in op.get("tags", ())}
    document["tags"] = [tag for tag in document.get("tags", []) if tag["name"] in used]  # the seed's order
    if not document["tags"]:
        del document["tags"]
    components: dict[str, Any] = document.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    for name, schema in _components(surface).items():
        schemas.setdefault(name, schema)
    rest = json.dumps({k: v for k, v in document.items() if k != "components"})
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in rest and name in schemas:
            referenced_elsewhere = any(
                f'"#/components/schemas/{name}"' in json.dumps(v) for k, v in schemas.items() if k != name
            )
            if not referenced_elsewhere:
                del schemas[name]
    components["securitySchemes"] = copy.deepcopy(info.security_schemes)
    return document


@cache
def _cached(surface: str, root: str) -> str:
    return json.dumps(_build(surface, root), separators=(",", ":"), sort_keys=False)


def surface_document(surface: str, root: str = "shared.surfaces") -> dict[str, Any]:
    """The surface's OpenAPI 3.1 document (built once per process; each call gets its own copy)."""
    loaded: dict[str, Any] = json.loads(_cached(surface, root))
    return loaded


def surface_document_json(surface: str, root: str = "shared.surfaces") -> bytes:
    """The document as the JSON the docs endpoints serve."""
    return _cached(surface, root).encode()
