"""Seed 004's error codes on the jobs: an extent refused at submission carries its code (``EXTENT-TOO-SMALL``,
``EXTENT-TOO-LARGE``, ``INVALID-GEOJSON``), and an analysis that fails in the worker records it on the job."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.errors import InvalidField
from shared.domain.jobs.analysis import AnalysisError
from shared.domain.jobs.analysis.coverage import MAX_POINTS, ground_points
from tests.unit.domain.jobs.test_jobs_service import ALICE, analysis, world  # noqa: F401 (fixture)


def feature(kind: str, coordinates: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": kind, "coordinates": coordinates}, "properties": {}}


FLAT = feature("Polygon", [[[0, 0], [1, 1], [2, 2], [0, 0]]])
LONG_LINE = feature("LineString", [[i * 0.01, 0.0] for i in range(MAX_POINTS + 1)])
OPEN_RING = feature("Polygon", [[[0, 0], [1, 0], [1, 1], [0, 1]]])


@pytest.mark.parametrize(("geometry", "code", "reason"), [
    (FLAT, "EXTENT-TOO-SMALL", "the polygon has no area: no ground point lies inside it"),
    (LONG_LINE, "EXTENT-TOO-LARGE", f"the line has {MAX_POINTS + 1} points; at most {MAX_POINTS} are analysed"),
    (OPEN_RING, "INVALID-GEOJSON", "polygon rings must be closed (first position == last position)"),
])
def test_an_extent_is_refused_at_submission_with_its_code(world, geometry, code, reason):  # noqa: F811
    service, store, starter, _ = world
    with pytest.raises(InvalidField) as err:
        service.submit_pass_analysis(analysis(ground_location=geometry), ALICE)
    assert (err.value.field, err.value.code, err.value.reason) == ("ground_location", code, reason)
    assert store.list("user-1") == [] and starter.started == []


def test_a_polygon_that_cannot_be_decomposed_is_too_large(monkeypatch):
    import shared.domain.jobs.analysis.coverage as coverage

    square = feature("Polygon", [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]])
    many = ([0.0] * (MAX_POINTS + 1),) * 2  # whatever the tile size, too many points remain
    monkeypatch.setattr(coverage, "geojson_ground_points", lambda geometry, tile_size_deg: many)
    with pytest.raises(AnalysisError) as err:
        ground_points(square)
    assert err.value.code == "EXTENT-TOO-LARGE" and "cannot be decomposed" in str(err.value)
