"""The bulk side of the catalogue store (``shared.domain.catalog.ports.BulkCatalogStore``): one behaviour on DynamoDB
(moto) and in memory — current sets read once, history written in batches, the current set advanced only when newer,
descriptive fields upserted, the listing published and read back with single writes overlaid."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.memory.catalog import InMemoryCatalogStore
from shared.domain.catalog.ingestion import element_set_key
from shared.domain.catalog.models import ElementSetRecord, Satellite
from shared.domain.catalog.ports import BulkCatalogStore
from tests.contract.conftest import catalog_store
from tests.contract.test_catalog_store import EPOCH

L1 = "1 25544U 98067A   26107.16713328  .00006923  00000+0  13461-3 0  9994"


@pytest.fixture(params=["dynamo", "memory"])
def store(request: pytest.FixtureRequest) -> Iterator[BulkCatalogStore]:
    with catalog_store("memory" if request.param == "memory" else "dynamo", 0) as store:
        yield store


def record(norad_id: int, days: float = 0, tail: str = "0") -> ElementSetRecord:
    return ElementSetRecord(norad_id=norad_id, name=f"SAT {norad_id}", line1=L1.replace("25544", f"{norad_id:05d}"),
                            line2=f"2 {norad_id:05d} {tail}", epoch=EPOCH + timedelta(days=days), source="bulk",
                            uploaded_by="ops", uploaded_at=EPOCH)


def test_history_in_batches_then_current_only_when_newer(store: BulkCatalogStore) -> None:
    assert store.load_current() == {}
    first = [record(n) for n in range(1, 60)]
    store.put_history(first)
    assert store.advance_current(first) == set(range(1, 60))
    current = store.load_current()
    assert current[7] == element_set_key(first[6]) and len(current) == 59
    sat = store.get_satellite(7)
    assert sat is not None and sat.tle is not None and sat.tle.epoch == EPOCH
    assert (sat.name, sat.status, sat.cospar_id) == ("SAT 7", "alive", "1998-067A")  # COSPAR id from line 1

    older, newer = record(7, days=-1, tail="old"), record(8, days=1, tail="new")
    store.put_history([older, newer])
    assert store.advance_current([older, newer]) == {8}  # an older set never becomes current
    assert store.get_satellite(7).tle.epoch == EPOCH and store.get_satellite(8).tle.line2.endswith("new")
    assert [h.epoch for h in store.element_set_history(7)] == [EPOCH - timedelta(days=1), EPOCH]


def test_stored_history_keys_names_what_is_already_there(store: BulkCatalogStore) -> None:
    kept, fresh = record(1), record(1, days=-2, tail="x")
    store.put_history([kept])
    assert store.stored_history_keys([kept, fresh]) == {(1, element_set_key(kept))}


def other_writer(store: BulkCatalogStore) -> BulkCatalogStore:
    """Another function's view of the same catalogue (the same object in memory)."""
    if isinstance(store, InMemoryCatalogStore):
        return store
    from shared.adapters.dynamo.catalog import DynamoCatalogRepository

    return DynamoCatalogRepository(cache_ttl_s=0)


@pytest.fixture
def racing(store: BulkCatalogStore, monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], object]], None]:
    """``racing(write)``: ``write()`` runs just before the bulk session's next batch of satellite rows is written (on
    DynamoDB: after the session read the rows, before its unconditional BatchWriteItem lands — the race the
    session must repair); in memory, just before ``advance_current`` / ``upsert_satellites``."""
    def arm(write: Callable[[], object]) -> None:
        if isinstance(store, InMemoryCatalogStore):
            for name in ("advance_current", "upsert_satellites"):
                real = getattr(store, name)

                def raced(items: Any, real: Any = real, name: str = name) -> Any:
                    monkeypatch.setattr(store, name, real)
                    write()
                    return real(items)

                monkeypatch.setattr(store, name, raced)
            return
        from shared.adapters.dynamo import catalog as adapter

        real_put = adapter.batch_put

        def raced_put(table: str, items: list[dict[str, Any]]) -> None:
            if items and items[0]["pk"]["S"] == "SATELLITE":
                monkeypatch.setattr(adapter, "batch_put", real_put)
                write()
            real_put(table, items)

        monkeypatch.setattr(adapter, "batch_put", raced_put)

    return arm


