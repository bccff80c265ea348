"""The catalogue read the jobs need (``shared.domain.jobs.ports.SatelliteCatalog.current_element_sets``): a job's
element sets read together, alike in DynamoDB (moto: BatchGetItems of 100 keys, the name and element set only)
and in memory."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.catalog.models import ElementSetRecord, Satellite
from tests.contract.conftest import catalog_store

EPOCH = datetime(2026, 4, 17, 4, 0, 40, 315000, tzinfo=UTC)


@pytest.fixture(params=["dynamo", "dynamo-uncached", "memory"])
def store(request: pytest.FixtureRequest) -> Iterator[Any]:
    kind, ttl = ("memory", 60) if request.param == "memory" else ("dynamo", 0 if "uncached" in request.param else 60)
    with catalog_store(kind, ttl) as store:
        yield store


def element_set(norad_id: int, tail: str = "0", name: str | None = None) -> ElementSetRecord:
    return ElementSetRecord(norad_id=norad_id, name=name, line1=f"1 {norad_id:05d}U ...",
                            line2=f"2 {norad_id:05d} {tail}", epoch=EPOCH, source="import", uploaded_by="ops",
                            uploaded_at=EPOCH)


def test_a_jobs_element_sets_are_read_together_as_the_satellites_hold_them(store: Any) -> None:
    # Given 130 satellites with element sets (more than one batch of 100), one without a set, one whose set has
    # no name of its own
    for norad_id in range(1, 131):
        store.add_element_set(element_set(norad_id, name=f"SET {norad_id}"))
    store.upsert_satellite(Satellite(norad_id=500, name="NO SET"))
    store.upsert_satellite(Satellite(norad_id=600, name="NAMED SATELLITE"))
    store.add_element_set(element_set(600))
    wanted = [130, *range(1, 120), 999, 500, 7, 600]  # out of order, an unknown id, a repeated one
    # When they are read together
    got = store.current_element_sets(wanted)
    # Then each satellite with a set has its current one (the unknown and the one without a set absent)
    assert sorted(got) == [*range(1, 120), 130, 600]
    for norad_id in (1, 7, 119, 130):
        sat = store.get_satellite(norad_id)
        assert got[norad_id] == sat.tle and got[norad_id].name == f"SET {norad_id}"
    # And a set without a name is named after its satellite
    assert got[600].line2 == "2 00600 0" and got[600].epoch == EPOCH and got[600].name == "NAMED SATELLITE"
    assert store.current_element_sets([]) == {} and store.current_element_sets([999, 500]) == {}


def test_a_batch_read_sees_the_processes_own_writes(store: Any) -> None:
    store.add_element_set(element_set(42))
    assert store.get_satellite(42) is not None  # now in the read cache, when there is one
    assert store.current_element_sets([42])[42].line2 == "2 00042 0"
    newer = element_set(42, "1").model_copy(update={"epoch": datetime(2026, 4, 18, tzinfo=UTC)})
    assert store.add_element_set(newer) == "current"
    assert store.current_element_sets([42])[42].line2 == "2 00042 1"  # not the cached row
    assert store.current_element_sets([42])[42].line2 == "2 00042 1"  # the batch read's own cached row
    store.add_element_set(element_set(42, "2").model_copy(update={"epoch": datetime(2026, 4, 19, tzinfo=UTC)}))
    assert store.current_element_sets([42])[42].line2 == "2 00042 2"
