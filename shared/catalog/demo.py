"""Demo data: real stations, real TLEs and real news metadata, loaded through the same import code as the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from shared.adapters.dynamo.catalog import CatalogRepository
from shared.adapters.dynamo.news import NewsRepository
from shared.catalog.importer import (
    ImportReport,
    import_news,
    import_satellite_catalog,
    import_spacecraft,
    import_stations,
    import_tle_text,
    import_transmitters,
)

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo_data"


def seed_demo(repo: CatalogRepository, directory: Path = DEMO_DIR,
              news_repo: NewsRepository | None = None) -> list[ImportReport]:
    """``news_repo`` defaults to the configured news repository (the same DynamoDB as ``repo``)."""
    if news_repo is None:
        from shared.adapters.dynamo.news import news_repository

        news_repo = news_repository()

    def read(name: str):
        return json.loads((directory / name).read_text())

    return [
        import_stations(repo, read("stations.json")),
        import_tle_text(repo, (directory / "satellites.tle").read_text(), source="celestrak-snapshot"),
        import_satellite_catalog(repo, read("satellite_catalog.json")),
        import_transmitters(repo, read("transmitters.json")),
        import_spacecraft(repo, read("spacecraft.json")),
        import_news(news_repo, read("news.json")),
    ]
