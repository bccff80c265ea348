"""SSA root and health: health really reads DynamoDB."""

from fastapi.testclient import TestClient

from functions.ssa_core.app import app
from shared.aws import client as aws_client
from tests.integration.conftest import bearer

client = TestClient(app, raise_server_exceptions=False)


def test_root(aws):
    body = client.get("/", headers=bearer()).json()
    assert body["message"] == "SSA Backend API is running" and body["status"] == "healthy"
    assert body["version"] == "1.0.0" and isinstance(body["timestamp"], float)


def test_health_reports_database_and_degrades_when_it_is_gone(aws):
    ok = client.get("/health", headers=bearer())
    assert ok.status_code == 200
    body = ok.json()
    assert body["status"] == "healthy" and body["services"] == {
        "api": "healthy", "database": "healthy", "logging": "healthy"}
    assert set(body["system"]) == {"hostname", "platform", "python_version"}
    aws_client("dynamodb").delete_table(TableName="groundlink-catalog")
    down = client.get("/health", headers=bearer())
    assert down.status_code == 503
    assert down.json()["services"]["database"] == "unhealthy" and down.json()["status"] == "degraded"


def test_ssa_auth_errors_use_detail_and_status_code(aws):
    r = client.get("/health")
    assert r.json() == {"detail": "missing Authorization header (expected 'Bearer <token>')", "status_code": 401}


def _counter(text: str, method: str, endpoint: str, status: int) -> int:
    prefix = f'http_requests_total{{method="{method}",endpoint="{endpoint}",status="{status}"}} '
    return next((int(line.removeprefix(prefix)) for line in text.splitlines() if line.startswith(prefix)), 0)


def test_metrics_count_requests_by_route_template_without_auth(aws):
    from tests.unit.test_metrics import parse

    # Given the counters as they are now (the registry is per process and shared by every app in it)
    before = client.get("/metrics")
    assert before.status_code == 200
    assert before.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    # When /health is called twice with a token and once without, and an unknown path once
    client.get("/health", headers=bearer())
    client.get("/health", headers=bearer())
    client.get("/health")
    client.get("/no/such/path")
    after = client.get("/metrics").text
    # Then the counters moved by exactly that, under the route template
    assert _counter(after, "GET", "/health", 200) - _counter(before.text, "GET", "/health", 200) == 2
    assert _counter(after, "GET", "/health", 401) - _counter(before.text, "GET", "/health", 401) == 1
    assert _counter(after, "GET", "unmatched", 404) - _counter(before.text, "GET", "unmatched", 404) == 1
    assert _counter(after, "GET", "/metrics", 200) >= 1
    lines = after.splitlines()
    assert lines[0] == "# HELP http_requests_total Total number of HTTP requests"
    assert "# TYPE http_request_duration_seconds histogram" in lines
    samples = parse(after)
    health = frozenset({("method", "GET"), ("endpoint", "/health")})
    count = samples[("http_request_duration_seconds_count", health)]
    assert samples[("http_request_duration_seconds_bucket", health | {("le", "+Inf")})] == count
    assert count == sum(v for (name, labels), v in samples.items()
                        if name == "http_requests_total" and {("method", "GET"), ("endpoint", "/health")} <= labels)


def test_active_users_shows_the_caller_and_only_admins_see_everyone(aws):
    # Given two subjects who called the API
    client.get("/", headers=bearer("user-41", "ssa"))
    client.get("/", headers=bearer("user-42", "ssa"))
    # When user 42 asks, they see themselves only, keyed by the integer id login returned
    r = client.get("/debug/active-users", headers=bearer("user-42", "ssa"))
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"total_active_users", "cleanup_interval_seconds", "user_timeout_seconds", "current_time",
                         "active_users"}
    assert body["cleanup_interval_seconds"] == 300 and body["user_timeout_seconds"] == 1800
    assert list(body["active_users"]) == ["42"] and body["total_active_users"] == 1
    entry = body["active_users"]["42"]
    assert set(entry) == {"last_activity", "time_since_activity_seconds", "time_since_activity_minutes",
                          "will_be_removed_in_seconds"}
    assert 0 <= entry["time_since_activity_seconds"] < 5 and entry["last_activity"] <= body["current_time"]
    assert entry["will_be_removed_in_seconds"] == round(1800 - entry["time_since_activity_seconds"], 3)
    assert entry["time_since_activity_minutes"] == round(entry["time_since_activity_seconds"] / 60, 3)
    # And an admin sees both (and itself)
    admin = client.get("/debug/active-users", headers=bearer("ops", "admin")).json()
    assert {"41", "42", "ops"} <= set(admin["active_users"])  # a non-user caller keeps its subject
    assert admin["total_active_users"] == len(admin["active_users"])
    # And nobody without a token
    assert client.get("/debug/active-users").json()["status_code"] == 401
