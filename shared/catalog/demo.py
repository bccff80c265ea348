"""Demo data: real stations, real TLEs and real news metadata, loaded through the same import use cases
as the CLI (``CatalogService``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.catalog.importer import import_news
from shared.domain.catalog.models import ImportReport
from shared.domain.catalog.ports import CatalogStore
from shared.domain.catalog.service import CatalogService
from shared.domain.news.ports import NewsStore

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo_data"


def seed_demo(repo: CatalogStore, directory: Path = DEMO_DIR,
              news_repo: NewsStore | None = None) -> list[ImportReport]:
    """``news_repo`` defaults to the configured news repository (the same DynamoDB as ``repo``)."""
    if news_repo is None:
        from shared.adapters.dynamo.news import news_repository

        news_repo = news_repository()

    def read(name: str) -> Any:
        return json.loads((directory / name).read_text())

    catalog = CatalogService(repo)
    return [
        catalog.import_stations(read("stations.json")),
        catalog.import_tle_text((directory / "satellites.tle").read_text(), source="celestrak-snapshot"),
        catalog.import_satellites(read("satellite_catalog.json")),
        catalog.import_transmitters(read("transmitters.json")),
        catalog.import_spacecraft(read("spacecraft.json")),
        import_news(news_repo, read("news.json")),
    ]
