"""Settings, parsed once from the environment (prefix ``GROUNDLINK_``).

A plain pydantic model read from ``os.environ`` as pydantic-settings would read it (the prefix, names in any case,
values validated by the field types, keyword arguments over the environment), without pydantic-settings itself:
importing it costs ≈25 ms of every cold start (all its sources, the command-line one included), for nothing a
``GROUNDLINK_*`` variable needs.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from shared.domain.catalog.freshness import DEFAULT_MAX_AGE_DAYS, DEFAULT_WARN_AGE_DAYS, FreshnessPolicy
from shared.resources import BUCKETS, TABLES, BucketSpec, TableSpec

LOCAL_JWT_SECRET = "groundlink-local-development-signing-key-not-for-production"
LOCAL_WEBHOOK_KEY = "groundlink-local-development-webhook-key-not-for-production"


ENV_PREFIX = "GROUNDLINK_"
_DERIVED = frozenset({"tables", "buckets"})  # from each resource spec's own variable, not GROUNDLINK_TABLES


def _from_environ(fields: dict[str, Any]) -> dict[str, str]:
    """The ``GROUNDLINK_<FIELD>`` variables (any case) naming a field, by field name."""
    values = {}
    for name, value in os.environ.items():
        if name.upper().startswith(ENV_PREFIX):
            field_name = name[len(ENV_PREFIX):].lower()
            if field_name in fields and field_name not in _DERIVED:
                values[field_name] = value
    return values


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    def __init__(self, **values: Any) -> None:
        super().__init__(**{**_from_environ(type(self).model_fields), **values})

    environment: str = "local"
    region: str = Field(default="us-east-1")
    aws_endpoint_url: str | None = None  # moto server locally; unset in AWS
    function_timeout_s: float = 29.0  # this function's Lambda timeout (set by the CDK app): sizes SDK retries

    jobs_state_machine_arn: str | None = None

    station_online_threshold_s: float = 120.0  # a station polled the broker within this long: online
    # Reservation lifecycle: a station may report a contact up to this long after its window ended (then it is
    # FAIL); the local runtime moves reservations every lifecycle_tick_s (AWS: the one-minute sweep rule).
    report_grace_s: float = Field(default=900.0, ge=0)
    lifecycle_tick_s: float = Field(default=5.0, gt=0)
    orbit_recheck_deadline_s: float = Field(default=10.0, gt=0)  # an element-set upload waits this long at most
    presigned_url_ttl_s: int = 3600  # uplink GET URLs handed to stations

    jwt_secret: str | None = None  # local signing key; in AWS the key comes from Secrets Manager
    jwt_secret_arn: str | None = None
    jwt_issuer: str = "groundlink"
    access_token_ttl_s: int = 3600
    refresh_token_ttl_s: int = 7 * 24 * 3600

    # Space-Track (maneuver detection's force_data_source "spacetrack"): used only when both credentials are set
    spacetrack_identity: str | None = None
    spacetrack_password: SecretStr | None = None
    spacetrack_url: str = "https://www.space-track.org"
    spacetrack_timeout_s: float = 10.0

    # Domain events and webhooks
    event_bus_name: str = Field(default="groundlink-events")  # GROUNDLINK_EVENT_BUS_NAME (EVENT_BUS.env_var)
    webhook_key: SecretStr | None = None  # local key encrypting webhook secrets; in AWS from Secrets Manager
    webhook_key_arn: str | None = None
    webhook_deliveries_queue: str | None = None  # the deliveries queue's URL (QueueSpec.env_var)
    webhook_retry_base_s: int = 30  # first retry delay; doubles per attempt, at most 900 s
    webhook_disable_after: int = 8  # consecutive failed attempts that disable a webhook
    webhook_timeout_s: float = 10.0  # one POST's connect + read timeout

    # The scheduled catalogue refresh: whitespace/comma-separated "<kind>:<url>" (kind tle, omm or satcat) and
    # "spacetrack:gp"; Space-Track's credentials in AWS come from the secret (JSON {"identity", "password"}).
    refresh_sources: str = "omm:https://celestrak.org/NORAD/elements/gp.php?GROUP=active&FORMAT=json"
    spacetrack_secret_arn: str | None = None
    refresh_every_s: float = 0.0  # the local runtime's refresh timer; 0: off (in AWS an EventBridge schedule)

    catalog_cache_ttl_s: float = 5.0  # in-memory TTL for catalogue reads (0 disables)

    # Element-set freshness (shared/domain/catalog/freshness.py): answers warn past the first age, bookings and
    # contacts are refused past the second; the local runtime relaxes the second for its demo catalogue.
    tle_warn_age_days: float = Field(default=DEFAULT_WARN_AGE_DAYS, gt=0)
    tle_max_age_days: float = Field(default=DEFAULT_MAX_AGE_DAYS, gt=0)
    tle_demo_max_age_days: float | None = Field(default=None, gt=0)

    def freshness_policy(self) -> FreshnessPolicy:
        return FreshnessPolicy.configured(self.tle_warn_age_days, self.tle_max_age_days, self.tle_demo_max_age_days)

    version: str = "1.0.0"

    # Physical names of the tables and buckets of shared/resources.py, read once with the other settings:
    # each from its spec's variable (GROUNDLINK_<KEY>_TABLE / _BUCKET, set by the CDK app and the local
    # runtime), else the spec's local name. There is no second list of them.
    tables: dict[str, str] = Field(default_factory=lambda: _names(TABLES), exclude=True)
    buckets: dict[str, str] = Field(default_factory=lambda: _names(BUCKETS), exclude=True)

    def table_name(self, key: str) -> str:
        return self.tables[key]

    def bucket_name(self, key: str) -> str:
        return self.buckets[key]


def _names(specs: tuple[TableSpec, ...] | tuple[BucketSpec, ...]) -> dict[str, str]:
    return {spec.key: os.environ.get(spec.env_var) or spec.local_name for spec in specs}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
