"""Demo data: real stations, real TLEs and real news metadata, loaded through the same use cases as the CLI:
element sets and SATCAT records through the catalogue's ingestion (``CatalogIngestion``), the rest through
``CatalogService``'s imports."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from shared.catalog.importer import import_news
from shared.domain.catalog.documents import read_element_sets, read_satcat
from shared.domain.catalog.ingestion import CatalogIngestion, OnAdvanced
from shared.domain.catalog.models import ImportReport
from shared.domain.catalog.ports import BulkCatalogStore
from shared.domain.catalog.service import CatalogService
from shared.domain.news.ports import NewsStore

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo_data"

# The demo element sets are a snapshot, months old, and cannot be refreshed offline: the local runtime (and the
# tests that book on them) relax the booking limit to this age, in days, for the demo catalogue
# (``GROUNDLINK_TLE_DEMO_MAX_AGE_DAYS``); every freshness warning then says so.
DEMO_TLE_MAX_AGE_DAYS = 3650.0
DEMO_TLE_ENV = {"GROUNDLINK_TLE_DEMO_MAX_AGE_DAYS": f"{DEMO_TLE_MAX_AGE_DAYS:g}"}


def seed_demo(repo: BulkCatalogStore, directory: Path = DEMO_DIR, news_repo: NewsStore | None = None, *,
              on_advanced: OnAdvanced | None = None) -> list[ImportReport]:
    """``news_repo`` defaults to the configured news repository (the same DynamoDB as ``repo``)."""
    if news_repo is None:
        from shared.adapters.dynamo.news import news_repository

        news_repo = news_repository()

    def read(name: str) -> Any:
        return json.loads((directory / name).read_text())

    catalog = CatalogService(repo)
    ingestion = CatalogIngestion(repo, on_advanced=on_advanced)
    tle_path, satcat_path = directory / "satellites.tle", directory / "satcat.csv"
    document = read_element_sets("tle", str(tle_path), tle_path.read_bytes())
    sets = ingestion.ingest_parsed(document.parsed, source="celestrak-snapshot", labels=document.labels)
    satcat = ingestion.ingest_satcat(read_satcat(str(satcat_path), satcat_path.read_bytes()), source="satcat")

    def reported(done: Any) -> ImportReport:
        return ImportReport(done.kind, stored=done.stored, current=len(done.advanced), duplicates=done.unchanged,
                            errors=[str(r) for r in done.rejected])

    return [
        catalog.import_stations(read("stations.json")),
        reported(sets),
        reported(satcat),
        catalog.import_satellites(read("satellite_catalog.json")),
        catalog.import_transmitters(read("transmitters.json")),
        catalog.import_spacecraft(read("spacecraft.json")),
        import_news(news_repo, read("news.json")),
    ]


def element_set_ages(repo: BulkCatalogStore, now: datetime) -> tuple[float, float] | None:
    """The youngest and oldest age, in days, of the current element sets in the catalogue (None without any)."""
    ages = [(now - s.tle.epoch).total_seconds() / 86_400 for s in repo.list_satellites() if s.tle is not None]
    return (min(ages), max(ages)) if ages else None
