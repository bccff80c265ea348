"""Maneuver detection on three more real histories, each against the operator's own manoeuvre record.

The fixtures (tests/fixtures/tle/history/README.md) are verbatim slices of public element-set histories; the
burns are those of the DORIS manoeuvre files (median time of each burn in TAI and its Δv in radial, along-track
and cross-track components, m/s), and where a figure was published it is cited too."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from groundlink_orbit import parse_tle_text

from shared.domain.jobs.analysis.maneuvers import Maneuver, detect

HISTORY = Path(__file__).resolve().parents[2] / "tests/fixtures/tle/history"


def _real(name: str):
    report = parse_tle_text((HISTORY / name).read_text())
    assert report.errors == []
    return report.element_sets


def _tai(text: str, tai_minus_utc_s: int) -> float:
    """A manoeuvre file's TAI time as a Unix (UTC) time."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() - tai_minus_utc_s


def _hours(m: Maneuver, t_unix: float) -> float:
    return abs(m.time_unix - t_unix) / 3600


def _crosstrack_dominates(m: Maneuver) -> bool:
    return abs(m.dv_rtn_mps[2]) >= 0.9 * m.sgp4_delta_v_mps


def _alongtrack_dominates(m: Maneuver) -> bool:
    return abs(m.dv_rtn_mps[1]) >= 0.9 * m.sgp4_delta_v_mps


def test_saral_raise_into_its_drifting_phase_is_found_at_its_time_and_size():
    """SARAL, 2016-07-04: one 57 s burn at 12:23:04 TAI, 0.4986 m/s along-track (manoeuvre file); CNES/IDS
    announced "+1 km" of semi-major axis (≈ 0.52 m/s). No other burn in these 59 days."""
    burn, truth_dv, published_dv = _tai("2016-07-04T12:23:04", 36), 0.4986, 0.52
    sets = _real("39086_saral_2016-07.tle")
    for method in ("ml", "sma"):
        found, _ = detect(sets, method=method)  # every shift of at least 0.01 m/s (the default mindv)
        assert [m.maneuver_type for m in found] == ["sma"], method
        m = found[0]
        assert _hours(m, burn) <= 1.0, method  # an in-plane burn is timed by the along-track drift
        assert m.delta_v_mps == pytest.approx(truth_dv, rel=0.2), method
        assert m.delta_v_mps == pytest.approx(published_dv, rel=0.2), method
        assert _alongtrack_dominates(m) and m.sgp4_delta_v_mps == pytest.approx(truth_dv, rel=0.5), method
        assert m.probability > 0.9
    assert detect(sets, method="inc")[0] == []  # no plane change in the record, none seen


def test_sentinel_3a_inclination_manoeuvre_is_found_as_a_plane_change_of_its_size():
    """Sentinel-3A, 2016-08-31: one 521.5 s burn at 07:30:11 TAI of (R, T, N) = (-0.0060, 0.0161, 1.6285) m/s,
    |Δv| 1.6286 m/s (manoeuvre file). The only other burn in the slice (2016-09-22, 1 s, 0.0035 m/s) is far below
    what daily element sets show."""
    burn, truth_dv, truth_along = _tai("2016-08-31T07:30:11", 36), 1.6286, 0.0161
    sets = _real("41335_sentinel-3a_2016-08.tle")
    for method in ("ml", "inc"):
        found, _ = detect(sets, method=method)
        assert [m.maneuver_type for m in found] == ["inc"], method
        m = found[0]
        # a plane change meets the old plane twice a revolution: it is timed within its gap (the sets here are
        # a day apart), not to the minute; the gap must hold the burn and the time be within 12 h of it
        assert m.before.epoch_unix_s <= burn <= m.after.epoch_unix_s, method
        assert _hours(m, burn) <= 12.0, method
        assert m.delta_v_mps == pytest.approx(truth_dv, rel=0.2), method
        assert _crosstrack_dominates(m) and m.sgp4_delta_v_mps == pytest.approx(truth_dv, rel=0.2), method
        assert m.probability > 0.9
    # the semi-major axis alone sees only the burn's small along-track part, in the same gap
    found, _ = detect(sets, method="sma")
    assert len(found) == 1 and found[0].after.epoch_unix_s == m.after.epoch_unix_s
    assert found[0].delta_v_mps == pytest.approx(truth_along, abs=0.01)


