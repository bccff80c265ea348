"""Every surface's JSON body (``shared.errors.JSONResponse``, rendered by orjson): the same JSON values as the
standard library's rendering, and the bodies orjson refuses still rendered."""

from __future__ import annotations

import json

import pytest

from shared.errors import JSONResponse

BODY = {
    "passes": [{"groundStationId": "3", "rise_time": "2026-04-17T00:01:02.345Z", "aos_azimuth": 183.1,
                "max_elevation": 42.297, "duration_s": 612.0, "sunlit": True, "doppler_aos_hz": None,
                "polar_track": [{"azimuth": 0.01, "elevation": -0.0, "time": "2026-04-17T00:01:02.345Z"}]}],
    "floats": [0.1, 1e-07, 1e22, 123456789.123, 5e-324, 1.7976931348623157e308, 2.0 / 3.0],
    "ints": [0, -1, 2**63 - 1, -(2**63)],
    "text": ["Tromsø", "東京 Kōbe", "emoji 🛰", "quote \" backslash \\ newline \n tab \t", "\u0000\u001f"],
    "empty": {"list": [], "dict": {}, "string": ""},
}


def test_the_same_json_values_as_the_standard_library():
    rendered = JSONResponse(BODY).body
    reference = json.dumps(BODY, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    assert json.loads(rendered) == json.loads(reference) == BODY  # floats round-trip exactly
    assert rendered.decode("utf-8").count("Tromsø") == 1  # non-ASCII as UTF-8 (the body's charset)
    assert rendered.startswith(b'{"passes":[{"groundStationId":"3","rise_time":"2026-04-17T00:01:02.345Z",')  # compact
    assert JSONResponse(BODY).headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "body",
    [
        {"echo": "lone \ud800 surrogate"},  # text echoed from a request
        {"big": 10**30},  # beyond 64 bits (free-form profiles allow it)
        {1: "non-string key", "x": [1, 2]},
    ],
)
def test_what_orjson_refuses_is_rendered_by_the_standard_library(body):
    rendered = JSONResponse(body).body
    assert rendered == json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    assert json.loads(rendered) == json.loads(json.dumps(body))


def test_not_a_number_is_null_not_an_error():
    assert json.loads(JSONResponse({"a": float("nan"), "b": [float("inf")]}).body) == {"a": None, "b": [None]}


def test_unknown_types_still_fail_as_before():
    from decimal import Decimal

    with pytest.raises(TypeError):
        JSONResponse({"amount": Decimal("1.5")})
