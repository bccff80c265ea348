"""The pass cache (``shared.domain.scheduling.pass_cache``): answers composed from kept blocks against the orbit
core's own search over the same window, and against the same search composed from fresh blocks."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import numpy as np
import pytest

from shared.adapters.memory.catalog import InMemoryCatalogStore
from shared.adapters.memory.news import MemoryNewsStore
from shared.catalog.demo import seed_demo
from shared.domain.scheduling.pass_cache import BLOCK_S, PassCache
from shared.domain.scheduling.passes import Mask, element_set_of, predict_masked

T0 = datetime(2026, 4, 10, tzinfo=UTC).timestamp()
# LEO (ISS, NOAA 20, an eccentric amateur satellite), MEO (Galileo) and geostationary (passes lasting days: joined
# across block boundaries)
SATELLITES = (25544, 43013, 24278, 43055, 41866)
COLUMNS = ("rise_unix_s", "set_unix_s", "culmination_unix_s", "rise_azimuth_deg", "set_azimuth_deg",
           "max_elevation_deg", "slant_range_km", "starts_before_window", "ends_after_window", "sunlit",
           "doppler_rise_hz", "doppler_set_hz", "station_index", "sat_index")
# the direct search's grid is the window's, the cache's the block's: events agree within the polish tolerance
# (crossings < 0.1 ms, a culmination < 5 ms where the elevation is flat); horizon-mask crossings are refined by
# bisection to 10 ms from samples that start at the rise
TOLERANCE = {"rise_unix_s": 1e-3, "set_unix_s": 1e-3, "culmination_unix_s": 5e-3, "rise_azimuth_deg": 1e-3,
             "set_azimuth_deg": 1e-3, "max_elevation_deg": 1e-5, "slant_range_km": 1e-3, "doppler_rise_hz": 0.05,
             "doppler_set_hz": 0.05}
MASKED_TOLERANCE = {**TOLERANCE, "rise_unix_s": 0.03, "set_unix_s": 0.03, "rise_azimuth_deg": 0.01,
                    "set_azimuth_deg": 0.01, "doppler_rise_hz": 1.0, "doppler_set_hz": 1.0}


@pytest.fixture(scope="module")
def store() -> InMemoryCatalogStore:
    s = InMemoryCatalogStore()
    seed_demo(s, news_repo=MemoryNewsStore())
    return s


def stations_of(store: InMemoryCatalogStore) -> list:
    return sorted(store.list_stations(), key=lambda s: (len(s.id), s.id))


def smooth_mask(rng: random.Random) -> Mask:
    """A horizon mask without features shorter than the trimming step (both searches sample the same sky)."""
    return [0.0, 90.0, 180.0, 270.0], [rng.uniform(5, 25) for _ in range(4)]


def assert_columns(direct, cached, tolerance: dict[str, float], what: str) -> None:
    assert len(direct) == len(cached), what
    for name in COLUMNS:
        a, b = getattr(direct, name), getattr(cached, name)
        if a is None:
            assert b is None, (what, name)
            continue
        if name in tolerance:
            assert np.allclose(a, b, rtol=0, atol=tolerance[name]), (what, name, np.max(np.abs(a - b)))
        else:
            assert np.array_equal(a, b), (what, name)
    assert np.array_equal(direct.sat_error_code, cached.sat_error_code), what
    assert direct.ut1_extrapolated == cached.ut1_extrapolated


def test_random_windows_match_the_direct_search_and_a_fresh_cache(store: InMemoryCatalogStore) -> None:
    rng = random.Random(11)
    stations = stations_of(store)
    shared = PassCache()  # one history of searches: windows overlap, blocks were kept by other searches
    for trial in range(60):
        es = element_set_of(store.get_satellite(rng.choice(SATELLITES)))
        chosen = rng.sample(stations, rng.randint(1, len(stations)))
        start = T0 + rng.uniform(0, 20 * 86_400)
        end = start + rng.uniform(1, 14) * 86_400
        floors = [rng.choice([0.0, 5.0, 10.0, 20.0]) for _ in chosen]
        masked = trial % 3 == 0
        masks = [smooth_mask(rng) if masked and rng.random() < 0.5 else None for _ in chosen]
        carrier = rng.choice([None, 437.1e6])
        what = f"trial {trial}: {es.norad_id}, {len(chosen)} stations, {start:.3f}..{end:.3f}, carrier {carrier}"
        direct = predict_masked(es, chosen, start, end, floors, masks, carrier_hz=carrier)
        warm = shared.predict(es, chosen, start, end, floors, masks, carrier).table
        fresh = PassCache().predict(es, chosen, start, end, floors, masks, carrier).table
        assert_columns(fresh, warm, {}, what)  # kept or fresh: the same passes, bit for bit
        assert_columns(direct, warm, MASKED_TOLERANCE if any(m is not None for m in masks) else TOLERANCE, what)


def test_a_window_on_block_boundaries_and_a_pass_joined_across_them(store: InMemoryCatalogStore) -> None:
    """A geostationary satellite is up all along: one pass over several blocks, clamped only at the window."""
    es = element_set_of(store.get_satellite(41866))
    stations = [s for s in stations_of(store) if s.longitude < -30][:1]  # GOES 16 is at 75.2° W
    assert stations
    start = (T0 // BLOCK_S) * BLOCK_S + 3600.0
    end = start + 2.2 * BLOCK_S
    cache = PassCache()
    found = cache.predict(es, stations, start, end, [0.0], [None])
    table = found.table
    assert len(table) == 1
    assert table.rise_unix_s[0] == start and table.set_unix_s[0] == end
    assert table.starts_before_window[0] and table.ends_after_window[0]
    assert found.notes == [None]  # cut at both edges: rebuilt by each search
    direct = predict_masked(es, stations, start, end, [0.0], [None])
    assert_columns(direct, table, TOLERANCE, "geostationary")


def test_kept_passes_carry_notes_and_the_bound_drops_old_blocks(store: InMemoryCatalogStore) -> None:
    es = element_set_of(store.get_satellite(25544))
    stations = stations_of(store)
    floors, flat = [10.0] * len(stations), [None] * len(stations)
    block = (T0 // BLOCK_S + 1) * BLOCK_S
    cache = PassCache()
    first = cache.predict(es, stations, block + 100.0, block + 5 * 86_400, floors, flat)
    assert cache.computed == 1 and len(cache) == len(stations)  # one block, every station in one call
    size = cache.nbytes
    notes = [n for n in first.notes if n is not None]
    assert len(notes) >= len(first.table) - 2 * len(stations) > 0  # only passes cut at the window are rebuilt
    notes[0].put("row", b"{}", 1000)
    assert cache.nbytes == size + 1000
    again = cache.predict(es, stations, block + 200.0, block + 5 * 86_400 + 100.0, floors, flat)
    assert cache.computed == 1  # the same block: nothing computed
    assert again.notes[again.notes.index(notes[0])].get("row") == b"{}"
    later = cache.predict(es, stations, block + 6 * 86_400, block + 9 * 86_400, floors, flat)
    assert cache.computed == 2 and len(later.table) > 0  # the next block, once
    small = PassCache(max_bytes=size // 2)
    small.predict(es, stations, block + 100.0, block + 5 * 86_400, floors, flat)
    assert 0 < small.nbytes <= size // 2 and len(small) < len(stations)
    tiny = PassCache(max_bytes=0)  # every block dropped once the search is composed
    dropped = tiny.predict(es, stations, block + 100.0, block + 5 * 86_400, floors, flat)
    assert len(tiny) == 0 and tiny.nbytes == 0
    next(n for n in dropped.notes if n is not None).put("row", b"{}", 1000)
    assert tiny.nbytes == 0  # nothing is kept with a dropped block


def test_a_new_element_set_or_a_moved_station_is_another_key(store: InMemoryCatalogStore) -> None:
    es = element_set_of(store.get_satellite(25544))
    station = stations_of(store)[0]
    cache = PassCache()
    cache.predict(es, [station], T0, T0 + 86_400, [10.0], [None])
    computed = cache.computed
    moved = station.model_copy(update={"latitude": station.latitude + 1.0})
    cache.predict(es, [moved], T0, T0 + 86_400, [10.0], [None])
    assert cache.computed == computed + 1
    cache.predict(es, [station], T0, T0 + 86_400, [15.0], [None])  # found at another elevation
    assert cache.computed == computed + 2
    cache.predict(es, [station], T0, T0 + 86_400, [10.0], [None], carrier_hz=1e8)
    assert cache.computed == computed + 3


def test_masked_passes_are_trimmed_once_and_answer_as_a_fresh_trim(store: InMemoryCatalogStore) -> None:
    """A kept pass keeps its pieces under a station's horizon mask: the next search over other windows reuses
    them, and its answer is the one trimmed afresh (bit for bit) and the direct search's (within tolerance)."""
    es = element_set_of(store.get_satellite(25544))
    stations = stations_of(store)
    rng = random.Random(5)
    masks = [smooth_mask(rng) if k % 2 else None for k in range(len(stations))]
    floors = [10.0] * len(stations)
    cache = PassCache()
    for k, days in enumerate((14, 9, 3, 14)):
        start = T0 + k * 3_600.0 + 17.0
        warm = cache.predict(es, stations, start, start + days * 86_400, floors, masks, 145.8e6)
        fresh = PassCache().predict(es, stations, start, start + days * 86_400, floors, masks, 145.8e6).table
        direct = predict_masked(es, stations, start, start + days * 86_400, floors, masks, carrier_hz=145.8e6)
        assert_columns(fresh, warm.table, {}, f"search {k}")
        assert_columns(direct, warm.table, MASKED_TOLERANCE, f"search {k}")
        masked = np.array([m is not None for m in masks])[warm.table.station_index]
        assert masked.any() and (~masked).any()
        with_notes = [n is not None for n in warm.notes]
        assert sum(with_notes) >= len(warm.table) - 4 * len(stations)  # only passes cut at the window rebuilt


def test_the_ledger_checks_the_passes_a_search_shows(store: InMemoryCatalogStore) -> None:
    """``passes_over`` (bookings, contacts, orbit rechecks) reads the process's kept passes: a search's passes over
    the same station, within the direct search's tolerance."""
    from shared.domain.scheduling.passes import passes_over

    es = element_set_of(store.get_satellite(43013))
    station = stations_of(store)[2]
    start, end = T0 + 5_000.0, T0 + 2 * 86_400
    windows = passes_over(es, station, start, end)
    direct = predict_masked(es, [station], start - 3 * 3600.0, end + 3 * 3600.0, [station.min_elevation_deg], [None])
    assert len(windows) == len(direct) > 0
    assert np.allclose([w.rise_unix_s for w in windows], direct.rise_unix_s, rtol=0, atol=1e-3)
    assert np.allclose([w.set_unix_s for w in windows], direct.set_unix_s, rtol=0, atol=1e-3)
