"""Every surface gets its own exact error body, and a request id on every response."""

import uuid

import pytest
from fastapi import Query
from fastapi.testclient import TestClient

from shared.domain.errors import Conflict, NotFound
from shared.http import create_app


def make(surface: str) -> TestClient:
    app = create_app(surface, "t")

    @app.get("/missing")
    def missing():
        raise NotFound("thing 7 not found")

    @app.get("/conflict")
    def conflict():
        raise Conflict("station 3 is booked 10:00-10:10")

    @app.get("/paged")
    def paged(start: int = Query(0, ge=0)):
        return {"start": start}

    @app.get("/echo")
    def echo():
        raise NotFound("thing \ud800 not found")  # text from a request, even unencodable, is escaped

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    return TestClient(app, raise_server_exceptions=False)


def test_spacego_problem_json_with_trace_id_equal_to_request_id():
    r = make("spacego").get("/missing")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body == {"title": "Not Found", "detail": "thing 7 not found", "trace_id": r.headers["x-request-id"]}
    uuid.UUID(body["trace_id"])


def test_orbapi_error_shape():
    r = make("orbapi").get("/conflict")
    assert (r.status_code, r.json()) == (409, {"error": "station 3 is booked 10:00-10:10"})


def test_ssa_error_and_validation_shapes():
    c = make("ssa")
    assert c.get("/missing").json() == {"detail": "thing 7 not found", "status_code": 404}
    r = c.get("/paged?start=-1")
    assert r.status_code == 422
    [item] = r.json()["detail"]
    assert item["loc"] == ["query", "start"] and item["type"] == "greater_than_equal" and set(item) == {
        "loc", "msg", "type"}


def test_pipeline_error_code_shape():
    r = make("pipeline").get("/missing")
    assert r.json() == {"error": "NOT-FOUND", "errorMessage": "thing 7 not found"}


def test_satnogs_error_is_the_django_rest_framework_detail():
    c = make("satnogs")
    assert (c.get("/conflict").status_code, c.get("/conflict").json()) == (
        409, {"detail": "station 3 is booked 10:00-10:10"})
    r = c.get("/paged?start=-1")
    assert r.status_code == 400 and set(r.json()) == {"detail"}
    assert r.json()["detail"].startswith("query parameter 'start': ")


@pytest.mark.parametrize("surface", ["spacego", "orbapi", "pipeline", "satnogs"])
def test_validation_is_400_naming_the_parameter(surface):
    r = make(surface).get("/paged?start=abc")
    assert r.status_code == 400
    text = r.text
    assert "query parameter 'start'" in text and "valid integer" in text


@pytest.mark.parametrize("surface", ["spacego", "orbapi", "ssa", "pipeline", "satnogs"])
def test_unexpected_errors_are_500_without_internals(surface):
    r = make(surface).get("/boom")
    assert r.status_code == 500
    assert "secret internals" not in r.text and "Traceback" not in r.text
    assert r.headers["x-request-id"]


def test_unknown_route_is_404_in_surface_format_and_request_id_is_honoured():
    rid = str(uuid.uuid4())
    r = make("orbapi").get("/nope", headers={"X-Request-Id": rid})
    assert r.status_code == 404 and r.json() == {"error": "no endpoint GET /nope"}
    assert r.headers["x-request-id"] == rid


@pytest.mark.parametrize("surface", ["spacego", "orbapi", "ssa", "pipeline"])
def test_unencodable_text_in_an_error_is_escaped_not_a_500(surface):
    r = make(surface).get("/echo")
    assert r.status_code == 404 and b"\\ud800" in r.content


def test_invalid_field_renders_per_surface():
    """A domain InvalidField names its field in every surface's own format."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from shared.domain.errors import InvalidField
    from shared.errors import install_error_handlers

    bodies = {}
    for surface in ("spacego", "orbapi", "ssa", "pipeline"):
        app = FastAPI()
        install_error_handlers(app, surface)

        @app.get("/x")
        def _raise() -> None:
            raise InvalidField("window.start", "must be in the future")

        r = TestClient(app).get("/x")
        bodies[surface] = (r.status_code, r.json())
    assert bodies["spacego"][0] == 400 and bodies["spacego"][1]["detail"] == "window.start: must be in the future"
    assert bodies["orbapi"] == (400, {"error": "window.start: must be in the future"})
    assert bodies["ssa"] == (422, {"detail": [{"loc": ["body", "window", "start"], "msg": "must be in the future",
                                               "type": "value_error"}]})
    assert bodies["pipeline"] == (422, {"error": "UNPROCESSABLE-CONTENT",
                                        "errorMessage": "field 'window.start': must be in the future"})