def current_line2(store: BulkCatalogStore, norad_id: int) -> str:
    sat = store.get_satellite(norad_id)
    assert sat is not None and sat.tle is not None
    return sat.tle.line2


def test_a_newer_set_stored_while_a_bulk_session_writes_is_current_when_it_ends(
        store: BulkCatalogStore, racing: Callable[[Callable[[], object]], None]) -> None:
    base = record(5)
    store.put_history([base])
    store.advance_current([base])
    racing(lambda: other_writer(store).add_element_set(record(5, days=2, tail="concurrent")))
    with store.bulk_session():
        store.load_current()  # the bulk run reads the row; the newer set is stored before its batch lands
        late = record(5, days=1, tail="bulk")
        store.put_history([late])
        store.advance_current([late])
    assert current_line2(store, 5).endswith("concurrent")
    assert [h.line2.split(" ", 2)[2] for h in store.element_set_history(5)] == ["0", "bulk", "concurrent"]
    store.publish_snapshot()  # and the listing says the same
    assert {s.norad_id: s for s in store.list_satellites()}[5].tle.line2.endswith("concurrent")


def test_a_set_stored_meanwhile_that_is_older_than_the_bulk_one_stays_history(
        store: BulkCatalogStore, racing: Callable[[Callable[[], object]], None]) -> None:
    base = record(6)
    store.put_history([base])
    store.advance_current([base])
    racing(lambda: other_writer(store).add_element_set(record(6, days=1, tail="single")))
    with store.bulk_session():
        store.load_current()
        late = record(6, days=3, tail="bulk")
        store.put_history([late])
        store.advance_current([late])
    assert current_line2(store, 6).endswith("bulk")
    assert len(store.element_set_history(6)) == 3


def test_descriptive_fields_written_while_a_bulk_session_writes_are_kept(
        store: BulkCatalogStore, racing: Callable[[Callable[[], object]], None]) -> None:
    base = record(7)
    store.put_history([base])
    store.advance_current([base])
    racing(lambda: other_writer(store).upsert_satellite(Satellite(norad_id=7, name="SAT 7", operator="single write")))
    with store.bulk_session():
        store.load_current()
        late = record(7, days=1, tail="bulk")
        store.put_history([late])
        assert store.advance_current([late]) == {7}
    sat = store.get_satellite(7)
    assert sat is not None and sat.operator == "single write" and sat.tle is not None
    assert sat.tle.line2.endswith("bulk")


def test_a_single_write_after_the_session_is_not_undone(store: BulkCatalogStore) -> None:
    base = record(8)
    store.put_history([base])
    store.advance_current([base])
    with store.bulk_session():
        store.load_current()
        late = record(8, days=1, tail="bulk")
        store.put_history([late])
        store.advance_current([late])
        other_writer(store).upsert_satellite(Satellite(norad_id=8, name="SAT 8", operator="after"))
        other_writer(store).add_element_set(record(8, days=0.5, tail="older, after"))
    sat = store.get_satellite(8)
    assert sat is not None and sat.operator == "after" and sat.tle is not None and sat.tle.line2.endswith("bulk")


def test_one_bulk_session_at_a_time(store: BulkCatalogStore) -> None:
    second = other_writer(store)
    events: list[str] = []

    def run_second() -> None:
        with second.bulk_session():
            events.append("second in")

    with store.bulk_session():
        waiting = threading.Thread(target=run_second)
        waiting.start()
        time.sleep(1.5)  # longer than the lease poll
        events.append("first out")
    waiting.join(timeout=30)
    assert events == ["first out", "second in"]


