"""Settings, parsed once from the environment (prefix ``GROUNDLINK_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.resources import BUCKETS, TABLES

LOCAL_JWT_SECRET = "groundlink-local-development-signing-key-not-for-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GROUNDLINK_", extra="ignore")

    environment: str = "local"
    region: str = Field(default="us-east-1")
    aws_endpoint_url: str | None = None  # moto server locally; unset in AWS

    catalog_table: str = "groundlink-catalog"
    ledger_table: str = "groundlink-ledger"
    identity_table: str = "groundlink-identity"
    idempotency_table: str = "groundlink-idempotency"
    profiles_table: str = "groundlink-profiles"
    files_table: str = "groundlink-files"
    stations_table: str = "groundlink-stations"
    jobs_table: str = "groundlink-jobs"
    news_table: str = "groundlink-news"
    jobs_state_machine_arn: str | None = None

    uplink_bucket: str = "groundlink-uplink"
    downlink_bucket: str = "groundlink-downlink"
    delivery_bucket: str = "groundlink-delivery"

    station_online_threshold_s: float = 120.0  # a station polled the broker within this long: online
    presigned_url_ttl_s: int = 3600  # uplink GET URLs handed to stations

    jwt_secret: str | None = None  # local signing key; in AWS the key comes from Secrets Manager
    jwt_secret_arn: str | None = None
    jwt_issuer: str = "groundlink"
    access_token_ttl_s: int = 3600
    refresh_token_ttl_s: int = 7 * 24 * 3600

    catalog_cache_ttl_s: float = 5.0  # in-memory TTL for catalogue reads (0 disables)

    version: str = "1.0.0"

    def table_name(self, key: str) -> str:
        return getattr(self, f"{key}_table")

    def bucket_name(self, key: str) -> str:
        return getattr(self, f"{key}_bucket")


assert {f"{t.key}_table" for t in TABLES} <= set(Settings.model_fields), "every table needs a setting"
assert {f"{b.key}_bucket" for b in BUCKETS} <= set(Settings.model_fields), "every bucket needs a setting"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
