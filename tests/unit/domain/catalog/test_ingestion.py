"""Bulk ingestion (``shared.domain.catalog.ingestion``) on the in-memory store: what is stored, unchanged, rejected,
which current sets advance, the hook, progress and an interruption."""

from __future__ import annotations

import pytest

from shared.adapters.memory.catalog import InMemoryCatalogStore
from shared.domain.catalog.documents import UnreadableDocument, read_element_sets, read_satcat
from shared.domain.catalog.ingestion import CatalogIngestion, IngestReport, cospar_id
from tests.unit.domain.catalog.test_catalog_service import NEWER_L1, NEWER_L2, NOAA20

ISS = """ISS (ZARYA)
1 25544U 98067A   26107.16713328  .00006923  00000+0  13461-3 0  9994
2 25544  51.6328 242.0950 0006547 316.4598  43.5873 15.48795320562295
"""


def _checked(line: str) -> str:
    return line + str(sum(int(c) if c.isdigit() else c == "-" for c in line) % 10)


OLDER_ISS = "\n".join(["ISS (ZARYA)", _checked("1 25544U 98067A   26105.50000000  .00006923  00000+0  13461-3 0  999"),
                       _checked("2 25544  51.6328 250.0000 0006547 316.4598  43.5873 15.4879532056204"), ""])
BROKEN = NOAA20.replace("435813", "435814")  # checksum of line 2 now wrong


def ingest(ingestion: CatalogIngestion, text: str, **kwargs) -> IngestReport:
    document = read_element_sets("tle", "sets.tle", text.encode())
    return ingestion.ingest_parsed(document.parsed, source="test", labels=document.labels, **kwargs)


def test_first_import_stores_and_advances_a_reimport_changes_nothing() -> None:
    store = InMemoryCatalogStore()
    advanced: list[set[int]] = []
    ingestion = CatalogIngestion(store, on_advanced=advanced.append, chunk_size=1)
    first = ingest(ingestion, ISS + NOAA20)
    assert (first.read, first.stored, first.unchanged, first.rejected, first.advanced) == (2, 2, 0, [], {25544, 43013})
    assert advanced == [{25544, 43013}]
    history_before = store.element_set_history(25544)
    again = ingest(ingestion, ISS + NOAA20)
    assert (again.stored, again.unchanged, again.advanced) == (0, 2, set())
    assert advanced == [{25544, 43013}]  # nothing advanced: the hook is not called
    assert store.element_set_history(25544) == history_before  # not even uploaded_at moved
    assert store.get_satellite(25544).cospar_id == "1998-067A"


def test_older_sets_go_to_history_newer_ones_advance_and_duplicates_in_a_file_count_once() -> None:
    store = InMemoryCatalogStore()
    ingestion = CatalogIngestion(store)
    ingest(ingestion, ISS)
    older = ingest(ingestion, OLDER_ISS + OLDER_ISS)
    assert (older.stored, older.unchanged, older.advanced) == (1, 1, set())
    assert store.get_satellite(25544).tle.line2.split()[3] == "242.0950"
    again = ingest(ingestion, OLDER_ISS)  # already in the history, not the current one
    assert (again.stored, again.unchanged) == (0, 1)
    newer = f"NOAA 20\n{NEWER_L1}\n{NEWER_L2}\n"
    report = ingest(ingestion, NOAA20 + newer)  # two sets of one satellite: the newest becomes current
    assert (report.stored, report.advanced) == (2, {43013})
    assert store.get_satellite(43013).tle.line1 == NEWER_L1
    assert report.newest_epoch == store.get_satellite(43013).tle.epoch


def test_a_bad_record_is_named_and_the_previous_current_set_stays() -> None:
    store = InMemoryCatalogStore()
    ingestion = CatalogIngestion(store)
    ingest(ingestion, NOAA20)
    before = store.get_satellite(43013).tle
    newer_but_broken = f"NOAA 20\n{NEWER_L1}\n{NEWER_L2[:-1]}0\n"
    report = ingest(ingestion, newer_but_broken)
    assert report.stored == 0 and report.advanced == set()
    assert [str(r) for r in report.rejected] == ["line 3 (NORAD 43013, NOAA 20): checksum 0 != 9"]
    assert store.get_satellite(43013).tle == before


def test_progress_is_reported_and_an_interruption_keeps_what_was_stored() -> None:
    store = InMemoryCatalogStore()
    advanced: list[set[int]] = []
    ingestion = CatalogIngestion(store, on_advanced=advanced.append, chunk_size=1)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 1:
            raise KeyboardInterrupt

    report = IngestReport("element_sets", "sets.tle")
    with pytest.raises(KeyboardInterrupt):
        ingest(ingestion, ISS + NOAA20, progress=progress, report=report)
    assert seen == [(1, 2)]
    assert (report.stored, report.advanced) == (1, {25544})  # the first chunk is stored and reported
    assert advanced == [{25544}] and store.get_satellite(43013) is None
    done = ingest(ingestion, ISS + NOAA20)  # importing again completes it
    assert (done.stored, done.unchanged, done.advanced) == (1, 1, {43013})