def test_upserts_keep_the_current_set_and_the_listing_sees_every_write(store: BulkCatalogStore) -> None:
    sets = [record(n) for n in (1, 2, 3)]
    store.put_history(sets)
    store.advance_current(sets)
    store.publish_snapshot()
    store.load_current()
    store.upsert_satellites([Satellite(norad_id=2, name="SAT 2", status="re-entered", decay_date="2026-05-01"),
                             Satellite(norad_id=9, name="NEW", object_type="DEB", status="dead")])
    store.publish_snapshot()
    store.upsert_satellite(Satellite(norad_id=3, name="SAT 3", operator="single write after the snapshot"))
    listing = {s.norad_id: s for s in store.list_satellites()}
    assert sorted(listing) == [1, 2, 3, 9]
    assert (listing[2].status, listing[2].decay_date, listing[2].tle is not None) == ("re-entered", "2026-05-01", True)
    assert listing[9].tle is None and listing[9].object_type == "DEB"
    assert listing[3].operator == "single write after the snapshot" and listing[3].tle is not None


def test_rows_written_in_the_earlier_layout_still_read(store: BulkCatalogStore) -> None:
    """Satellite rows holding their element set as a map and history rows holding each field (the layout before
    the compact one) read as before, and a bulk run moves them on."""
    if isinstance(store, InMemoryCatalogStore):
        pytest.skip("a DynamoDB row layout")
    from shared.adapters.dynamo.base import ddb, serialize

    old = record(11)
    body = old.model_dump(mode="json")
    table = store.table  # type: ignore[attr-defined]
    ddb().put_item(TableName=table, Item=serialize({"pk": "ELSET#000000011", "sk": element_set_key(old), **body}))
    ddb().put_item(TableName=table, Item=serialize({
        "pk": "SATELLITE", "sk": "000000011", "norad_id": 11, "name": "SAT 11", "names": "SAT 11", "status": "alive",
        "tle": body, "tle_epoch": old.epoch.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "rev": 1}))
    assert store.get_satellite(11).tle == old
    assert store.element_set_history(11) == [old]
    assert store.load_current() == {11: element_set_key(old)}
    store.publish_snapshot()
    assert [s.tle for s in store.list_satellites()] == [old]
    new = record(11, days=1, tail="new")
    with store.bulk_session():
        store.load_current()
        store.put_history([new])
        assert store.advance_current([new]) == {11}
    assert store.get_satellite(11).tle == new and store.element_set_history(11) == [old, new]
    # what the bulk run wrote is the compact layout: the set as one string, a history row as three attributes
    row = ddb().get_item(TableName=table, Key={"pk": {"S": "SATELLITE"}, "sk": {"S": "000000011"}})["Item"]
    assert "S" in row["tle"] and row["tle_epoch"]["S"].startswith(new.epoch.strftime("%Y-%m-%dT%H:%M:%S"))
    history = ddb().get_item(TableName=table, Key={"pk": {"S": "ELSET#000000011"},
                                                   "sk": {"S": element_set_key(new)}})["Item"]
    assert sorted(history) == ["pk", "r", "sk"]


def test_the_published_listing_holds_what_a_lookup_validates(store: BulkCatalogStore) -> None:
    """The snapshot's rows are built without validation: each must be the very satellite a lookup validates."""
    sets = [record(n, days=n / 10) for n in (21, 22)]
    store.put_history(sets)
    store.advance_current(sets)
    store.upsert_satellites([Satellite(norad_id=22, name="SAT 22", operator="ops", dry_mass_kg=12.5)])
    store.publish_snapshot()
    listed = {s.norad_id: s for s in store.list_satellites()}
    for norad_id in (21, 22):
        looked_up = store.get_satellite(norad_id)
        assert listed[norad_id] == looked_up
        assert listed[norad_id].model_dump(mode="json") == looked_up.model_dump(mode="json")
    assert listed[22].dry_mass_kg == 12.5 and listed[22].tle.epoch == sets[1].epoch
