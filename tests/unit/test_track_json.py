"""``track_fragments`` writes the text orjson writes for the same points (dicts), or declines."""

from __future__ import annotations

import numpy as np
import orjson

from shared.domain.scheduling.passes import iso_ms_array
from shared.surfaces.orbapi.track_json import track_fragments


def as_dicts(az: np.ndarray, el: np.ndarray, t: np.ndarray, offsets: np.ndarray) -> bytes:
    points = [{"azimuth": a, "elevation": e, "time": s}
              for a, e, s in zip(az.tolist(), el.tolist(), iso_ms_array(t), strict=True)]
    bounds = offsets.tolist()
    return orjson.dumps([points[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)])


def test_every_kind_of_angle_is_written_as_orjson_writes_it() -> None:
    rng = np.random.default_rng(5)
    special = [0.0, -0.0, 0.05, 0.5, 0.01, -0.01, -0.1, 5.0, 10.0, 99.99, 100.0, 100.1, 359.99, -89.99, 90.0, -5.0,
               123.45, -123.4, 999.99, -999.99, 0.004, -0.004, 1.005, 2.675]
    raw = np.concatenate([special, rng.uniform(-999.99, 999.99, 20_000), rng.uniform(-1, 1, 5_000)])
    angles = np.round(raw, 2)
    n = angles.size
    times = 1.7e9 + np.cumsum(rng.uniform(0.001, 90.0, n))
    offsets = np.unique(np.concatenate(([0, n], rng.choice(np.arange(1, n), 3000, replace=False))))
    fragments = track_fragments(angles, angles[::-1].copy(), times, offsets)
    assert fragments is not None and len(fragments) == offsets.size - 1
    assert orjson.dumps(fragments) == as_dicts(angles, angles[::-1], times, offsets)


def test_a_point_it_cannot_write_is_left_to_the_dicts() -> None:
    offsets = np.array([0, 2])
    t = np.array([1.7e9, 1.7e9 + 60])
    assert track_fragments(np.array([1.0, np.nan]), np.array([1.0, 2.0]), t, offsets) is None
    assert track_fragments(np.array([1.0, 1000.0]), np.array([1.0, 2.0]), t, offsets) is None
    assert track_fragments(np.array([1.0, 2.0]), np.array([1.0, 2.0]), np.array([1.7e9, np.inf]), offsets) is None


def test_decimals_are_written_as_orjson_writes_the_rounded_numbers() -> None:
    from shared.surfaces.orbapi.track_json import decimal_text

    rng = np.random.default_rng(8)
    for decimals, digits, scale in ((1, 7, 1e6), (3, 3, 999.0), (2, 3, 999.0), (1, 4, 10.0)):
        values = np.round(np.concatenate([rng.uniform(-scale, scale, 20_000), [0.0, -0.0, 0.5, -0.04, 10.0]]),
                          decimals)
        text = decimal_text(values, decimals, digits)
        assert text is not None
        written = [bytes(row[row != 0]) for row in text]
        assert written == [orjson.dumps(v) for v in values.tolist()]
    assert decimal_text(np.array([1000.0]), 2, 3) is None and decimal_text(np.array([np.inf]), 1, 7) is None
