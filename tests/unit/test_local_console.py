"""The local runtime serves the built console at /console/ in front of the gateway (infra/local/console.py)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from infra.local.console import with_console

api = FastAPI()


@api.get("/orbapi/gs")
def stations() -> dict[str, object]:
    return {"data": [], "total": 0}


def built(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<!doctype html><title>Groundlink console</title>")
    (tmp_path / "app.js").write_text("console.log('x')")
    return tmp_path


def test_the_console_files_are_served_with_security_headers_and_the_apis_pass_through(tmp_path: Path) -> None:
    client = TestClient(with_console(api, built(tmp_path)))
    page = client.get("/console/")
    assert page.status_code == 200 and "Groundlink console" in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    script = client.get("/console/app.js")
    assert script.status_code == 200 and script.text == "console.log('x')"
    assert client.get("/orbapi/gs").json() == {"data": [], "total": 0}
    redirect = client.get("/console", follow_redirects=False)
    assert redirect.status_code == 308 and redirect.headers["location"] == "/console/"


def test_a_missing_file_is_a_404_and_the_local_configuration_names_this_origin(tmp_path: Path) -> None:
    client = TestClient(with_console(api, built(tmp_path)))
    missing = client.get("/console/nothing.js")
    assert missing.status_code == 404 and missing.text == "Not Found"
    assert client.get("/console/config.json").json() == {"apiUrl": ""}
    (tmp_path / "config.json").write_text('{"apiUrl": "https://api.example.org"}')
    assert client.get("/console/config.json").json() == {"apiUrl": "https://api.example.org"}


def test_an_unbuilt_console_says_how_to_build_it(tmp_path: Path) -> None:
    client = TestClient(with_console(api, tmp_path / "dist"))
    answer = client.get("/console/")
    assert answer.status_code == 503 and "make console" in answer.text
    assert client.get("/orbapi/gs").status_code == 200
