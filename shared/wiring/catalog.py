"""The catalogue and the news, assembled with their DynamoDB stores."""

from __future__ import annotations

from shared.domain.catalog.ingestion import CatalogIngestion
from shared.domain.catalog.service import CatalogService
from shared.domain.news.service import NewsService
from shared.observability import logger


def catalog_service() -> CatalogService:
    from shared.adapters.dynamo.catalog import catalog_repository

    return CatalogService(catalog_repository())


def after_new_elements(norad_ids: set[int]) -> None:
    """THE call site for what depends on orbits once element sets advanced (CLI imports, the scheduled
    refresh, demo seeding all pass through here). Nothing may print here: the CLI's stdout is its report.

    MERGE: call ``shared.wiring.ledger.recheck_after_new_elements(norad_ids)`` here (it re-checks booked
    contacts against the new orbits; written on another branch). Until then this only logs."""
    logger.debug("element sets advanced", extra={"satellites": len(norad_ids)})


def catalog_ingestion() -> CatalogIngestion:
    from shared.adapters.dynamo.catalog import catalog_repository

    return CatalogIngestion(catalog_repository(), on_advanced=after_new_elements)


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
