"""The scheduled catalogue refresh (``functions/catalog_refresh``) against a local HTTP server serving real-format
documents: success, a 5xx then a retry, a malformed record, duplicates, a source that is down, Space-Track's GP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from functions.catalog_refresh.handler import RefreshFailed, handler
from shared.adapters.dynamo.catalog import catalog_repository
from tests.support.catalogue_server import CatalogueServer, demo_omm


@pytest.fixture
def server(aws, monkeypatch) -> Iterator[CatalogueServer]:
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")
    monkeypatch.setattr("shared.adapters.http_documents.time.sleep", lambda s: None)  # retries without waiting
    with CatalogueServer() as srv:
        yield srv


def sources(monkeypatch, *entries: str) -> None:
    from shared.settings import get_settings

    monkeypatch.setenv("GROUNDLINK_REFRESH_SOURCES", " ".join(entries))
    get_settings.cache_clear()


def test_a_refresh_stores_the_sources_sets_and_a_second_run_changes_nothing(server, monkeypatch) -> None:
    records = demo_omm()
    sources(monkeypatch, "omm:" + server.serve("/gp.json", (200, records)))
    first = handler({"source": "aws.events", "detail-type": "Scheduled Event"}, None)
    assert (first["stored"], first["current"], first["rejected"], first["failures"]) == (35, 35, 0, [])
    assert first["newestEpochAgeHours"] > 0
    iss = catalog_repository().get_satellite(25544)
    assert iss.cospar_id == "1998-067A" and iss.tle.source == server.url("/gp.json")
    again = handler({}, None)
    assert (again["stored"], again["unchanged"], again["current"]) == (0, 35, 0)


def test_a_5xx_is_retried_and_then_the_document_is_ingested(server, monkeypatch) -> None:
    url = server.serve("/flaky.json", (503, b"busy"), (200, demo_omm(3)))
    sources(monkeypatch, "omm:" + url)
    run = handler({}, None)
    assert (run["stored"], run["failures"]) == (3, []) and server.hits["/flaky.json"] == 2


def test_a_malformed_record_is_reported_and_the_good_ones_stored(server, monkeypatch) -> None:
    records = demo_omm(3)
    bad = dict(records[1], MEAN_MOTION="fast", OBJECT_NAME="BROKEN")
    sources(monkeypatch, "omm:" + server.serve("/gp.json", (200, [records[0], bad, records[2]])))
    run = handler({}, None)
    assert (run["stored"], run["rejected"]) == (2, 1)
    [report] = run["sources"]
    assert len(report["errors"]) == 1 and report["errors"][0].startswith(
        f"item 2 (NORAD {bad['NORAD_CAT_ID']}, BROKEN): OMM record 'BROKEN' is invalid")


def test_duplicates_within_and_across_sources_are_stored_once(server, monkeypatch) -> None:
    records = demo_omm(4)
    sources(monkeypatch, "omm:" + server.serve("/a.json", (200, records + records[:2])),
            "omm:" + server.serve("/b.json", (200, records[2:])))
    run = handler({}, None)
    assert (run["stored"], run["unchanged"], run["current"]) == (4, 4, 4)
    assert len(catalog_repository().element_set_history(records[0]["NORAD_CAT_ID"])) == 1


def test_a_source_that_is_down_leaves_the_catalogue_as_it_was_and_fails_visibly(server, monkeypatch) -> None:
    records = demo_omm(2)
    sources(monkeypatch, "omm:" + server.serve("/gp.json", (200, records)))
    handler({}, None)
    before = catalog_repository().get_satellite(records[0]["NORAD_CAT_ID"]).tle
    down = server.serve("/down.json", (500, b"Internal Server Error"))
    html = server.serve("/html.json", (200, b"<html><body>maintenance</body></html>"))
    good = server.serve("/other.json", (200, demo_omm(5)[2:]))
    sources(monkeypatch, "omm:" + down, "omm:" + html, "omm:" + good)
    with pytest.raises(RefreshFailed) as failed:
        handler({}, None)
    message = str(failed.value)
    assert f"{down}: HTTP 500 Internal Server Error (after 3 attempts)" in message
    assert f"{html}: an HTML page, not OMM JSON or CSV" in message
    assert server.hits["/down.json"] == 3
    assert catalog_repository().get_satellite(records[0]["NORAD_CAT_ID"]).tle == before  # unchanged
    assert catalog_repository().get_satellite(demo_omm(5)[4]["NORAD_CAT_ID"]) is not None  # the others went on


def test_space_track_gp_is_one_login_and_one_query(server, monkeypatch) -> None:
    server.serve("/ajaxauth/login", (200, b'""'))
    gp = server.serve("/basicspacedata/query/class/gp/decay_date/null-val/epoch/%3Enow-30/orderby/norad_cat_id"
                      "/format/json", (200, [{k: str(v) for k, v in r.items()} for r in demo_omm(3)]))
    monkeypatch.setenv("GROUNDLINK_SPACETRACK_IDENTITY", "ops@example.org")
    monkeypatch.setenv("GROUNDLINK_SPACETRACK_PASSWORD", "secret")
    monkeypatch.setenv("GROUNDLINK_SPACETRACK_URL", server.url(""))
    sources(monkeypatch, "spacetrack:gp")
    run = handler({}, None)
    assert (run["stored"], run["failures"]) == (3, []) and server.hits["/ajaxauth/login"] == 1
    assert gp.startswith(server.url("/basicspacedata/query/class/gp/"))


def test_space_track_without_credentials_is_a_visible_failure(server, monkeypatch) -> None:
    sources(monkeypatch, "spacetrack:gp")
    with pytest.raises(RefreshFailed, match="spacetrack:gp: Space-Track credentials are not configured"):
        handler({}, None)
