"""The scheduled refresh of the catalogue: every configured source pulled and ingested through the one
ingestion use case (``ingestion.CatalogIngestion``).

A source that cannot be fetched, or whose document is refused as a whole, leaves the catalogue as it was
and is reported as a failure (``failures``: the source and the reason); the other sources are still
ingested. The run's figures (stored, unchanged, rejected, the newest epoch's age) are per source and
summed; the caller publishes them and fails the run when any source failed, so the failure is visible
(alarm, dead-letter queue) and the next attempt pulls again — ingesting the same documents again changes
nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.domain.catalog.documents import read_element_sets, read_satcat
from shared.domain.catalog.ingestion import CatalogIngestion, IngestReport
from shared.domain.catalog.ports import CatalogueSource
from shared.domain.errors import DomainError


@dataclass
class RefreshRun:
    started_at: datetime
    reports: list[IngestReport] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # "<source>: <reason>"

    @property
    def stored(self) -> int:
        return sum(r.stored for r in self.reports)

    @property
    def unchanged(self) -> int:
        return sum(r.unchanged for r in self.reports)

    @property
    def rejected(self) -> int:
        return sum(len(r.rejected) for r in self.reports)

    @property
    def advanced(self) -> set[int]:
        return set().union(*(r.advanced for r in self.reports)) if self.reports else set()

    @property
    def newest_epoch(self) -> datetime | None:
        epochs = [r.newest_epoch for r in self.reports if r.newest_epoch is not None]
        return max(epochs) if epochs else None

    def newest_epoch_age_h(self) -> float | None:
        newest = self.newest_epoch
        return None if newest is None else (self.started_at - newest).total_seconds() / 3600.0

    def as_dict(self) -> dict[str, Any]:
        age = self.newest_epoch_age_h()
        return {"stored": self.stored, "unchanged": self.unchanged, "rejected": self.rejected,
                "current": len(self.advanced), "newestEpochAgeHours": None if age is None else round(age, 2),
                "failures": list(self.failures), "sources": [r.as_dict() | {"errors": r.as_dict()["errors"][:20]}
                                                              for r in self.reports]}


class CatalogRefresh:
    def __init__(self, ingestion: CatalogIngestion, sources: Sequence[CatalogueSource]) -> None:
        self.ingestion = ingestion
        self.sources = list(sources)

    def run(self, *, now: datetime | None = None) -> RefreshRun:
        run = RefreshRun(started_at=now or datetime.now(UTC))
        for source in self.sources:
            try:
                data = source.fetch()
                if source.kind == "satcat":
                    rows = read_satcat(source.name, data)
                    run.reports.append(self.ingestion.ingest_satcat(rows, source=source.name))
                else:
                    document = read_element_sets(source.kind, source.name, data)  # type: ignore[arg-type]
                    run.reports.append(self.ingestion.ingest_parsed(document.parsed, source=source.name,
                                                                    uploaded_by="refresh", labels=document.labels))
            except DomainError as exc:
                message = exc.message if exc.message.startswith(source.name) else f"{source.name}: {exc.message}"
                run.failures.append(message)
        return run
