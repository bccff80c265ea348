"""The local runtime's CORS wrapper and the shared origin policy (``infra.cors``)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from infra.cors import origin_regex, parse_origins
from infra.local.cors import local_origins, with_cors

inner = FastAPI()


@inner.get("/orbapi/gs")
def stations() -> dict[str, object]:
    return {"data": [], "total": 0}


def test_origins_parse_from_a_list_or_a_comma_separated_string() -> None:
    assert parse_origins("https://a.example, http://localhost:*/") == ("https://a.example", "http://localhost:*")
    assert parse_origins(["https://a.example", "https://a.example"]) == ("https://a.example",)
    assert parse_origins(None) == () and parse_origins("") == ()
    with pytest.raises(ValueError, match="'ftp://x' is not of the form"):
        parse_origins("ftp://x")


def test_local_default_is_localhost_on_any_port_and_the_setting_replaces_it() -> None:
    assert local_origins({}) == ("http://localhost:*", "http://127.0.0.1:*")
    assert local_origins({"GROUNDLINK_CORS_ORIGINS": "https://console.example.org"}) == ("https://console.example.org",)
    assert local_origins({"GROUNDLINK_CORS_ORIGINS": ""}) == ()
    regex = origin_regex(local_origins({}))
    assert regex is not None
    import re

    assert re.fullmatch(regex, "http://localhost:5173") and not re.fullmatch(regex, "http://localhost.evil:1")


@pytest.mark.parametrize(
    ("origins", "origin", "allowed"),
    [
        (None, "http://localhost:3000", True),
        (None, "http://127.0.0.1:8080", True),
        (None, "https://localhost:3000", False),
        (None, "http://evil.example", False),
        (("https://console.example.org",), "https://console.example.org", True),
        (("https://console.example.org",), "http://localhost:3000", False),
    ],
)
def test_preflight_answers_allowed_origins_only(origins, origin, allowed) -> None:
    client = TestClient(with_cors(inner, origins))
    r = client.options("/orbapi/gs", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "Authorization, Idempotency-Key"})
    if allowed:
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == origin
        assert "POST" in r.headers["access-control-allow-methods"]
        assert "Idempotency-Key" in r.headers["access-control-allow-headers"]
        simple = client.get("/orbapi/gs", headers={"Origin": origin})
        assert simple.json() == {"data": [], "total": 0}
        assert simple.headers["access-control-allow-origin"] == origin
    else:
        assert (r.status_code, r.text) == (400, "Disallowed CORS origin")
        assert "access-control-allow-origin" not in r.headers
        assert "access-control-allow-origin" not in client.get("/orbapi/gs", headers={"Origin": origin}).headers


def test_an_options_request_that_is_not_a_preflight_reaches_the_app() -> None:
    r = TestClient(with_cors(inner)).options("/orbapi/gs")
    assert r.status_code == 405  # the app's own answer (no Origin / Access-Control-Request-Method)