# CryoSat-2's CRYO2ICE raise, July 2020 (manoeuvre file, TAI): five groups of along-track burns, (first burn,
# last burn, Δv summed over the group in m/s). ESA: "raise CryoSat-2's orbit by approximately 900 metres"
# (≈ 0.475 m/s); the record's total is 0.4733 m/s.
CRYO2ICE = [
    ("2020-07-16T22:45:57", "2020-07-16T22:45:57", 0.0546),
    ("2020-07-20T22:37:41", "2020-07-21T03:35:22", 0.1349),
    ("2020-07-23T23:20:55", "2020-07-24T04:18:37", 0.1250),
    ("2020-07-27T23:12:56", "2020-07-28T04:10:39", 0.1196),
    ("2020-07-30T23:24:02", "2020-07-30T23:24:02", 0.0392),
]


def test_cryosat_2_cryo2ice_raise_is_found_burn_group_by_burn_group_and_nothing_else():
    sets = _real("36508_cryosat-2_2020-07.tle")
    margin_h = 3.0
    for method in ("ml", "sma"):
        found, _ = detect(sets, method=method)
        assert found and all(m.maneuver_type == "sma" for m in found), method
        per_group = [0.0] * len(CRYO2ICE)
        for m in found:  # every maneuver found (≥ 0.01 m/s) lies within 3 h of one of the record's burn groups
            groups = [
                k
                for k, (first, last, _) in enumerate(CRYO2ICE)
                if _tai(first, 37) - margin_h * 3600 <= m.time_unix <= _tai(last, 37) + margin_h * 3600
            ]
            assert len(groups) == 1, (method, datetime.fromtimestamp(m.time_unix, UTC))
            per_group[groups[0]] += m.delta_v_mps
            assert _alongtrack_dominates(m), method
        for got, (first, _, want) in zip(per_group, CRYO2ICE, strict=True):
            assert got == pytest.approx(want, rel=0.2), (method, first)
        assert sum(per_group) == pytest.approx(0.4733, rel=0.2) and sum(per_group) == pytest.approx(0.475, rel=0.2)
    assert detect(sets, method="inc")[0] == []  # the burns' cross-track parts are 0.0003 m/s: no plane change


# Sentinel-6A's final orbit raising, December 2020 (manoeuvre file, TAI): (burn, |Δv| m/s). The benchmark's yaml
# list has each of these a day late (its conversion adds the day of year to 1 January); the TLE steps agree with
# this record.
SENTINEL_6A = [
    ("2020-12-10T05:04:54", 4.4158),
    ("2020-12-14T05:20:05", 5.1683),
    ("2020-12-16T06:28:03", 0.4817),
    ("2020-12-18T00:39:18", 0.5053),
]


def test_sentinel_6a_orbit_raising_matches_the_operator_record_in_time_and_size():
    """The two large burns are timed within 1 h; the two 0.5 m/s ones within 12 h, as their sets are 16-34 h apart
    and the set 2 h after the 2020-12-16 burn is still a fit of the orbit before it. The 2021-02-18 burn (0.0031 m/s)
    is below what the sets show; nothing else above 0.1 m/s is found."""
    found, _ = detect(_real("46984_sentinel-6a.tle"), method="sma")
    steps = [m for m in found if m.delta_v_mps > 0.1]
    assert len(steps) == len(SENTINEL_6A)
    for m, (when, dv), within_h in zip(steps, SENTINEL_6A, (1.0, 1.0, 12.0, 12.0), strict=True):
        assert _hours(m, _tai(when, 37)) <= within_h, when
        assert m.delta_v_mps == pytest.approx(dv, rel=0.2), when


