"""Throttling that outlasts the SDK's retries answers 503 with Retry-After in each surface's own error format
(seed 000 problem+json, seed 001 ``{"error"}``, seed 002 ``{"detail", "status_code"}``, seed 004
``{"error", "errorMessage"}``) — never 500 — through the real routes and stores."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.retries.standard import ExponentialBackoff
from fastapi.testclient import TestClient

import functions.pipeline_jobs.app as pipeline_app
import functions.spacego_contacts.app as contacts_app
import functions.ssa_jobs.app as ssa_app
from functions.orbapi_bookings.app import app as bookings_app
from shared.aws import client
from shared.http import create_app
from tests.integration.conftest import bearer
from tests.support.faults import FaultInjector


@pytest.fixture
def throttled(aws, monkeypatch) -> Iterator[FaultInjector]:
    """Every DynamoDB call throttled (none runs); the SDK's backoffs 100x shorter."""
    monkeypatch.setitem(ExponentialBackoff._DEFAULT_BACKOFF_CONFIG, "throttling_base_scale", 0.01)
    faults = FaultInjector("throttle", 1.0).install(client("dynamodb"))
    yield faults
    faults.uninstall()


def _retryable(r, faults: FaultInjector) -> dict:
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == "2"
    assert sum(faults.injected.values()) >= 3  # the SDK retried before giving up
    return r.json()


def test_spacego_answers_problem_json_503(throttled):
    r = TestClient(contacts_app.app, raise_server_exceptions=False).get(
        "/api/v1/contacts", headers=bearer("demo", "contacts.view"))
    body = _retryable(r, throttled)
    assert r.headers["content-type"] == "application/problem+json"
    assert body == {"title": "Service Unavailable", "detail": "storage is busy (request rate too high); retry the "
                    "request in 2 s", "trace_id": r.headers["x-request-id"]}


def test_orbapi_answers_its_error_body_503(throttled):
    r = TestClient(bookings_app, raise_server_exceptions=False).get(
        "/orbapi/bookings", headers=bearer("alice", "bookings"))
    assert _retryable(r, throttled) == {"error": "storage is busy (request rate too high); retry the request in 2 s"}


def test_ssa_answers_detail_and_status_code_503(throttled):
    r = TestClient(ssa_app.app, raise_server_exceptions=False).get(
        "/v1/pass_analyzer_callback/t-1/status", headers=bearer("user-1", "ssa"))
    assert _retryable(r, throttled) == {"detail": "storage is busy (request rate too high); retry the request in "
                                        "2 s", "status_code": 503}


def test_pipeline_answers_code_and_message_503(throttled):
    r = TestClient(pipeline_app.app, raise_server_exceptions=False).post(
        "/tasking/check-status", json={"pipelineId": "p-1"}, headers=bearer("ops-1", "pipeline"))
    assert _retryable(r, throttled) == {"error": "SERVICE-UNAVAILABLE", "errorMessage": "storage is busy (request "
                                        "rate too high); retry the request in 2 s"}


def test_a_raw_sdk_timeout_from_another_client_is_a_503_too(aws, monkeypatch):
    # Given an S3 call whose answers never arrive (any client but DynamoDB's reaches the renderer raw)
    monkeypatch.setitem(ExponentialBackoff._SERVICE_BACKOFF_CONFIG, "s3", {"non_throttling_base_scale": 0.001})
    faults = FaultInjector("lost", 1.0, operations=frozenset({"ListBuckets"})).install(client("s3"))
    app = create_app("pipeline", "t")

    @app.get("/buckets")
    def buckets() -> list[str]:
        return [b["Name"] for b in client("s3").list_buckets()["Buckets"]]

    r = TestClient(app, raise_server_exceptions=False).get("/buckets")
    faults.uninstall()
    assert (r.status_code, r.headers["retry-after"]) == (503, "1")
    assert r.json() == {"error": "SERVICE-UNAVAILABLE",
                        "errorMessage": "storage did not answer in time; retry the request in 1 s"}


def test_an_sdk_error_wrapped_by_a_library_is_a_503_too(aws, monkeypatch):
    # Given a library that wraps the SDK's exhausted throttling error in its own (as Powertools idempotency does)
    monkeypatch.setitem(ExponentialBackoff._DEFAULT_BACKOFF_CONFIG, "throttling_base_scale", 0.01)
    faults = FaultInjector("throttle", 1.0).install(client("dynamodb"))
    app = create_app("ssa", "t")

    @app.get("/wrapped")
    def wrapped() -> None:
        try:
            client("dynamodb").list_tables()
        except Exception as exc:
            raise RuntimeError("Failed to save in progress record to idempotency store") from exc

    r = TestClient(app, raise_server_exceptions=False).get("/wrapped")
    faults.uninstall()
    assert (r.status_code, r.headers["retry-after"]) == (503, "2")
    assert r.json() == {"detail": "storage is busy (request rate too high); retry the request in 2 s",
                        "status_code": 503}
