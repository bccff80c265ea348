"""The ledger, files, stations and pass search, each assembled with its DynamoDB / S3 adapters.

Routers reach the services through these providers (``Depends(wiring.ledger_service)``); tests may override
them (``app.dependency_overrides``) with services built on the in-memory adapters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.domain.catalog.service import CatalogService
from shared.domain.files.service import FileService
from shared.domain.ledger.service import LedgerService
from shared.domain.stations.service import StationService
from shared.wiring.catalog import freshness_policy

if TYPE_CHECKING:  # the heavy modules are imported only by the functions that use them
    from shared.adapters.s3_payloads import S3PayloadStorage
    from shared.domain.scheduling.search import PassSearch


def catalog_service() -> CatalogService:
    from shared.adapters.dynamo.catalog import catalog_repository

    return CatalogService(catalog_repository(), freshness_policy())


def ledger_service() -> LedgerService:
    from shared.adapters.dynamo.catalog import catalog_repository
    from shared.adapters.dynamo.ledger import ledger_store
    from shared.domain.scheduling.passes import OrbitPasses

    return LedgerService(ledger_store(), catalog_repository(), OrbitPasses(), catalog_service(),
                         file_service(), freshness=freshness_policy())


def file_service() -> FileService:
    from shared.adapters.dynamo.files import file_store
    from shared.adapters.dynamo.ledger import ledger_store

    return FileService(file_store(), ledger_store())


def payload_storage() -> S3PayloadStorage:
    from shared.adapters.s3_payloads import S3PayloadStorage
    from shared.aws import client
    from shared.settings import get_settings

    s = get_settings()
    return S3PayloadStorage(client("s3"), s.bucket_name("uplink"), s.bucket_name("delivery"),
                           s.presigned_url_ttl_s, downlink_bucket=s.bucket_name("downlink"))


def station_service() -> StationService:
    from shared.adapters.dynamo.catalog import catalog_repository
    from shared.adapters.dynamo.ledger import ledger_store
    from shared.adapters.dynamo.stations import heartbeat_store
    from shared.settings import get_settings

    return StationService(catalog_repository(), ledger_store(), heartbeat_store(), file_service(), payload_storage(),
                          get_settings().station_online_threshold_s)


def pass_search() -> PassSearch:
    from shared.adapters.dynamo.catalog import catalog_repository
    from shared.domain.scheduling.search import PassSearch

    return PassSearch(catalog_repository(), freshness_policy())
