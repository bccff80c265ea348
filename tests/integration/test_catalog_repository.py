"""Element-set history: appended, never overwritten; the newest epoch is current; re-imports are no-ops."""

from shared.adapters.dynamo.catalog import catalog_repository
from shared.domain.catalog.service import CatalogService

ISS_OLD = """ISS (ZARYA)
1 25544U 98067A   26105.50000000  .00006923  00000+0  13461-3 0  9991
2 25544  51.6328 250.0000 0006547 316.4598  43.5873 15.48795320562047
"""


def _fix_checksum(line: str) -> str:
    total = sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in line[:68])
    return line[:68] + str(total % 10)


def _tle(epoch_doy: str, raan: str) -> str:
    l1 = _fix_checksum(f"1 25544U 98067A   26{epoch_doy}  .00006923  00000+0  13461-3 0  999x")
    l2 = _fix_checksum(f"2 25544  51.6328 {raan} 0006547 316.4598  43.5873 15.48795320562040")
    return f"ISS (ZARYA)\n{l1}\n{l2}\n"


def test_history_is_appended_and_newest_epoch_wins(aws):
    repo = catalog_repository()
    newer, older = _tle("107.16713328", "242.0950"), _tle("105.50000000", "250.0000")
    first = CatalogService(repo).import_tle_text(newer, source="celestrak", uploaded_by="ops")
    assert (first.stored, first.current, first.errors) == (1, 1, [])
    second = CatalogService(repo).import_tle_text(older, source="operator-upload", uploaded_by="alice")
    assert (second.stored, second.current) == (1, 0)
    again = CatalogService(repo).import_tle_text(newer + older)
    assert (again.stored, again.duplicates) == (0, 2)

    history = repo.element_set_history(25544)
    assert [h.source for h in history] == ["operator-upload", "celestrak"]  # sorted by epoch
    assert [h.uploaded_by for h in history] == ["alice", "ops"]
    sat = repo.get_satellite(25544)
    assert sat.tle.line2.split()[3] == "242.0950" and sat.name == "ISS (ZARYA)"


def test_bad_element_sets_are_reported_and_good_ones_still_stored(aws):
    repo = catalog_repository()
    good = _tle("107.16713328", "242.0950")
    broken = good.replace("ISS (ZARYA)", "BROKEN").replace("242.0950", "242.0951")  # checksum now wrong
    report = CatalogService(repo).import_tle_text(broken + good)
    assert report.stored == 1 and len(report.errors) == 1
    assert report.errors[0].startswith("line 3: checksum ")  # the file's line 3: the broken set's line 2


def test_demo_data_loads_through_the_ingestion_with_its_satcat_records(demo):
    reports = {r.kind: r for r in demo}
    sets = reports["element_sets"]
    assert (sets.stored, sets.current, sets.errors) == (35, 35, [])
    assert (reports["satcat"].stored, reports["satcat"].errors) == (35, [])
    listing = {s.norad_id: s for s in catalog_repository().list_satellites()}  # the published snapshot
    iss, ao7 = listing[25544], listing[7530]
    assert (iss.cospar_id, iss.object_type, iss.status, iss.tle is not None) == ("1998-067A", "PAY", "alive", True)
    assert (ao7.cospar_id, ao7.class_of_orbit, ao7.name) == ("1974-089B", "LEO", "AO-7")  # curated name kept