@pytest.mark.parametrize(("kind", "data", "says"), [
    ("tle", b'[{"OBJECT_NAME": "ISS"}]', "sets.x: JSON, not TLE/3LE text; OMM goes to import-omm"),
    ("tle", b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "sets.x: an HTML page, not TLE/3LE text"),
    ("tle", b"\x89PNG\r\n\x1a\n\x00\x00", "sets.x: not text"),
    ("tle", b"", "sets.x: an empty document, not TLE/3LE text"),
    ("omm", ISS.encode(), "sets.x: TLE text, not OMM JSON or CSV; TLE goes to import-tle"),
    ("omm", b'{"a": 1', "sets.x: not valid JSON (line 1, column 8"),
    ("omm", b"<?xml version='1.0'?><ndm/>", "OMM XML is not read: ask for FORMAT=json or csv"),
    ("omm", b"OBJECT_NAME,OBJECT_ID\nISS,1998-067A\n", "sets.x: CSV, not OMM CSV (no column NORAD_CAT_ID, EPOCH"),
])
def test_a_document_that_is_not_what_it_is_said_to_be_is_refused_whole(kind: str, data: bytes, says: str) -> None:
    with pytest.raises(UnreadableDocument) as refused:
        read_element_sets(kind, "sets.x", data)  # type: ignore[arg-type]
    assert says in refused.value.message


OMM_CSV = (
    "OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,"
    "EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,MEAN_MOTION_DOT,"
    "MEAN_MOTION_DDOT\n"
    "ISS (ZARYA),1998-067A,2026-04-17T04:00:40.315392,15.4879532,.0006547,51.6328,242.095,316.4598,43.5873,0,U,"
    "25544,999,56229,.00013461,.6923e-4,0\n"
    "BROKEN,2017-073A,2026-04-17T04:07:57.730944,,.0002154,98.7737,47.1878,85.282,274.8602,0,U,43013,999,43581,"
    ".38109e-4,.36e-6,0\n"
)


def test_omm_csv_rows_are_read_and_a_bad_row_is_named() -> None:
    store = InMemoryCatalogStore()
    document = read_element_sets("omm", "gp.csv", OMM_CSV.encode())
    report = CatalogIngestion(store).ingest_parsed(document.parsed, source="celestrak", labels=document.labels)
    assert (report.stored, report.advanced) == (1, {25544})
    assert [str(r) for r in report.rejected] == ["row 3 (NORAD 43013, BROKEN): OMM record lacks MEAN_MOTION"]
    assert store.get_satellite(25544).cospar_id == "1998-067A"  # OBJECT_ID kept as the COSPAR id


SATCAT = (
    "OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,OPS_STATUS_CODE,OWNER,LAUNCH_DATE,LAUNCH_SITE,DECAY_DATE,"
    "PERIOD,INCLINATION,APOGEE,PERIGEE,RCS,DATA_STATUS_CODE,ORBIT_CENTER,ORBIT_TYPE\n"
    "ISS (ZARYA),1998-067A,25544,PAY,+,ISS,1998-11-20,TYMSC,,92.94,51.63,424,414,399.0524,,EA,ORB\n"
    "SL-1 R/B,1957-001A,1,R/B,D,CIS,1957-10-04,TYMSC,1957-12-01,96.19,65.10,938,214,20.4200,,EA,IMP\n"
    "NOAA 20 (JPSS-1),2017-073A,43013,PAY,+,US,2017-11-18,AFWTR,,101.4,98.7,826,823,,,EA,ORB\n"
    "BAD DATE,2020-001A,45000,PAY,+,US,18/11/2017,AFWTR,,95,53,550,540,,,EA,ORB\n"
    ",,,,,,,,,,,,,,,,\n"
)


def test_satcat_marks_decayed_objects_and_fills_the_catalogue_from_real_records() -> None:
    store = InMemoryCatalogStore()
    ingestion = CatalogIngestion(store)
    ingest(ingestion, ISS)
    rows = read_satcat("satcat.csv", SATCAT.encode())
    report = ingestion.ingest_satcat(rows, source="celestrak")
    assert (report.read, report.stored, report.unchanged) == (5, 3, 0)
    assert [str(r) for r in report.rejected] == [
        "row 5 (NORAD 45000, BAD DATE): LAUNCH_DATE '18/11/2017' is not a date (YYYY-MM-DD)",
        "row 6: NORAD_CAT_ID is missing"]
    iss, rocket, noaa = store.get_satellite(25544), store.get_satellite(1), store.get_satellite(43013)
    assert (iss.name, iss.status, iss.country_operator, iss.date_of_launch) == ("ISS (ZARYA)", "alive",
                                                                               "Multinational", "1998-11-20")
    assert iss.tle is not None and iss.class_of_orbit == "LEO" and iss.object_type == "PAY"
    assert (rocket.status, rocket.decay_date, rocket.object_type, rocket.cospar_id) == ("re-entered", "1957-12-01",
                                                                                      "R/B", "1957-001A")
    assert (noaa.country_operator, noaa.tle) == ("USA", None)
    assert ingestion.ingest_satcat(rows, source="celestrak").unchanged == 3  # the same file again: nothing written


def test_a_satcat_document_must_be_one() -> None:
    with pytest.raises(UnreadableDocument, match="OMM CSV .element sets., not SATCAT"):
        read_satcat("x.csv", OMM_CSV.encode())
    with pytest.raises(UnreadableDocument, match="TLE text, not SATCAT CSV or JSON"):
        read_satcat("x.csv", ISS.encode())


def test_cospar_ids_from_international_designators() -> None:
    assert cospar_id("1 25544U 98067A   26107.16713328") == "1998-067A"
    assert cospar_id("1 99999U 24001ABC 26107.16713328") == "2024-001ABC"
    assert cospar_id("1 99999U          26107.16713328") is None
