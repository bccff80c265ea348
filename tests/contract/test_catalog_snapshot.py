"""The published satellite listing (``shared.adapters.dynamo.catalog_columns``): its body round-trips the stored
rows, a listing published in the earlier format still reads (and the next bulk run republishes it in columns), and
the searches over its columns see single writes made since it was published, as the in-memory store does."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from moto import mock_aws

from shared.adapters.memory.catalog import InMemoryCatalogStore
from shared.domain.catalog.models import ElementSetRecord, Satellite
from shared.domain.catalog.ports import BulkCatalogStore, SatelliteColumns
from shared.domain.catalog.service import OFFICIAL_NAME, CatalogService
from tests.contract.test_catalog_bulk import record
from tests.contract.test_catalog_store import EPOCH


@pytest.fixture
def dynamo() -> Iterator[BulkCatalogStore]:
    from infra.local.emulation import create_resources
    from shared.adapters.dynamo.catalog import DynamoCatalogRepository
    from shared.aws import client, reset_clients

    with mock_aws():
        reset_clients()
        create_resources(client("dynamodb"))
        yield DynamoCatalogRepository(cache_ttl_s=0)
    reset_clients()


@pytest.fixture(params=["dynamo", "memory"])
def store(request: pytest.FixtureRequest) -> Iterator[BulkCatalogStore]:
    if request.param == "memory":
        yield InMemoryCatalogStore()
    else:
        yield request.getfixturevalue("dynamo")


def test_the_body_round_trips_every_row_layout() -> None:
    from shared.adapters.dynamo.catalog_columns import compact_tle, decode_listing, encode_listing

    rec = record(5)
    rows = [
        {"norad_id": 5, "name": "SAT 5", "names": "SAT 5", "status": "alive", "rev": 2, "tle": compact_tle(rec),
         "tle_epoch": "2026-04-17T04:00:40.315392Z"},
        {"norad_id": 6, "name": "NO SET", "operator": "ops", "dry_mass_kg": 12.5, "rev": 1},
        {"norad_id": 7, "name": "OLD", "tle": rec.model_dump(mode="json") | {"norad_id": 7}, "tle_epoch": "x"},
    ]
    listing = decode_listing(encode_listing(rows))
    assert isinstance(listing, SatelliteColumns) and len(listing) == 3
    assert listing.rows() == [{**rows[0], "tle": json.loads(rows[0]["tle"])}, rows[1], rows[2]]
    assert list(listing.column("operator")) == [None, "ops", None]
    assert list(listing.column("no_such_attribute")) == [None, None, None]
    assert list(listing.has_element_set()) == [True, False, True]
    assert listing[1].dry_mass_kg == 12.5 and listing[1].tle is None
    assert listing[2].tle == ElementSetRecord.model_validate(rows[2]["tle"])
    assert listing[0].tle is not None and listing[0].tle.line1 == rec.line1
    assert len(decode_listing(encode_listing([]))) == 0


def test_a_listing_in_the_earlier_format_still_reads_and_is_republished(dynamo: BulkCatalogStore) -> None:
    from shared.adapters.dynamo.base import ddb, value
    from shared.adapters.dynamo.catalog_columns import compact_tle
    from shared.adapters.dynamo.catalog_snapshot import SNAPSHOT_META

    sets = [record(n, days=n) for n in (31, 32)]
    dynamo.put_history(sets)
    dynamo.advance_current(sets)
    table = dynamo.table  # type: ignore[attr-defined]
    old_rows = [{"norad_id": r.norad_id, "name": f"SAT {r.norad_id}", "names": "", "status": "alive", "rev": 1,
                 "tle": json.loads(compact_tle(r)), "tle_epoch": r.epoch.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                 "operator": "Old Format Ops"} for r in sets]
    body = gzip.compress(json.dumps(old_rows).encode())  # format 1: a JSON list of row objects
    ddb().put_item(TableName=table, Item={"pk": value("SNAPSHOT#old"), "sk": value("0000"), "data": {"B": body}})
    ddb().put_item(TableName=table, Item={**SNAPSHOT_META, "snapshot": value("old"), "chunks": value(1),
                                          "version": value(0)})
    listed = list(dynamo.list_satellites())
    assert [(s.norad_id, s.operator, s.tle) for s in listed] == [(31, "Old Format Ops", sets[0]),
                                                                  (32, "Old Format Ops", sets[1])]
    assert [s.norad_id for s in CatalogService(dynamo).search_satellites(country="old format ops")] == [31, 32]

    newer = record(32, days=40, tail="newer")
    with dynamo.bulk_session():
        dynamo.load_current()
        dynamo.put_history([newer])
        dynamo.advance_current([newer])
        dynamo.publish_snapshot()
    meta = dynamo.snapshots.meta()  # type: ignore[attr-defined]
    assert meta["snapshot"] != "old"
    head = gzip.decompress(dynamo.snapshots.blob(meta)).split(b"\n", 1)[0]  # type: ignore[attr-defined]
    assert json.loads(head)["format"] == 2
    assert [(s.norad_id, s.operator, s.tle.epoch if s.tle else None) for s in dynamo.list_satellites()] == [
        (31, "Old Format Ops", sets[0].epoch), (32, "Old Format Ops", newer.epoch)]


def test_searches_see_single_writes_made_since_the_listing_was_published(store: BulkCatalogStore) -> None:
    sets = [record(n) for n in (41, 43)]
    store.put_history(sets)
    store.advance_current(sets)
    store.publish_snapshot()
    store.upsert_satellite(Satellite(norad_id=43, name="SAT 43", operator="Late Ops", constellation_name="LATE"))
    store.upsert_satellite(Satellite(norad_id=42, name="Between", satellite_name_official="Official Between"))
    later = ElementSetRecord(norad_id=44, name="SAT 44", line1=sets[0].line1.replace("00041", "00044"),
                             line2="2 00044 x", epoch=EPOCH + timedelta(days=3), uploaded_at=EPOCH)
    assert store.add_element_set(later) == "current"
    catalog = CatalogService(store)
    assert [s.norad_id for s in catalog.satellites()] == [41, 42, 43, 44]
    assert [s.norad_id for s in catalog.search_satellites(country="late ops")] == [43]
    assert [s.norad_id for s in catalog.search_satellites(constellation="late")] == [43]
    assert [s.norad_id for s in catalog.find_satellites_by_text("official", OFFICIAL_NAME)] == [42]
    assert [s.norad_id for s in catalog.satellites_with_element_sets()] == [41, 43, 44]
    assert [s.norad_id for s in catalog.satellites_with_element_sets("sat 4")] == [41, 43, 44]
    assert catalog.satellites_in_order([44, 42])[0].tle == later
    assert catalog.constellations([]) == ["LATE"]  # no country asked: every satellite
    found = catalog.search_satellites(search="43")
    assert [(s.norad_id, s.operator, s.tle is not None) for s in found] == [(43, "Late Ops", True)]
