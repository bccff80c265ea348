"""The catalogue's use cases (``CatalogService``) on the in-memory store: fast, no moto."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.memory.catalog import InMemoryCatalogStore
from shared.domain.catalog.models import Satellite, ServiceConfig, Spacecraft, Station, Transmitter
from shared.domain.catalog.service import OFFICIAL_NAME, CatalogService, satellite_type
from shared.domain.errors import InvalidRequest, NotFound
from shared.domain.identity import Principal

NOAA20 = """NOAA 20 (JPSS-1)
1 43013U 17073A   26107.17219596  .00000036  00000+0  38109-4 0  9998
2 43013  98.7737  47.1878 0002154  85.2820 274.8602 14.19545792435813
"""
NEWER_L1 = "1 43013U 17073A   26108.17219596  .00000036  00000+0  38109-4 0  9999"
NEWER_L2 = "2 43013  98.7737  48.1719 0002154  85.2820 274.8602 14.19545792435829"

OWNER = Principal("demo", ("spacecraft.view",))
STRANGER = Principal("mallory", ("spacecraft.view",))
ADMIN = Principal("ops", ("admin",))


def station(sid: str, name: str, acronym: str, description: str = "") -> dict[str, object]:
    return {"id": sid, "name": name, "acronym": acronym, "description": description,
            "latitude": 67.9, "longitude": 21.1, "altitude": 341}


@pytest.fixture
def catalog() -> CatalogService:
    store = InMemoryCatalogStore()
    service = CatalogService(store)
    service.import_stations([station("10", "Santiago", "SAN", "Chile dish"), station("3", "Esrange", "ESR"),
                             station("4", "Weilheim", "WGS")])
    service.import_tle_text(NOAA20, source="celestrak")
    service.import_satellites([
        {"norad_id": 43013, "name": "NOAA 20", "names": "NOAA 20 (JPSS-1)", "country_operator": "USA",
         "constellation_name": "JPSS", "detailed_purpose": "Earth Observation", "purpose": "Earth Science",
         "contractor": "Ball Aerospace"},
        {"norad_id": 39634, "name": "SENTINEL-1A", "country_operator": "ESA", "purpose": "Earth Observation",
         "detailed_purpose": "Radar Imaging", "satellite_name_official": "Sentinel-1A"},
        {"norad_id": 7, "name": "MYSTERY", "country_operator": "usa"},
    ])  # fmt: skip
    service.import_transmitters([
        {"uuid": "tx-b", "mode": "LoRa", "mode_id": 89, "gs_id": "3"},
        {"uuid": "tx-a", "mode": "FM", "norad_cat_id": 43013},
    ])
    service.import_spacecraft([
        {"spacecraft_id": "sc-noaa20", "norad_id": 43013, "name": "NOAA 20", "acronym": "N20", "owner": "demo",
         "sites": ["3"], "services": [{"id": "svc-1", "name": "S-band"}, {"id": "svc-2", "name": "X-band"}]},
        {"spacecraft_id": "sc-other", "norad_id": 39634, "name": "Other", "acronym": "OT", "owner": "mallory"},
        {"spacecraft_id": "sc-nonorad", "name": "Cube", "acronym": "CB", "owner": "demo"},
    ])  # fmt: skip
    return service


# -- spacecraft and the ownership rule ----------------------------------------------------------------------
def test_someone_elses_spacecraft_is_not_found(catalog: CatalogService) -> None:
    assert catalog.spacecraft("sc-noaa20", OWNER).norad_id == 43013
    for principal, sid in ((STRANGER, "sc-noaa20"), (OWNER, "sc-unknown")):
        with pytest.raises(NotFound, match=f"spacecraft '{sid}' does not exist"):
            catalog.spacecraft(sid, principal)
    assert catalog.spacecraft("sc-noaa20", ADMIN).owner == "demo"


def test_spacecraft_list_shows_only_the_visible_ones_filtered_by_one_field(catalog: CatalogService) -> None:
    assert [s.spacecraft_id for s in catalog.spacecraft_list(OWNER)] == ["sc-noaa20", "sc-nonorad"]
    assert [s.spacecraft_id for s in catalog.spacecraft_list(ADMIN)] == ["sc-noaa20", "sc-nonorad", "sc-other"]
    assert [s.spacecraft_id for s in catalog.spacecraft_list(OWNER, "acronym", ["n20", "OT"])] == ["sc-noaa20"]
    assert [s.spacecraft_id for s in catalog.spacecraft_list(OWNER, "norad_id", [43013, 39634])] == ["sc-noaa20"]


def test_services_of_a_spacecraft(catalog: CatalogService) -> None:
    assert [s.id for s in catalog.services("sc-noaa20", "contact", OWNER)] == ["svc-1", "svc-2"]
    assert [s.id for s in catalog.services("sc-noaa20", "contact", OWNER, ["x-BAND"])] == ["svc-2"]
    assert catalog.service("sc-noaa20", "contact", "svc-2", OWNER) == ServiceConfig(id="svc-2", name="X-band")
    with pytest.raises(InvalidRequest, match="service_type"):
        catalog.services("sc-noaa20", "ranging", OWNER)
    with pytest.raises(NotFound, match="service configuration 'svc-9' does not exist"):
        catalog.service("sc-noaa20", "contact", "svc-9", OWNER)
    with pytest.raises(NotFound, match="does not exist"):
        catalog.services("sc-noaa20", "contact", STRANGER)


# -- element sets -------------------------------------------------------------------------------------------
def test_current_element_set_of_a_spacecraft(catalog: CatalogService) -> None:
    es = catalog.current_element_set("sc-noaa20", OWNER)
    assert es.line1.startswith("1 43013U") and es.source == "celestrak"
    with pytest.raises(NotFound, match="no TLE is available for spacecraft 'sc-nonorad'"):
        catalog.current_element_set("sc-nonorad", OWNER)


def test_an_uploaded_tle_joins_the_history_and_the_newest_epoch_becomes_current(catalog: CatalogService) -> None:
    done = catalog.upload_tle("sc-noaa20", NEWER_L1, NEWER_L2, OWNER)
    assert done.outcome == "current" and done.epoch.date() == datetime(2026, 4, 18, tzinfo=UTC).date()
    assert catalog.upload_tle("sc-noaa20", NEWER_L1, NEWER_L2, OWNER).outcome == "duplicate"
    history = catalog.element_set_history(43013)
    assert [(h.source, h.uploaded_by) for h in history] == [("celestrak", "system"), ("spacego-upload", "demo")]
    assert catalog.current_element_set("sc-noaa20", OWNER).line2 == NEWER_L2
    # an older set is kept as history only
    old_l1, old_l2 = NOAA20.splitlines()[1:3]
    assert catalog.upload_tle("sc-noaa20", old_l1, old_l2, OWNER).outcome == "duplicate"


def test_a_tle_upload_is_refused_for_another_satellite_a_bad_set_or_a_stranger(catalog: CatalogService) -> None:
    with pytest.raises(InvalidRequest, match="catalogue number 43013 is not spacecraft 'sc-other'"):
        catalog.upload_tle("sc-other", NEWER_L1, NEWER_L2, ADMIN)
    with pytest.raises(InvalidRequest, match="line 2: checksum"):
        catalog.upload_tle("sc-noaa20", NEWER_L1, NEWER_L2[:-1] + "0", OWNER)
    with pytest.raises(NotFound):
        catalog.upload_tle("sc-noaa20", NEWER_L1, NEWER_L2, STRANGER)
    assert len(catalog.element_set_history(43013)) == 1


# -- satellites ---------------------------------------------------------------------------------------------
def test_satellite_lookups(catalog: CatalogService) -> None:
    sat = catalog.satellite(43013)
    assert sat is not None and sat.tle is not None and sat.names == "NOAA 20 (JPSS-1)"
    assert catalog.satellite(1) is None
    with pytest.raises(NotFound, match="satellite 1 not found"):
        catalog.require_satellite(1)
    with pytest.raises(NotFound, match="no TLE stored for satellite 7"):
        catalog.satellite_with_element_set(7)
    assert [s.norad_id for s in catalog.satellites()] == [7, 39634, 43013]
    assert [s.norad_id for s in catalog.satellites("jpss")] == [43013]
    assert [s.norad_id for s in catalog.satellites_with_element_sets()] == [43013]
    with pytest.raises(NotFound, match="satellite\\(s\\) not found: 1, 2"):
        catalog.satellites_in_order([43013, 1, 2])
    assert [s.norad_id for s in catalog.satellites_in_order([43013, 7])] == [43013, 7]


def test_ssa_searches(catalog: CatalogService) -> None:
    assert [s.norad_id for s in catalog.search_satellites(search="sentinel")] == [39634]
    assert [s.norad_id for s in catalog.search_satellites(search="43013")] == [43013]
    assert [s.norad_id for s in catalog.search_satellites(country="USA")] == [7, 43013]
    assert [s.norad_id for s in catalog.search_satellites(constellation="jpss", country=" ")] == [43013]
    assert [s.norad_id for s in catalog.satellites_of_countries(["usa"], detailed_purpose=["earth observation"])] \
        == [43013]
    assert [s.norad_id for s in catalog.find_satellites_by_text("ball", "contractor")] == [43013]
    assert [s.norad_id for s in catalog.find_satellites_by_text("1a", OFFICIAL_NAME)] == [39634]
    assert catalog.constellations(["USA"]) == ["JPSS"]
    assert catalog.detailed_purposes(["USA", "ESA"]) == ["Earth Observation", "Radar Imaging"]
    assert catalog.satellite_types(["USA", "ESA"]) == ["EO", "SAR", "Unknown sensor"]
    assert satellite_type(Satellite(norad_id=1, name="X", purpose="SIGINT")) == "ELINT"


def test_positions_name_unknown_ids_and_satellites_without_a_set(catalog: CatalogService) -> None:
    with pytest.raises(NotFound, match="satellite\\(s\\) not found: 5"):
        catalog.positions([43013, 5], 1_776_400_000_000)
    result = catalog.positions([7, 43013], 1_776_400_000_000)
    mystery, noaa = result.satellites
    assert mystery.error == "no element set is stored for this satellite" and mystery.track == []
    assert noaa.error is None and len(noaa.track) == 91 and noaa.track[0].unix_ms == 1_776_400_000_000
    assert 820 < noaa.track[0].altitude_km < 850 and noaa.speed_km_s is not None


# -- stations and transmitters ------------------------------------------------------------------------------
def test_stations_and_sites(catalog: CatalogService) -> None:
    assert [s.id for s in catalog.stations()] == ["3", "4", "10"]  # numeric ids numerically
    assert catalog.station("3") == Station.model_validate(station("3", "Esrange", "ESR"))
    assert catalog.station("99") is None
    assert [s.id for s in catalog.stations_described("chile")] == ["10"]
    assert [s.id for s in catalog.sites("acronym", ["esr", "WGS"])] == ["3", "4"]
    with pytest.raises(NotFound, match="site '99' does not exist"):
        catalog.site("99")
    with pytest.raises(NotFound, match="ground station 99 not found"):
        catalog.require_station("99")


def test_transmitters(catalog: CatalogService) -> None:
    assert [t.uuid for t in catalog.transmitters()] == ["tx-a", "tx-b"]
    assert [t.uuid for t in catalog.transmitters(norad_id=43013)] == ["tx-a"]
    assert [t.uuid for t in catalog.transmitters(gs_id="3", mode="89")] == ["tx-b"]
    assert [t.uuid for t in catalog.transmitters(mode="lora")] == ["tx-b"]
    assert catalog.transmitters(uuid="tx-a") == [Transmitter(uuid="tx-a", mode="FM", norad_cat_id=43013)]
    with pytest.raises(NotFound, match="transmitter tx-z not found"):
        catalog.transmitters(uuid="tx-z")
    with pytest.raises(NotFound, match="satellite 1 not found"):
        catalog.transmitters(norad_id=1)
    with pytest.raises(NotFound, match="ground station 99 not found"):
        catalog.transmitters(gs_id="99")


def test_transmitters_of_a_satellite_the_catalogue_lacks_are_listed(catalog: CatalogService) -> None:
    catalog.import_transmitters([{"uuid": "tx-orphan", "mode": "LoRa", "mode_id": 89, "norad_cat_id": 99001}])
    assert [t.uuid for t in catalog.transmitters(norad_id=99001)] == ["tx-orphan"]
    assert [t.uuid for t in catalog.transmitters(norad_id=99001, mode="lora")] == ["tx-orphan"]
    assert catalog.transmitters(norad_id=99001, mode="fm") == []
    with pytest.raises(NotFound, match="satellite 99002 not found"):
        catalog.transmitters(norad_id=99002)


# -- imports ------------------------------------------------------------------------------------------------
def test_imports_report_each_bad_item_and_store_the_good_ones() -> None:
    catalog = CatalogService(InMemoryCatalogStore())
    report = catalog.import_stations([station("1", "A", "A"), {"id": "2", "name": "B"}])
    assert (report.kind, report.stored) == ("stations", 1)
    assert report.errors[0].startswith("item 2: acronym: Field required")
    assert catalog.import_transmitters({"uuid": "x"}).errors == ["expected a JSON list of transmitters, got dict"]
    broken = NOAA20.replace("435813", "435814")
    tle = catalog.import_tle_text(broken + NOAA20.replace("NOAA 20", "AGAIN"))
    assert (tle.stored, tle.current, tle.duplicates) == (1, 1, 0)
    assert tle.errors == ["line 3: checksum 4 != 3"]  # the file's line and the problem, in one message
    assert catalog.import_tle_text(NOAA20).as_dict() == {"kind": "element_sets", "stored": 0, "current": 0,
                                                         "duplicates": 1, "errors": []}
    omm = catalog.import_omm_json({"OBJECT_NAME": "X"})
    assert omm.stored == 0 and len(omm.errors) == 1
    assert catalog.import_spacecraft([Spacecraft(spacecraft_id="s", name="S", acronym="S", owner="o").model_dump()]
                                     ).stored == 1
