"""Demo data: real stations, real TLEs and real news metadata, loaded through the same import use cases
as the CLI (``CatalogService``)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from shared.catalog.importer import import_news
from shared.domain.catalog.models import ImportReport
from shared.domain.catalog.ports import CatalogStore
from shared.domain.catalog.service import CatalogService
from shared.domain.news.ports import NewsStore

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo_data"

# The demo element sets are a snapshot, months old, and cannot be refreshed offline: the local runtime (and the
# tests that book on them) relax the booking limit to this age, in days, for the demo catalogue
# (``GROUNDLINK_TLE_DEMO_MAX_AGE_DAYS``); every freshness warning then says so.
DEMO_TLE_MAX_AGE_DAYS = 3650.0
DEMO_TLE_ENV = {"GROUNDLINK_TLE_DEMO_MAX_AGE_DAYS": f"{DEMO_TLE_MAX_AGE_DAYS:g}"}


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


def element_set_ages(repo: CatalogStore, now: datetime) -> tuple[float, float] | None:
    """The youngest and oldest age, in days, of the current element sets in the catalogue (None without any)."""
    ages = [(now - s.tle.epoch).total_seconds() / 86_400 for s in repo.list_satellites() if s.tle is not None]
    return (min(ages), max(ages)) if ages else None
