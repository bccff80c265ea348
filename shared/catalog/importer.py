"""Loading the catalogue the way an operator does (the CLI's ``groundlink import-…``): thin entry points
over ``shared.domain.catalog.service.CatalogService``, where the import use cases live, plus news.

Kept under this name for the CLI and the tests that import it; the catalogue parts delegate.
"""

from __future__ import annotations

import json
from typing import Any

from shared.domain.catalog.models import ImportReport
from shared.domain.catalog.ports import CatalogStore
from shared.domain.catalog.service import CatalogService, element_set_record
from shared.domain.news.ports import NewsStore
from shared.domain.news.service import NewsService

__all__ = [
    "ImportReport",
    "element_set_record",
    "import_news",
    "import_omm_json",
    "import_satellite_catalog",
    "import_spacecraft",
    "import_stations",
    "import_tle_text",
    "import_transmitters",
    "load_json",
]


def import_tle_text(repo: CatalogStore, text: str, *, source: str = "import",
                    uploaded_by: str = "system") -> ImportReport:
    return CatalogService(repo).import_tle_text(text, source=source, uploaded_by=uploaded_by)


def import_omm_json(repo: CatalogStore, data: Any, *, source: str = "import",
                    uploaded_by: str = "system") -> ImportReport:
    return CatalogService(repo).import_omm_json(data, source=source, uploaded_by=uploaded_by)


def import_stations(repo: CatalogStore, items: Any) -> ImportReport:
    return CatalogService(repo).import_stations(items)


def import_transmitters(repo: CatalogStore, items: Any) -> ImportReport:
    return CatalogService(repo).import_transmitters(items)


def import_spacecraft(repo: CatalogStore, items: Any) -> ImportReport:
    return CatalogService(repo).import_spacecraft(items)


def import_satellite_catalog(repo: CatalogStore, items: Any) -> ImportReport:
    return CatalogService(repo).import_satellites(items)


def import_news(repo: NewsStore, items: Any) -> ImportReport:
    """News articles (JSON list in the SSA item shape) through the news use case
    (``NewsService.import_articles``), reported like the catalogue's imports."""
    report = ImportReport("news")
    if not isinstance(items, list):
        report.errors.append(f"expected a JSON list of news, got {type(items).__name__}")
        return report
    done = NewsService(repo).import_articles(items)
    report.stored, report.duplicates, report.errors = done.stored, done.duplicates, list(done.errors)
    return report


def load_json(text: str) -> Any:
    return json.loads(text)
