"""The catalogue and the news, assembled with their DynamoDB stores."""

from __future__ import annotations

from shared.domain.catalog.freshness import FreshnessPolicy
from shared.domain.catalog.ingestion import CatalogIngestion
from shared.domain.catalog.refresh import CatalogRefresh
from shared.domain.catalog.service import CatalogService
from shared.domain.news.service import NewsService
from shared.observability import logger


def freshness_policy() -> FreshnessPolicy:
    """The deployment's element-set freshness thresholds (``GROUNDLINK_TLE_*_AGE_DAYS``)."""
    from shared.settings import get_settings

    return get_settings().freshness_policy()


async def catalog_service() -> CatalogService:
    """The catalogue use cases (a route dependency: ``shared.surfaces.catalog_service.Catalog``). It only
    assembles objects (no read), so ``async``: FastAPI runs it on the event loop, not in a worker thread."""
    from shared.adapters.dynamo.catalog import catalog_repository

    return CatalogService(catalog_repository(), freshness_policy())


def after_new_elements(norad_ids: set[int]) -> None:
    """What depends on orbits once element sets advanced (CLI imports, the scheduled refresh and demo seeding all
    pass through here): the future reservations of those satellites, predicted again in one call for the whole
    import. Reservations moved to review are named on stderr (the CLI's stdout is its report)."""
    import sys

    from shared.wiring.ledger import recheck_after_new_elements

    if not norad_ids:
        return
    done = recheck_after_new_elements(norad_ids)
    logger.info("element sets advanced; reservations rechecked", extra={
        "satellites": len(norad_ids), "review": len(done.review), "confirmed": len(done.confirmed),
        "unchecked": done.unchecked})
    if done.review or done.confirmed or done.unchecked:
        print(f"groundlink: reservations rechecked against the new element sets: {len(done.review)} moved to "
              f"review {done.review}, {len(done.confirmed)} confirmed again, {done.unchecked} left unchecked",
              file=sys.stderr)


def catalog_ingestion() -> CatalogIngestion:
    from shared.adapters.dynamo.catalog import catalog_repository

    return CatalogIngestion(catalog_repository(), on_advanced=after_new_elements)


def _spacetrack_client() -> object:
    """Space-Track's client with the deployment's credentials: the secret (``GROUNDLINK_SPACETRACK_SECRET_ARN``,
    JSON ``{"identity", "password"}``) in AWS, else ``GROUNDLINK_SPACETRACK_IDENTITY`` / ``_PASSWORD``."""
    import json

    from shared.adapters.spacetrack import SpaceTrackClient
    from shared.aws import client
    from shared.domain.errors import Unavailable
    from shared.settings import get_settings

    settings = get_settings()
    identity = settings.spacetrack_identity or ""
    password = settings.spacetrack_password.get_secret_value() if settings.spacetrack_password else ""
    if settings.spacetrack_secret_arn:
        try:
            secret = json.loads(client("secretsmanager").get_secret_value(
                SecretId=settings.spacetrack_secret_arn)["SecretString"])
            identity, password = str(secret["identity"]), str(secret["password"])
        except Exception as exc:  # unreadable, not JSON, keys missing: the refresh reports it
            raise Unavailable(f"spacetrack:gp: the Space-Track secret cannot be used ({type(exc).__name__})") from None
    if not identity or not password:
        raise Unavailable("spacetrack:gp: Space-Track credentials are not configured")
    return SpaceTrackClient(identity, password, url=settings.spacetrack_url, timeout_s=60.0)


def catalog_refresh() -> CatalogRefresh:
    """The scheduled refresh over the configured sources (``GROUNDLINK_REFRESH_SOURCES``)."""
    from shared.adapters.catalogue_sources import parse_sources
    from shared.settings import get_settings

    return CatalogRefresh(catalog_ingestion(), parse_sources(get_settings().refresh_sources, _spacetrack_client))


def news_service() -> NewsService:
    from shared.adapters.dynamo.news import news_repository

    return NewsService(news_repository())



def database_status() -> str:
    """Really touches DynamoDB: a consistent read of a key in the catalogue table."""
    try:
        from shared.adapters.dynamo.base import table_name
        from shared.aws import client

        client("dynamodb").get_item(
            TableName=table_name("catalog"),
            Key={"pk": {"S": "HEALTH#probe"}, "sk": {"S": "META"}},
            ConsistentRead=True,
        )
        return "healthy"
    except Exception as exc:  # any failure of the dependency is reported, not raised
        logger.warning("database health check failed", extra={"error": str(exc)})
        return "unhealthy"
