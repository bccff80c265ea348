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