def test_sentinel_6a_orbit_raising_is_found_by_the_learned_detector_too():
    """Every step of the record is kept by ``ml`` too, its along-track part within 20 % of the record's. The fits
    around the 2020-12-18 burn also show a 1.4-1.6 m/s cross-track shift the record does not have (0.001 m/s), so
    that step's total Δv is larger than the record's: only its along-track part is held to it."""
    found, _ = detect(_real("46984_sentinel-6a.tle"), method="ml")
    steps = [m for m in found if m.delta_v_mps > 0.1]
    assert len(steps) == len(SENTINEL_6A)
    for m, (when, dv) in zip(steps, SENTINEL_6A, strict=True):
        assert _hours(m, _tai(when, 37)) <= 12.0 and m.gve_dv_along_mps == pytest.approx(dv, rel=0.2), when
    # the 2020-12-16 step's gap has one set on a side, whose plane shift (z 3-5) no longer counts beside the
    # in-plane step: an in-plane burn of the record's size (it was a 0.91 m/s plane change)
    assert steps[2].maneuver_type == "sma" and steps[2].delta_v_mps == pytest.approx(SENTINEL_6A[2][1], rel=0.1)
    assert steps[2].sgp4_delta_v_mps == pytest.approx(SENTINEL_6A[2][1], rel=0.1)


# Sentinel-3B leaving its tandem formation with Sentinel-3A, October-November 2018 (manoeuvre file, TAI): the burns
# of 0.1 m/s or more, grouped as the daily sets see them: (burns, summed along-track Δv m/s). All are in-plane
# (cross-track 0); the record's other burns in the slice (10-29, the 11-04 pair, 11-27) are 0.011-0.035 m/s.
SENTINEL_3B = [
    (("2018-10-15T03:00:57", "2018-10-16T10:47:25"), -0.5597),  # lowered to drift away from Sentinel-3A
    (("2018-10-24T09:12:20",), -1.7172),
    (("2018-11-20T13:12:22", "2018-11-20T14:53:16", "2018-11-20T16:34:13", "2018-11-22T20:06:11"), 2.1691),  # stop
    (("2018-11-23T20:25:13",), 0.1581),
]


def _holds_a_burn(m: Maneuver, burns: tuple[str, ...]) -> bool:
    return any(m.before.epoch_unix_s <= _tai(b, 37) <= m.after.epoch_unix_s for b in burns)


def _tandem_exit_steps(found: list[Maneuver]) -> None:
    steps = [m for m in found if m.maneuver_type == "sma"]
    assert len(steps) == len(SENTINEL_3B)
    for m, (burns, along) in zip(steps, SENTINEL_3B, strict=True):
        assert _holds_a_burn(m, burns), burns[0]
        assert m.gve_dv_along_mps == pytest.approx(along, rel=0.2), burns[0]  # signed: lowered, then raised


def test_sentinel_3b_tandem_exit_lowering_and_raising_are_found_with_their_signs():
    """The gaps of the four steps of 0.1 m/s or more each hold one of the record's burns, the signed along-track Δv
    within 20 % of the record's; the 2018-10-24 lowering is timed within 1 h."""
    found, _ = detect(_real("43437_sentinel-3b_2018-10.tle"), method="sma", mindv_mps=0.1)
    _tandem_exit_steps(found)
    assert _hours(found[1], _tai("2018-10-24T09:12:20", 37)) <= 1.0


def test_sentinel_3b_tandem_exit_shows_no_plane_change():
    """The set 2018-10-16 18:57 (8 h after a burn, ndot 0.00088, B* 0.036) is a fit straddling the burn: part-way
    in semi-major axis and 0.012° off in inclination. It is taken as an outlier (a lone set that the inclination
    steps into and out of again), so ``ml`` reports the lowering as one in-plane step and no plane change."""
    found, _ = detect(_real("43437_sentinel-3b_2018-10.tle"), method="ml", mindv_mps=0.1)
    assert [m for m in found if m.maneuver_type == "inc"] == []
    _tandem_exit_steps(found)
