"""Loading the catalogue the way an operator does: TLE/3LE/OMM files, station and transmitter JSON, news.

The CLI (``groundlink import-…``) and the local runtime's demo seeding both come through here.
Element sets are parsed by the orbit core (``groundlink_orbit``); each bad set is reported on its own
and the good ones are still stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from shared.adapters.dynamo.catalog import CatalogRepository
from shared.adapters.dynamo.news import NewsRepository
from shared.domain.catalog.models import ElementSetRecord, Satellite, Spacecraft, Station, Transmitter
from shared.domain.news.models import NewsArticle
from shared.errors import describe_validation


@dataclass
class ImportReport:
    kind: str
    stored: int = 0
    current: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "stored": self.stored, "current": self.current,
                "duplicates": self.duplicates, "errors": self.errors}


def element_set_record(es: Any, *, source: str, uploaded_by: str) -> ElementSetRecord:
    return ElementSetRecord(
        norad_id=es.norad_id,
        name=es.name,
        line1=es.line1,
        line2=es.line2,
        epoch=es.epoch_utc,
        source=source,
        uploaded_by=uploaded_by,
        uploaded_at=datetime.now(UTC),
    )


def _store_element_sets(repo: CatalogRepository, parsed: Any, report: ImportReport, source: str,
                        uploaded_by: str) -> ImportReport:
    for err in parsed.errors:
        report.errors.append(err.message)  # "line 6: checksum 3 != 5" / "record 2: …"
    for es in parsed.element_sets:
        outcome = repo.add_element_set(element_set_record(es, source=source, uploaded_by=uploaded_by))
        if outcome == "duplicate":
            report.duplicates += 1
        else:
            report.stored += 1
            report.current += outcome == "current"
    return report


def import_tle_text(repo: CatalogRepository, text: str, *, source: str = "import",
                    uploaded_by: str = "system") -> ImportReport:
    from groundlink_orbit import parse_tle_text

    return _store_element_sets(repo, parse_tle_text(text), ImportReport("element_sets"), source, uploaded_by)


def import_omm_json(repo: CatalogRepository, data: Any, *, source: str = "import",
                    uploaded_by: str = "system") -> ImportReport:
    from groundlink_orbit import parse_omm

    return _store_element_sets(repo, parse_omm(data), ImportReport("element_sets"), source, uploaded_by)


def _import_models(repo_put, model: type, items: Any, kind: str) -> ImportReport:
    report = ImportReport(kind)
    if not isinstance(items, list):
        report.errors.append(f"expected a JSON list of {kind}, got {type(items).__name__}")
        return report
    adapter = TypeAdapter(model)
    for i, raw in enumerate(items):
        try:
            obj = adapter.validate_python(raw)
        except ValidationError as exc:
            report.errors.append(f"item {i + 1}: {describe_validation(exc.errors())}")
            continue
        repo_put(obj)
        report.stored += 1
    return report


def import_stations(repo: CatalogRepository, items: Any) -> ImportReport:
    return _import_models(repo.put_station, Station, items, "stations")


def import_transmitters(repo: CatalogRepository, items: Any) -> ImportReport:
    return _import_models(repo.put_transmitter, Transmitter, items, "transmitters")


def import_spacecraft(repo: CatalogRepository, items: Any) -> ImportReport:
    return _import_models(repo.put_spacecraft, Spacecraft, items, "spacecraft")


def import_satellite_catalog(repo: CatalogRepository, items: Any) -> ImportReport:
    return _import_models(repo.upsert_satellite, Satellite, items, "satellites")


def import_news(repo: NewsRepository, items: Any) -> ImportReport:
    """News articles (JSON list in the SSA item shape), stored by id: re-importing an unchanged article
    counts as a duplicate and writes nothing, a changed one is updated in place."""
    report = ImportReport("news")
    if not isinstance(items, list):
        report.errors.append(f"expected a JSON list of news, got {type(items).__name__}")
        return report
    seen: set[str] = set()
    for i, raw in enumerate(items):
        try:
            article = NewsArticle.model_validate(raw)
        except ValidationError as exc:
            report.errors.append(f"item {i + 1}: {describe_validation(exc.errors())}")
            continue
        if article.id in seen:
            report.errors.append(f"item {i + 1}: id {article.id!r} appears more than once in this file")
            continue
        seen.add(article.id)
        if repo.upsert(article) == "unchanged":
            report.duplicates += 1
        else:
            report.stored += 1
    return report


def load_json(text: str) -> Any:
    return json.loads(text)
