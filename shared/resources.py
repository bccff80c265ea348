"""The one source of truth for Groundlink's AWS resources.

The CDK app (``infra/``) and the local runtime (``infra/local``) both read these specs: table keys and
indexes, buckets, queues and the Lambda function groups with their HTTP routes and data grants.
Nothing here imports boto3 or aws-cdk-lib.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Access = Literal["read", "write"]
Surface = Literal["spacego", "orbapi", "ssa", "pipeline", "admin"]


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table: string keys, on-demand billing, point-in-time recovery."""

    key: str  # logical name, also used in env var GROUNDLINK_<KEY>_TABLE
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None

    @property
    def env_var(self) -> str:
        return f"GROUNDLINK_{self.key.upper()}_TABLE"

    @property
    def local_name(self) -> str:
        return f"groundlink-{self.key}"

    def attribute_names(self) -> list[str]:
        names = [self.partition_key] + ([self.sort_key] if self.sort_key else [])
        for index in self.indexes:
            names.append(index.partition_key)
            if index.sort_key:
                names.append(index.sort_key)
        return list(dict.fromkeys(names))


CATALOG = TableSpec(key="catalog", partition_key="pk", sort_key="sk")
LEDGER = TableSpec(
    key="ledger",
    partition_key="pk",
    sort_key="sk",
    indexes=(Index("by_owner", "owner", "owner_sort"),),
)
IDENTITY = TableSpec(key="identity", partition_key="pk", sort_key="sk", ttl_attribute="expires_at")
IDEMPOTENCY = TableSpec(key="idempotency", partition_key="id", ttl_attribute="expiration")
PROFILES = TableSpec(
    key="profiles",
    partition_key="pk",
    sort_key="sk",
    indexes=(Index("by_parent", "parent", "parent_sort"),),
)

TABLES: tuple[TableSpec, ...] = (CATALOG, LEDGER, IDENTITY, IDEMPOTENCY, PROFILES)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway syntax: /orbapi/gs/id/{id}

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def routes(*specs: str) -> tuple[Route, ...]:
    out = []
    for spec in specs:
        method, path = spec.split(" ", 1)
        out.append(Route(method, path))
    return tuple(out)


@dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function: an HTTP endpoint group (FastAPI app + Mangum) or a worker."""

    name: str  # folder under functions/
    surface: Surface
    description: str
    routes: tuple[Route, ...] = ()
    tables: dict[str, Access] = field(default_factory=dict)
    needs_orbit_layer: bool = False
    needs_jwt_secret: bool = True
    memory_mb: int = 512
    timeout_s: int = 29

    @property
    def handler(self) -> str:
        return f"functions.{self.name}.handler.handler"

    @property
    def app_module(self) -> str:
        return f"functions.{self.name}.app"


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="orbapi_catalog",
        surface="orbapi",
        description="orbapi reference data: satellites, TLEs, ground stations, transmitters",
        routes=routes(
            "GET /orbapi/satellites",
            "GET /orbapi/satellites/id/{noradId}",
            "GET /orbapi/satellites/name/{name}",
            "GET /orbapi/tles",
            "GET /orbapi/tles/id/{noradId}",
            "GET /orbapi/tles/name/{name}",
            "GET /orbapi/gs",
            "GET /orbapi/gs/id/{id}",
            "GET /orbapi/gs/description/{description}",
            "GET /orbapi/transmitters",
            "GET /orbapi/transmitters/id/{noradCatId}",
            "GET /orbapi/transmitters/uuid/{uuid}",
            "GET /orbapi/transmitters/mode/{modeId}",
            "GET /orbapi/transmitters/id/{noradCatId}/mode/{modeId}",
            "GET /orbapi/transmitters/gs/{gsId}",
            "GET /orbapi/transmitters/gs/{gsId}/mode/{modeId}",
        ),
        tables={"catalog": "read", "identity": "read"},
    ),
    FunctionSpec(
        name="spacego_catalog",
        surface="spacego",
        description="Space Go sites, spacecraft, TLEs and service configurations",
        routes=routes(
            "GET /api/v1/sites",
            "GET /api/v1/sites/{site_id}",
            "GET /api/v1/spacecraft",
            "GET /api/v1/spacecraft/{spacecraft_id}",
            "GET /api/v1/spacecraft/{spacecraft_id}/tle",
            "GET /api/v1/spacecraft/{spacecraft_id}/service-types/{service_type}/services",
            "GET /api/v1/spacecraft/{spacecraft_id}/service-types/{service_type}/services/{service_id}",
        ),
        tables={"catalog": "read", "identity": "read"},
    ),
    FunctionSpec(
        name="spacego_contacts",
        surface="spacego",
        description="Space Go contacts, availability and post-contact reports on the antenna-time ledger",
        routes=routes(
            "GET /api/v1/contacts",
            "POST /api/v1/contacts",
            "GET /api/v1/contacts/availability",
            "GET /api/v1/contacts/{contact_id}",
            "DELETE /api/v1/contacts/{contact_id}",
            "GET /api/v1/post-contact-reports/{contact_id}",
        ),
        tables={"catalog": "read", "identity": "read", "ledger": "write"},
        needs_orbit_layer=True,
        memory_mb=1769,
    ),
    FunctionSpec(
        name="spacego_tle",
        surface="spacego",
        description="Space Go TLE upload into the satellite's element-set history",
        routes=routes("POST /api/v1/spacecraft/{spacecraft_id}/tle"),
        tables={"catalog": "write", "identity": "read"},
        needs_orbit_layer=True,
    ),
    FunctionSpec(
        name="orbapi_passes",
        surface="orbapi",
        description="orbapi pass search over the orbit core",
        routes=routes("POST /orbapi/passes/search"),
        tables={"catalog": "read", "identity": "read"},
        needs_orbit_layer=True,
        memory_mb=1769,  # one full vCPU: pass search is CPU-bound
    ),
    FunctionSpec(
        name="orbapi_bookings",
        surface="orbapi",
        description="orbapi bookings on the antenna-time ledger",
        routes=routes("POST /orbapi/bookings", "GET /orbapi/bookings", "DELETE /orbapi/bookings/{bookingId}"),
        tables={"catalog": "read", "identity": "read", "ledger": "write", "idempotency": "write"},
        needs_orbit_layer=True,
        memory_mb=1769,
    ),
    FunctionSpec(
        name="orbapi_profiles",
        surface="orbapi",
        description="orbapi mission profiles",
        routes=routes(
            "POST /orbapi/satellites/id/{noradId}/profiles",
            "GET /orbapi/satellites/id/{noradId}/profiles",
            "GET /orbapi/satellites/profiles/{profileId}",
            "DELETE /orbapi/satellites/profiles/{profileId}",
        ),
        tables={"catalog": "read", "identity": "read", "profiles": "write"},
    ),
    FunctionSpec(
        name="admin_tokens",
        surface="admin",
        description="administration of dsn_live_ API tokens",
        routes=routes("POST /admin/api-tokens", "GET /admin/api-tokens", "DELETE /admin/api-tokens/{tokenId}"),
        tables={"identity": "write"},
    ),
    FunctionSpec(
        name="ssa_core",
        surface="ssa",
        description="SSA backend root and health",
        routes=routes("GET /", "GET /health"),
        tables={"catalog": "read", "identity": "read"},
    ),
)


def function(name: str) -> FunctionSpec:
    for spec in FUNCTIONS:
        if spec.name == name:
            return spec
    raise KeyError(name)


def table(key: str) -> TableSpec:
    for spec in TABLES:
        if spec.key == key:
            return spec
    raise KeyError(key)
