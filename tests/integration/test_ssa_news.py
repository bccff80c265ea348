"""SSA news (seed 002, "News Operations") over the demo news (real Spaceflight News API metadata) in moto."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from functions.ssa_news.app import app
from shared.adapters.dynamo.news import DynamoNewsRepository
from shared.catalog.importer import import_news
from shared.domain.news.models import NEWS_FIELDS
from shared.resources import table
from tests.integration.conftest import bearer

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "shared/demo_data/news.json").read_text())
BY_ID = {a["id"]: a for a in DEMO}

client = TestClient(app, raise_server_exceptions=False)


def newest_first(articles) -> list[str]:
    return [a["id"] for a in sorted(articles, key=lambda a: (a["date"], a["id"]), reverse=True)]


def ids(body) -> list[str]:
    return [a["id"] for a in (body if isinstance(body, list) else body["news"])]


def get(path: str, **params):
    return client.get(path, params=params, headers=bearer("user-1", "ssa"))


def text(a: dict) -> str:
    return f"{a['title']}\n{a['short_description'] or ''}".casefold()


def page_body(found: list[str], page: int, size: int, total: int | None = None) -> dict:
    return {"total": len(found) if total is None else total, "page": page, "size": size,
            "has_next": page * size < len(found), "has_prev": page > 1}


def without_news(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "news"}


# --- the demo data ------------------------------------------------------------------------------------
def test_demo_news_is_real_metadata_with_unique_ids_in_the_seed_shape():
    assert len(DEMO) == 40
    assert len(BY_ID) == 40
    for a in DEMO:
        assert set(a) <= set(NEWS_FIELDS)
        assert a["url"].startswith(("http://", "https://"))
        assert a["slug"] and a["date"].endswith("Z")


def test_demo_seeding_imported_every_article(demo):
    report = next(r for r in demo if r.kind == "news")
    assert (report.stored, report.duplicates, report.errors) == (40, 0, [])


# --- GET /v1/news/latest ------------------------------------------------------------------------------
def test_latest_returns_a_bare_array_of_the_ten_newest_articles_with_every_seed_field(demo):
    r = get("/v1/news/latest")
    assert r.status_code == 200
    body = r.json()
    assert isinstance(body, list)
    assert ids(body) == newest_first(DEMO)[:10]
    first = body[0]
    assert list(first) == list(NEWS_FIELDS)
    expected = BY_ID[first["id"]]
    assert {k: first[k] for k in expected} == expected
    assert first["id"] == "21568" and first["source"] == "Arstechnica" and first["date"] == "2023-11-20T13:00:32Z"
    # the record timestamps are Groundlink's: when the import stored it
    assert first["insertion_time"] == first["created_at"] == first["updated_at"]
    assert datetime.fromisoformat(first["created_at"].replace("Z", "+00:00")) <= datetime.now(UTC)


def test_latest_limit_and_source_filter(demo):
    assert ids(get("/v1/news/latest", limit=1).json()) == ["21568"]
    assert ids(get("/v1/news/latest", limit=100).json()) == newest_first(DEMO)
    spacenews = [a for a in DEMO if a["source"] == "SpaceNews"]
    body = get("/v1/news/latest", limit=5, source="spacenews").json()  # case-insensitive
    assert ids(body) == newest_first(spacenews)[:5]
    assert {a["source"] for a in body} == {"SpaceNews"}
    assert get("/v1/news/latest", source="No Such Site").json() == []


@pytest.mark.parametrize("limit", [0, 101, -1, "ten"])
def test_latest_rejects_a_bad_limit_naming_it(demo, limit):
    r = get("/v1/news/latest", limit=limit)
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["query", "limit"]
    assert err["msg"] and err["type"]


# --- GET /v1/news/timerange ---------------------------------------------------------------------------
def test_timerange_is_inclusive_newest_first_and_paged(demo):
    start, end = "2023-11-08T15:07:13Z", "2023-11-08T22:10:20Z"  # exactly the first and last of Nov 8
    inside = newest_first(a for a in DEMO if start <= a["date"] <= end)
    assert len(inside) == 10
    r = get("/v1/news/timerange", start_date=start, end_date=end, size=4)
    assert r.status_code == 200
    assert without_news(r.json()) == page_body(inside, 1, 4) | {"has_next": True, "has_prev": False}
    assert ids(r.json()) == inside[:4]
    assert ids(r.json())[0] == "21419" and list(r.json()["news"][0]) == list(NEWS_FIELDS)
    middle = get("/v1/news/timerange", start_date=start, end_date=end, size=4, page=2).json()
    assert without_news(middle) == {"total": 10, "page": 2, "size": 4, "has_next": True, "has_prev": True}
    assert ids(middle) == inside[4:8]
    last = get("/v1/news/timerange", start_date=start, end_date=end, size=4, page=3).json()
    assert without_news(last) == {"total": 10, "page": 3, "size": 4, "has_next": False, "has_prev": True}
    assert ids(last) == inside[8:] and ids(last)[-1] == "21412"
    past = get("/v1/news/timerange", start_date=start, end_date=end, size=4, page=4).json()
    assert past == {"news": [], "total": 10, "page": 4, "size": 4, "has_next": False, "has_prev": True}
    exact = get("/v1/news/timerange", start_date=start, end_date=end, size=10).json()
    assert (exact["has_next"], exact["has_prev"], ids(exact)) == (False, False, inside)


def test_timerange_defaults_offsets_and_source(demo):
    body = get("/v1/news/timerange", start_date="2023-05-01T00:00:00", end_date="2023-06-30T23:59:59").json()
    may_june = newest_first(a for a in DEMO if a["date"] < "2023-07")
    assert without_news(body) == page_body(may_june, 1, 10)
    assert ids(body) == may_june[:10]
    # an offset is honoured: 2023-06-26T19:04+02:00 is 17:04Z, the time of the newest June article
    body = get("/v1/news/timerange", start_date="2023-06-26T19:04:00+02:00", end_date="2023-07-01T00:00:00Z").json()
    assert ids(body) == ["19828"]
    nasa = get("/v1/news/timerange", start_date="2023-01-01T00:00:00Z", end_date="2024-01-01T00:00:00Z",
               source="NASA", size=100).json()
    assert ids(nasa) == newest_first(a for a in DEMO if a["source"] == "NASA")
    assert nasa["total"] == 5
    empty = get("/v1/news/timerange", start_date="2020-01-01T00:00:00Z", end_date="2020-12-31T00:00:00Z").json()
    assert empty == {"news": [], "total": 0, "page": 1, "size": 10, "has_next": False, "has_prev": False}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"end_date": "2023-11-09T00:00:00Z"}, "start_date"),
        ({"start_date": "2023-11-08T00:00:00Z"}, "end_date"),
        ({"start_date": "yesterday", "end_date": "2023-11-09T00:00:00Z"}, "start_date"),
        ({"start_date": "2023-11-09T00:00:00Z", "end_date": "2023-11-08T00:00:00Z"}, "end_date"),
        ({"start_date": "2023-11-08T00:00:00Z", "end_date": "2023-11-08T00:00:00Z"}, "end_date"),
        ({"start_date": "2023-11-08T00:00:00Z", "end_date": "2023-11-09T00:00:00Z", "page": 0}, "page"),
        ({"start_date": "2023-11-08T00:00:00Z", "end_date": "2023-11-09T00:00:00Z", "size": 0}, "size"),
        ({"start_date": "2023-11-08T00:00:00Z", "end_date": "2023-11-09T00:00:00Z", "size": 101}, "size"),
    ],
)
def test_timerange_rejects_bad_parameters_naming_them(demo, params, field):
    r = get("/v1/news/timerange", **params)
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["query", field]
    assert set(err) == {"loc", "msg", "type"}
    if field == "end_date" and "start_date" in params and "end_date" in params:
        assert err == {"loc": ["query", "end_date"], "msg": "end_date must be after start_date",
                       "type": "value_error"}


# --- GET /v1/news/search ------------------------------------------------------------------------------
def test_search_or_is_the_default_and_matches_any_term_in_title_or_description(demo):
    r = get("/v1/news/search", q="psyche,osiris-rex", size=100)
    assert r.status_code == 200
    expected = newest_first(a for a in DEMO if "psyche" in text(a) or "osiris-rex" in text(a))
    assert len(expected) == 4
    assert ids(r.json()) == expected
    assert without_news(r.json()) == page_body(expected, 1, 100)
    assert get("/v1/news/search", q="PSYCHE,Osiris-Rex", search_mode="OR", size=100).json() == r.json()
    # description only: "Dream Chaser" is not in any title
    assert ids(get("/v1/news/search", q="dream chaser").json()) == ["21567"]


def test_search_and_needs_every_term(demo):
    body = get("/v1/news/search", q="vulcan, test", search_mode="AND", size=100).json()
    expected = newest_first(a for a in DEMO if "vulcan" in text(a) and "test" in text(a))
    assert ids(body) == expected
    assert "19585" in expected and "21416" not in expected  # "static-fire test"; "debut launch of Vulcan"
    assert body["total"] == len(expected)
    assert get("/v1/news/search", q="vulcan,starship", search_mode="and").json()["total"] == 0


def test_search_exact_matches_the_whole_phrase_on_word_boundaries(demo):
    body = get("/v1/news/search", q="falcon heavy", search_mode="EXACT").json()
    assert ids(body) == ["21417"]
    assert body["news"][0]["title"] == "U.S. Air Force X-37B spaceplane to launch on a SpaceX Falcon Heavy rocket"
    # AND finds both words anywhere; EXACT only in this order, side by side
    assert ids(get("/v1/news/search", q="rocket,heavy", search_mode="AND").json()) == ["21417"]
    assert get("/v1/news/search", q="rocket heavy", search_mode="EXACT").json()["total"] == 0
    # word boundaries: "Axiom Space" is a phrase, "xiom spac" is not
    assert get("/v1/news/search", q="xiom spac", search_mode="EXACT").json()["total"] == 0
    assert get("/v1/news/search", q="Axiom Space", search_mode="exact", size=100).json()["total"] == len(
        [a for a in DEMO if "axiom space" in text(a)])


def test_search_paging_and_source(demo):
    spacex = newest_first(a for a in DEMO if "spacex" in text(a))
    first = get("/v1/news/search", q="spacex", size=3).json()
    assert without_news(first) == page_body(spacex, 1, 3)
    assert first["has_next"] and not first["has_prev"]
    last_page = -(-len(spacex) // 3)
    last = get("/v1/news/search", q="spacex", size=3, page=last_page).json()
    assert ids(last) == spacex[(last_page - 1) * 3:]
    assert not last["has_next"] and last["has_prev"]
    teslarati = get("/v1/news/search", q="spacex", source="Teslarati", size=100).json()
    assert ids(teslarati) == newest_first(a for a in DEMO if "spacex" in text(a) and a["source"] == "Teslarati")
    assert get("/v1/news/search", q="no-such-word-anywhere").json() == {
        "news": [], "total": 0, "page": 1, "size": 10, "has_next": False, "has_prev": False}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": " , ,"}, "q"),
        ({"q": "moon", "search_mode": "FUZZY"}, "search_mode"),
        ({"q": "moon", "page": 0}, "page"),
        ({"q": "moon", "size": 101}, "size"),
    ],
)
def test_search_rejects_bad_parameters_naming_them(demo, params, field):
    r = get("/v1/news/search", **params)
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["query", field]


# --- POST /v1/news/search/advanced --------------------------------------------------------------------
def post(body=None, **params):
    return client.post("/v1/news/search/advanced", json=body, params=params, headers=bearer("user-1", "ssa"))


def test_advanced_search_from_the_body_with_filters(demo):
    r = post({"search_terms": ["axiom"], "country_code": "usa", "size": 2})
    assert r.status_code == 200
    axiom = newest_first(a for a in DEMO if "axiom" in text(a) and a["country_code"] == "USA")
    assert len(axiom) == 4
    assert without_news(r.json()) == page_body(axiom, 1, 2)
    assert ids(r.json()) == axiom[:2]
    assert r.json()["news"][0]["mission_name"] == "Axiom Space Mission 2"


def test_advanced_search_from_the_query_string_as_the_seed_lists_it(demo):
    r = post(None, search_terms=["vulcan", "flight readiness"], search_mode="AND", size=100)
    assert r.status_code == 200
    expected = newest_first(a for a in DEMO if "vulcan" in text(a) and "flight readiness" in text(a))
    assert ids(r.json()) == expected and len(expected) == 3
    # one comma-separated value is the same list; body values win over query values
    assert post(None, search_terms="vulcan,flight readiness", search_mode="AND", size=100).json() == r.json()
    assert post({"size": 100}, search_terms="vulcan,flight readiness", search_mode="AND", size=1).json() == r.json()


def test_advanced_search_mission_and_date_filters_and_modes(demo):
    body = post({"search_terms": ["vulcan"], "mission_name": "peregrine", "start_date": "2023-06-01T00:00:00Z",
                 "end_date": "2023-06-30T00:00:00Z", "size": 100}).json()
    expected = newest_first(
        a for a in DEMO
        if "vulcan" in text(a) and "peregrine" in (a["mission_name"] or "").casefold()
        and "2023-06-01" <= a["date"] <= "2023-06-30"
    )
    assert ids(body) == expected and set(expected) == {"19659", "19740", "19585", "19572"}
    exact = post({"search_terms": ["heat", "shield"], "search_mode": "EXACT"}).json()
    assert ids(exact) == ["21561"]
    jwst = post({"search_terms": ["webb", "jwst"], "country_code": "GUF"}).json()
    assert ids(jwst) == ["19612"] and jwst["news"][0]["mission_name"] == "James Webb Space Telescope (JWST)"
    only_start = post({"search_terms": ["starship"], "start_date": "2023-11-18T14:29:37Z"}).json()
    assert ids(only_start) == ["21560", "21557"]


@pytest.mark.parametrize(
    ("body", "params", "loc"),
    [
        ({}, {}, ["query", "search_terms"]),
        ({"search_terms": []}, {}, ["body", "search_terms"]),
        ({"search_terms": "  ,  "}, {}, ["body", "search_terms"]),
        ({"search_terms": [1, 2]}, {}, ["body", "search_terms", 0]),
        ({"search_terms": ["moon"], "search_mode": "NEAR"}, {}, ["body", "search_mode"]),
        ({"search_terms": ["moon"], "page": 0}, {}, ["body", "page"]),
        ({"search_terms": ["moon"], "size": 101}, {}, ["body", "size"]),
        ({"search_terms": ["moon"]}, {"size": "0"}, ["query", "size"]),
        ({"search_terms": ["moon"], "start_date": "soon"}, {}, ["body", "start_date"]),
        ({"search_terms": ["moon"], "start_date": "2023-11-09T00:00:00Z", "end_date": "2023-11-08T00:00:00Z"}, {},
         ["body", "end_date"]),
        ({"search_terms": ["moon"], "start_date": "2023-11-09T00:00:00Z"}, {"end_date": "2023-11-09T00:00:00Z"},
         ["query", "end_date"]),
    ],
)
def test_advanced_search_rejects_bad_input_naming_the_parameter(demo, body, params, loc):
    r = post(body or None, **params)
    assert r.status_code == 422
    locs = [e["loc"] for e in r.json()["detail"]]
    assert loc in locs, r.json()


def test_advanced_search_rejects_a_body_that_is_not_an_object(demo):
    headers = bearer("user-1", "ssa") | {"content-type": "application/json"}
    r = client.post("/v1/news/search/advanced", content=b"[1, 2]", headers=headers)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body"]
    r = client.post("/v1/news/search/advanced", content=b"{not json", headers=headers)
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid"


# --- authentication -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/news/latest"), ("GET", "/v1/news/timerange?start_date=x"), ("GET", "/v1/news/search?q=moon"),
     ("POST", "/v1/news/search/advanced")],
)
def test_every_news_endpoint_needs_a_valid_jwt(demo, method, path):
    for headers in ({}, {"Authorization": "Bearer not-a-jwt"}, bearer(ttl_s=-10)):
        r = client.request(method, path, headers=headers, json={"search_terms": ["moon"]} if method == "POST" else None)
        assert r.status_code == 401
        assert r.json()["status_code"] == 401 and isinstance(r.json()["detail"], str)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/news/latest"), ("GET", "/v1/news/timerange?start_date=x"), ("GET", "/v1/news/search?q=moon"),
     ("POST", "/v1/news/search/advanced")],
)
@pytest.mark.parametrize("scopes", ["", "passes:read", "pipeline"])
def test_every_news_endpoint_needs_the_ssa_permission(demo, method, path, scopes):
    body = {"search_terms": ["moon"]} if method == "POST" else None
    r = client.request(method, path, headers=bearer("station-1", scopes), json=body)
    assert r.status_code == 403
    assert r.json() == {"detail": "the token does not grant the required scope 'ssa'", "status_code": 403}


# --- import ---------------------------------------------------------------------------------------------
@pytest.fixture
def scratch(demo) -> DynamoNewsRepository:
    """A repository over a fresh, empty news table (next to the demo one, in the module's moto)."""
    from infra.local.emulation import create_table_kwargs
    from shared.aws import client as aws_client

    name = f"groundlink-news-{uuid.uuid4().hex[:8]}"
    aws_client("dynamodb").create_table(**create_table_kwargs(table("news"), name))
    return DynamoNewsRepository(table=name)


def test_news_import_is_idempotent_by_id_and_updates_changed_articles(scratch):
    repo = scratch
    first = import_news(repo, DEMO)
    assert (first.stored, first.duplicates, first.errors) == (40, 0, [])
    stored = repo.get("21417")
    again = import_news(repo, DEMO)
    assert (again.stored, again.duplicates, again.errors) == (0, 40, [])
    assert repo.get("21417") == stored
    assert len(list(repo.newest_first())) == 40
    # a changed article (new date too) is updated in place: one listing entry, creation time kept
    changed = dict(BY_ID["21417"], title="X-37B to launch on Falcon Heavy", date="2023-11-21T00:00:00Z")
    report = import_news(repo, [changed])
    assert (report.stored, report.duplicates) == (1, 0)
    listing = list(repo.newest_first())
    assert len(listing) == 40 and listing[0].id == "21417" and listing[0].title == "X-37B to launch on Falcon Heavy"
    updated = repo.get("21417")
    assert updated.created_at == stored.created_at and updated.insertion_time == stored.insertion_time
    assert updated.updated_at > stored.updated_at


def test_news_import_reports_bad_items_and_keeps_the_good_ones(scratch):
    repo = scratch
    report = import_news(repo, [BY_ID["21568"], {"id": "x", "title": "no date", "source": "S"},
                                BY_ID["21568"], "nonsense"])
    assert report.stored == 1
    assert len(report.errors) == 3
    assert report.errors[0].startswith("item 2:") and "date" in report.errors[0]
    assert "more than once" in report.errors[1]
    assert import_news(repo, {"not": "a list"}).errors == ["expected a JSON list of news, got dict"]


def test_cli_import_news_of_the_demo_file_again_changes_nothing(demo, tmp_path, capsys, monkeypatch):
    from shared.cli import main

    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")  # no local-endpoint default: moto intercepts
    before = get("/v1/news/latest", limit=100).json()
    assert main(["import-news", str(ROOT / "shared/demo_data/news.json")]) == 0
    assert json.loads(capsys.readouterr().out) == {"kind": "news", "stored": 0, "current": 0, "duplicates": 40,
                                                  "errors": []}
    assert get("/v1/news/latest", limit=100).json() == before
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert main(["import-news", str(bad)]) == 2
