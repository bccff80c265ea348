"""The ledger, files, stations and pass search, each assembled with its DynamoDB / S3 adapters.

Routers reach the services through these providers (``Depends(wiring.ledger_service)``); tests may override
them (``app.dependency_overrides``) with services built on the in-memory adapters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from shared.domain.catalog.service import CatalogService
from shared.domain.files.service import FileService
from shared.domain.ledger.lifecycle import Lifecycle
from shared.domain.ledger.service import LedgerService, RecheckReport
from shared.domain.stations.service import StationService
from shared.wiring.catalog import freshness_policy

if TYPE_CHECKING:  # the heavy modules are imported only by the functions that use them
    from shared.adapters.s3_payloads import S3PayloadStorage
    from shared.domain.scheduling.search import PassSearch
    from shared.domain.stations.ports import StationRegistryStore
    from shared.domain.stations.registry_rules import StationRules
    from shared.domain.stations.registry_service import StationRegistryService


def catalog_service() -> CatalogService:
    from shared.adapters.dynamo.catalog import catalog_repository

    return CatalogService(catalog_repository(), freshness_policy())


def lifecycle() -> Lifecycle:
    from shared.settings import get_settings

    return Lifecycle(report_grace=timedelta(seconds=get_settings().report_grace_s))


async def station_registry_store() -> StationRegistryStore:
    """The stations' registry entries (where stations are listed, the registry's extra fields come from it).
    A route dependency that only hands over the cached store, so ``async``: FastAPI runs it on the event loop
    instead of a worker thread (each sync dependency is a thread hop on every request)."""
    from shared.adapters.dynamo.stations import station_registry

    return station_registry()


def station_rules() -> StationRules:
    """The station registry's rules, reading each station's entry once (one per request)."""
    from shared.adapters.dynamo.catalog import catalog_repository
    from shared.adapters.dynamo.profiles import profiles_repository
    from shared.adapters.dynamo.stations import station_registry
    from shared.domain.stations.registry_rules import StationRules

    return StationRules(station_registry(), catalog_repository(), profiles_repository(), remember=True)


def ledger_service() -> LedgerService:
    from shared.adapters.dynamo.catalog import catalog_repository
    from shared.adapters.dynamo.ledger import ledger_store
    from shared.domain.scheduling.passes import OrbitPasses

    rules = station_rules()
    return LedgerService(ledger_store(), catalog_repository(), OrbitPasses(rules.mask), catalog_service(),
                         file_service(), freshness=freshness_policy(), lifecycle=lifecycle(), rules=rules)


def station_registry_service() -> StationRegistryService:
    """Operators' registry use cases; the ledger it holds reservations through reads the registry afresh."""
    from shared.adapters.dynamo.catalog import catalog_repository
    from shared.adapters.dynamo.ledger import ledger_store
    from shared.adapters.dynamo.profiles import profiles_repository
    from shared.adapters.dynamo.stations import station_registry
    from shared.domain.scheduling.passes import OrbitPasses
    from shared.domain.stations.registry_rules import StationRules
    from shared.domain.stations.registry_service import StationRegistryService

    rules = StationRules(station_registry(), catalog_repository(), profiles_repository())
    ledger = LedgerService(ledger_store(), catalog_repository(), OrbitPasses(rules.mask), catalog_service(),
                           file_service(), freshness=freshness_policy(), lifecycle=lifecycle(), rules=rules)
    return StationRegistryService(station_registry(), catalog_repository(), ledger)


def recheck_after_new_elements(norad_ids: Iterable[int]) -> RecheckReport:
    """Every future reservation of these satellites predicted again from their (new) current element sets: the
    one call after a Space Go TLE upload, a CLI import or a refresh, however many sets it stored. Bounded by
    ``GROUNDLINK_ORBIT_RECHECK_DEADLINE_S``."""
    from shared.observability import logger
    from shared.settings import get_settings

    ids = sorted(set(norad_ids))
    if not ids:
        return RecheckReport()
    report = ledger_service().recheck_orbits(ids, deadline_s=get_settings().orbit_recheck_deadline_s)
    logger.info("orbit recheck", extra={"norad_ids": len(ids), "checked": report.checked,
                                        "review": report.review, "confirmed": report.confirmed,
                                        "unchecked": report.unchecked})
    return report


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
                          get_settings().station_online_threshold_s, lifecycle=lifecycle())


async def pass_search() -> PassSearch:
    """The pass search over the DynamoDB catalogue and the registry's listing. A route dependency that only
    assembles objects (no read), so ``async``: run on the event loop, not in a worker thread."""
    from shared.adapters.dynamo.catalog import catalog_repository
    from shared.adapters.dynamo.profiles import profiles_repository
    from shared.adapters.dynamo.stations import station_registry
    from shared.domain.scheduling.search import PassSearch
    from shared.domain.stations.listed_reads import ListedRegistryReads
    from shared.domain.stations.registry_rules import StationRules

    # masks and windows from the registry's cached listing (as where stations are listed): a warm search reads
    # no table; bookings are checked against the registry as it is
    rules = StationRules(ListedRegistryReads(station_registry()), catalog_repository(), profiles_repository(),
                         remember=True)
    return PassSearch(catalog_repository(), freshness_policy(), rules=rules)
