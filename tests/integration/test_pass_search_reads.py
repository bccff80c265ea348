"""A warm pass search reads no table: the catalogue and the station registry come from the function's memory
(within the catalogue TTL), this process's own registry writes are seen at once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_passes.app import app
from shared.domain.stations.registry import MaskPoint, RegistryEntry
from tests.integration.conftest import bearer

client = TestClient(app, raise_server_exceptions=False)
AUTH = bearer("reads", "passes:read")
SEARCH = {"noradId": 25544, "start": "2026-04-17T00:00:00Z", "days": 2, "groundStationIds": ["14", "4"]}


@pytest.fixture(autouse=True)
def _demo(demo):
    return demo


def test_a_warm_search_makes_no_dynamodb_call_and_sees_its_own_registry_writes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.adapters.dynamo import base
    from shared.adapters.dynamo.stations import station_registry

    first = client.post("/orbapi/passes/search", json=SEARCH, headers=AUTH)
    assert first.status_code == 200 and first.json()["total"] > 0
    calls: list[str] = []
    real = base.ddb

    class Counting:
        def __getattr__(self, name: str) -> object:
            calls.append(name)
            return getattr(real(), name)

    monkeypatch.setattr(base, "ddb", lambda: Counting())
    for module in ("catalog", "stations"):
        monkeypatch.setattr(f"shared.adapters.dynamo.{module}.ddb", lambda: Counting(), raising=False)
    again = client.post("/orbapi/passes/search", json=SEARCH, headers=AUTH)
    assert again.status_code == 200
    assert {k: v for k, v in again.json().items() if k != "generated_at"} == {
        k: v for k, v in first.json().items() if k != "generated_at"}
    assert calls == []

    # an operator of this process puts station 4 in maintenance and masks station 14 to 30°: the next search shows both
    monkeypatch.setattr(base, "ddb", real)
    monkeypatch.setattr("shared.adapters.dynamo.stations.ddb", real, raising=False)
    registry = station_registry()
    registry.update("4", lambda e: (e or RegistryEntry(gs_id="4")).model_copy(update={"status": "maintenance"}))
    registry.update("14", lambda e: (e or RegistryEntry(gs_id="14")).model_copy(
        update={"horizon_mask": [MaskPoint(azimuth_deg=0, min_elevation_deg=30)]}))
    body = client.post("/orbapi/passes/search", json=SEARCH, headers=AUTH).json()
    before = [p for p in first.json()["passes"] if p["groundStationId"] == "14"]
    assert {p["groundStationId"] for p in body["passes"]} == {"14"}
    assert 0 < len(body["passes"]) < len(before)
    assert all(p["max_elevation"] >= 30 for p in body["passes"])
    assert any("ground station 4 is in maintenance" in w for w in body["warnings"])
