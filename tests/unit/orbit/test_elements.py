"""TLE / 3LE / Alpha-5 / OMM parsing and every rejection message."""

from datetime import UTC, datetime

import pytest
from groundlink_orbit import ElementSetError, parse_omm, parse_tle, parse_tle_text
from groundlink_orbit.elements import _checksum

L0 = "ISS (ZARYA)"
L1 = "1 25544U 98067A   26107.16713328  .00006923  00000+0  13461-3 0  9994"
L2 = "2 25544  51.6328 242.0950 0006547 316.4598  43.5873 15.48795320562295"


def with_checksum(line: str) -> str:
    return line[:68] + str(_checksum(line))


def test_parse_tle_decodes_elements_with_units():
    es = parse_tle(L1, L2, L0)
    assert es.norad_id == 25544 and es.name == L0 and es.intl_designator == "98067A"
    assert (
        es.epoch_utc == datetime(2026, 4, 17, 4, 0, 40, 315392, tzinfo=UTC)
        or abs(es.epoch_utc.timestamp() - datetime(2026, 4, 17, tzinfo=UTC).timestamp() - 0.16713328 * 86400) < 1e-3
    )
    assert es.epoch_unix_s == pytest.approx(es.epoch_utc.timestamp(), abs=1e-5)
    assert es.inclination_deg == pytest.approx(51.6328)
    assert es.raan_deg == pytest.approx(242.0950)
    assert es.eccentricity == pytest.approx(0.0006547)
    assert es.mean_motion_rev_per_day == pytest.approx(15.48795320)
    assert es.bstar == pytest.approx(0.13461e-3)
    assert es.period_min == pytest.approx(1440 / 15.48795320)
    assert 6700 < es.semi_major_axis_km < 6800
    assert es.satrec().satnum == 25544


@pytest.mark.parametrize(
    ("line1", "line2", "message", "line_no"),
    [
        (L1, L2[:68] + "3", "line 2: checksum 3 != 5", 2),
        (L1[:68] + "0", L2, "line 1: checksum 0 != 4", 1),
        (L1[:60], L2, "line 1: length 60 != 69", 1),
        (L1, "3" + L2[1:], "line 2: must start with '2 '", 2),
        (L1, with_checksum(L2[:2] + "25545" + L2[7:]), "line 2: catalogue number 25545 != 25544 on line 1", 2),
        (L1, with_checksum(L2[:8] + "  5x.6328"[1:] + L2[16:]), "line 2: inclination", 2),
        (with_checksum(L1[:2] + "I5544" + L1[7:]), L2, "line 1: catalogue number 'I5544'", 1),
        (L1, with_checksum(L2[:52] + " 0.00000000" + L2[63:]), "line 2: mean motion 0.0 rev/day must be positive", 2),
    ],
)
def test_each_bad_element_set_names_line_and_reason(line1, line2, message, line_no):
    with pytest.raises(ElementSetError) as info:
        parse_tle(line1, line2)
    assert str(info.value).startswith(message)
    assert info.value.line == line_no
    assert isinstance(info.value, ValueError)


def test_alpha5_catalogue_numbers():
    line1 = with_checksum(L1[:2] + "A0001" + L1[7:])
    line2 = with_checksum(L2[:2] + "A0001" + L2[7:])
    es = parse_tle(line1, line2)
    assert es.norad_id == 100001
    z = parse_tle(with_checksum(L1[:2] + "Z9999" + L1[7:]), with_checksum(L2[:2] + "Z9999" + L2[7:]))
    assert z.norad_id == 339999


def test_batch_reports_bad_items_and_keeps_good_ones():
    bad2 = L2[:68] + "3"
    lines = [L0, L1, L2, "", L1, bad2, "0 SECOND", L1, L2, "ORPHAN NAME", "THIRD", L1, L2, L1, L2]
    report = parse_tle_text("\n".join(lines))
    assert [e.name for e in report.element_sets] == ["ISS (ZARYA)", "SECOND", "THIRD", None]
    assert [(e.index, e.first_line_no, e.message) for e in report.errors] == [
        (1, 5, "line 6: checksum 3 != 5"),
        (3, 10, "line 10: name line 'ORPHAN NAME' is not followed by a TLE line starting with '1 '"),
    ]


def test_batch_errors_name_the_file_line_and_the_problem_in_one_message():
    other = with_checksum(L2[:2] + "25545" + L2[7:])
    text = "\n".join([L0, L1, L2, L1, other, "", L1, "TRAILING NAME"])
    assert [e.message for e in parse_tle_text(text).errors] == [
        "line 5: catalogue number 25545 != 25544 on line 4",
        "line 7: TLE line 1 is not followed by its line 2 (starting with '2 ')",
        "line 8: name line 'TRAILING NAME' is not followed by a TLE line starting with '1 '",
    ]
    assert [e.message for e in parse_tle_text(L2).errors] == [
        "line 1: TLE line 2 without the line 1 (starting with '1 ') before it"]


def test_two_line_form_without_names(snapshot):
    text = "\n".join(f"{s.line1}\n{s.line2}" for s in snapshot[:5])
    report = parse_tle_text(text)
    assert [s.norad_id for s in report.element_sets] == [s.norad_id for s in snapshot[:5]]
    assert all(s.name is None for s in report.element_sets)


CELESTRAK_OMM = {
    "OBJECT_NAME": "ISS (ZARYA)",
    "OBJECT_ID": "1998-067A",
    "EPOCH": "2026-04-17T04:00:40.315392",
    "MEAN_MOTION": 15.4879532,
    "ECCENTRICITY": 0.0006547,
    "INCLINATION": 51.6328,
    "RA_OF_ASC_NODE": 242.095,
    "ARG_OF_PERICENTER": 316.4598,
    "MEAN_ANOMALY": 43.5873,
    "EPHEMERIS_TYPE": 0,
    "CLASSIFICATION_TYPE": "U",
    "NORAD_CAT_ID": 25544,
    "ELEMENT_SET_NO": 999,
    "REV_AT_EPOCH": 56229,
    "BSTAR": 0.00013461,
    "MEAN_MOTION_DOT": 6.923e-5,
    "MEAN_MOTION_DDOT": 0,
}


def test_omm_celestrak_json_matches_tle():
    report = parse_omm(CELESTRAK_OMM)
    assert not report.errors
    es = report.element_sets[0]
    tle = parse_tle(L1, L2)
    assert es.norad_id == 25544 and es.name == "ISS (ZARYA)" and es.intl_designator == "98067A"
    assert es.epoch_unix_s == pytest.approx(tle.epoch_unix_s, abs=1e-3)
    assert es.inclination_deg == pytest.approx(tle.inclination_deg)
    assert es.line2[8:63] == tle.line2[8:63]


def test_omm_space_track_strings_alpha5_and_errors():
    spacetrack = {k: str(v) for k, v in CELESTRAK_OMM.items()}
    spacetrack["NORAD_CAT_ID"] = "270001"
    broken = dict(CELESTRAK_OMM)
    del broken["MEAN_MOTION"]
    report = parse_omm([spacetrack, broken, "nonsense"])
    assert [e.norad_id for e in report.element_sets] == [270001]
    es = report.element_sets[0]
    assert es.line1[2:7] == "T0001" and es.line2[2:7] == "T0001"
    assert [e.index for e in report.errors] == [1, 2]
    assert "MEAN_MOTION" in report.errors[0].message
    assert report.errors[0].message.startswith("item 2: OMM record lacks")
