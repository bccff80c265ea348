"""The catalogue and the news, assembled with their DynamoDB stores."""

from __future__ import annotations

from shared.domain.catalog.freshness import FreshnessPolicy
from shared.domain.catalog.service import CatalogService
from shared.domain.news.service import NewsService
from shared.observability import logger


def freshness_policy() -> FreshnessPolicy:
    """The deployment's element-set freshness thresholds (``GROUNDLINK_TLE_*_AGE_DAYS``)."""
    from shared.settings import get_settings

    return get_settings().freshness_policy()


def catalog_service() -> CatalogService:
    from shared.adapters.dynamo.catalog import catalog_repository

    return CatalogService(catalog_repository(), freshness_policy())


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
