"""``iso_ms_array`` writes the same text as ``numpy.datetime_as_string`` (and ``timefmt.iso_ms``) for every time."""

from __future__ import annotations

import numpy as np

from shared.domain.scheduling.passes import iso_ms_array
from shared.timefmt import iso_ms


def reference(unix_s: np.ndarray) -> list[str]:
    ms = np.floor(np.asarray(unix_s, dtype=float) * 1000.0 + 1e-6).astype("int64").astype("datetime64[ms]")
    return [s + "Z" for s in np.datetime_as_string(ms, unit="ms").tolist()]


def test_random_times_and_edges_match_numpy_text() -> None:
    rng = np.random.default_rng(11)
    edges = [0.0, -0.0005, 1e-4, 0.9995, 86399.9999, 951782400.0, 951868799.9995, 4102444799.999, 1776384000.0004999,
             1776384000.0005, 1776384059.9999999, -86400.0, -30610224000.0, 253402300799.999]
    times = np.concatenate([rng.uniform(-30e9, 250e9, 50_000), rng.uniform(1.7e9, 1.8e9, 50_000),
                            np.round(rng.uniform(1.7e9, 1.8e9, 5_000), 3), edges])
    assert iso_ms_array(times) == reference(times)
    assert iso_ms_array(np.array([1776384000.0, 1776390061.5])) == [iso_ms(1776384000.0), iso_ms(1776390061.5)]


def test_outside_four_digit_years_or_not_finite_falls_back_to_numpy() -> None:
    far = np.array([-62_000_000_000.0, 253402300800.0, 1.7e9])  # year 4 BC-ish, year 10000, 2023
    assert iso_ms_array(far) == reference(far)
    assert iso_ms_array(np.array([])) == []
    assert iso_ms_array(np.array([np.nan, 1.7e9]))[1] == "2023-11-14T22:13:20.000Z"
