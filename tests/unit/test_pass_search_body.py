"""The pass-search answer byte for byte: the body of fixed searches (every demo station, the ISS and NOAA 20, with
and without polar tracks, with Doppler) against the SHA-256 and length of the stored bodies — computed afresh, from
a warm pass cache (kept passes, their rows as kept JSON text) and with the dicts written by orjson: the same bytes.
Regenerate (only for an intended change of the answer): ``python tests/unit/test_pass_search_body.py``."""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.adapters.memory.catalog import InMemoryCatalogStore
from shared.adapters.memory.news import MemoryNewsStore
from shared.catalog.demo import DEMO_TLE_MAX_AGE_DAYS, seed_demo
from shared.domain.catalog.freshness import FreshnessPolicy
from shared.domain.scheduling.pass_cache import PassCache
from shared.domain.scheduling.search import PassSearch
from shared.errors import JSONResponse
from shared.surfaces.orbapi.passes import PassSearchRequest, search_view

FIXTURE = Path(__file__).parents[1] / "fixtures" / "passes" / "search_bodies.json"
NOW = datetime(2026, 4, 17, 6, 30, 12, 345000, tzinfo=UTC)
CASES = {
    "iss-14d-all": {"noradId": 25544, "days": 14},
    "iss-14d-all-no-tracks": {"noradId": 25544, "days": 14, "omitPolarTrack": True},
    "noaa20-3d-doppler-step-17": {"noradId": 43013, "days": 3, "stepSeconds": 17, "carrierFrequencyHz": 137.1e6,
                                  "minElevationDeg": 0},
    "iss-2d-three-stations-step-300": {"noradId": 25544, "days": 2, "stepSeconds": 300,
                                       "groundStationIds": ["3", "1", "10"]},
}


def digest(body: bytes) -> dict[str, object]:
    return {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}


def bodies(cache: PassCache | None = None) -> dict[str, bytes]:
    """The bodies of ``CASES``; without ``cache`` every search computed afresh."""
    store = InMemoryCatalogStore()
    seed_demo(store, news_repo=MemoryNewsStore())
    search = PassSearch(store, FreshnessPolicy(max_age_days=DEMO_TLE_MAX_AGE_DAYS, demo=True), clock=lambda: NOW,
                        cache=cache, cached=cache is not None)
    out = {}
    for name, body in CASES.items():
        req = PassSearchRequest.model_validate(body)
        out[name] = bytes(JSONResponse(search_view(search.search(req.query()), req)).body)
    return out


@pytest.fixture(scope="module")
def now_built() -> dict[str, bytes]:
    return bodies()


@pytest.mark.parametrize("name", list(CASES))
def test_the_body_is_byte_for_byte_the_stored_one(name: str, now_built: dict[str, bytes]) -> None:
    stored = json.loads(FIXTURE.read_text())[name]
    assert digest(now_built[name]) == stored
    assert json.loads(now_built[name])["total"] > 0


def test_the_dicts_written_by_orjson_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows' fallback (a dict per track point) against the same digests."""
    from shared.surfaces.orbapi import track_json

    monkeypatch.setattr(track_json, "track_fragments", lambda *a: None)
    stored = json.loads(FIXTURE.read_text())
    assert {k: digest(v) for k, v in bodies().items()} == stored


def test_a_warm_cache_answers_the_same_bytes() -> None:
    """Cold (blocks computed), then warm (every pass and row kept): both the stored bodies."""
    stored = json.loads(FIXTURE.read_text())
    cache = PassCache()
    cold = bodies(cache)
    computed = cache.computed
    warm = bodies(cache)
    assert cache.computed == computed > 0  # the second round computed nothing
    assert {k: digest(v) for k, v in cold.items()} == stored
    assert {k: digest(v) for k, v in warm.items()} == stored


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps({k: digest(v) for k, v in bodies().items()}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {FIXTURE}", file=sys.stderr)
