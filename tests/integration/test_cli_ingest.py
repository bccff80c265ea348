"""``groundlink import-tle | import-omm | import-satcat (FILE | --url URL)``: summary, exit status, bad documents and
sources, Ctrl-C keeping what was stored."""

from __future__ import annotations

import json

import pytest

import shared.observability  # noqa: F401  (its logger binds stdout when imported: here, not inside a capsys test)
from shared.adapters.dynamo.catalog import DynamoCatalogRepository, catalog_repository
from shared.cli import main
from tests.support.catalogue_server import CatalogueServer, demo_omm
from tests.unit.domain.catalog.test_ingestion import SATCAT


@pytest.fixture
def cli_env(aws, monkeypatch):
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")
    monkeypatch.setattr("shared.adapters.http_documents.time.sleep", lambda s: None)


def test_import_omm_from_a_url_and_again_changes_nothing(cli_env, capsys) -> None:
    with CatalogueServer() as server:
        url = server.serve("/gp.php", (200, demo_omm(5)))
        assert main(["import-omm", "--url", url, "--source", "celestrak"]) == 0
        first = capsys.readouterr()
        assert main(["import-omm", "--url", url]) == 0
        again = capsys.readouterr()
    report = json.loads(first.out)
    assert (report["stored"], report["current"], report["unchanged"], report["rejected"]) == (5, 5, 0, 0)
    assert f"groundlink: {url}: done: 5 element sets read, 5 stored (5 became current), 0 unchanged, 0 rejected" \
        in first.err
    assert (json.loads(again.out)["stored"], json.loads(again.out)["unchanged"]) == (0, 5)
    assert catalog_repository().get_satellite(25544).tle.source == "celestrak"


def test_a_url_that_fails_or_a_document_of_another_format_imports_nothing(cli_env, capsys, tmp_path) -> None:
    with CatalogueServer() as server:
        assert main(["import-omm", "--url", server.serve("/gone", (404, b"no"))]) == 3
        assert f"groundlink: {server.url('/gone')}: HTTP 404 Not Found; nothing was imported" in capsys.readouterr().err
        assert main(["import-tle", "--url", server.serve("/busy", (502, b"bad gateway"))]) == 3
        assert "HTTP 502 Bad Gateway (after 3 attempts); nothing was imported" in capsys.readouterr().err
    assert main(["import-tle", "--url", "http://127.0.0.1:9/gp.txt"]) == 3
    assert "http://127.0.0.1:9/gp.txt: unreachable" in capsys.readouterr().err
    json_as_tle = tmp_path / "gp.tle"
    json_as_tle.write_text(json.dumps(demo_omm(2)))
    assert main(["import-tle", str(json_as_tle)]) == 2
    assert f"groundlink: {json_as_tle}: JSON, not TLE/3LE text; OMM goes to import-omm" in capsys.readouterr().err
    assert catalog_repository().list_satellites() == []


def test_import_satcat_marks_decayed_objects_and_exits_1_naming_rejections(cli_env, capsys, tmp_path) -> None:
    path = tmp_path / "satcat.csv"
    path.write_text(SATCAT)
    assert main(["import-satcat", str(path)]) == 1
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert (report["kind"], report["stored"], report["rejected"]) == ("satcat", 3, 2)
    assert "rejected row 6: NORAD_CAT_ID is missing" in out.err
    assert catalog_repository().get_satellite(1).status == "re-entered"


def test_ctrl_c_keeps_what_was_stored_and_prints_the_summary_so_far(cli_env, capsys, tmp_path, monkeypatch) -> None:
    path = tmp_path / "sets.json"
    path.write_text(json.dumps(demo_omm(6)))
    from shared.domain.catalog.ingestion import CatalogIngestion

    monkeypatch.setitem(CatalogIngestion.__init__.__kwdefaults__, "chunk_size", 2)  # three rounds of two
    calls = []
    real = DynamoCatalogRepository.advance_current

    def interrupted(self, records):
        calls.append(len(records))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, records)

    monkeypatch.setattr(DynamoCatalogRepository, "advance_current", interrupted)
    assert main(["import-omm", str(path)]) == 130
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert report["interrupted"] is True and report["current"] == 2
    assert "interrupted (Ctrl-C) — so far" in out.err and "what was stored stays" in out.err
    monkeypatch.setattr(DynamoCatalogRepository, "advance_current", real)
    assert main(["import-omm", str(path)]) == 0  # importing again completes it
    done = json.loads(capsys.readouterr().out)
    assert done["current"] == 4 and len([s for s in catalog_repository().list_satellites() if s.tle]) == 6
