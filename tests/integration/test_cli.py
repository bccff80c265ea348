"""The operator CLI: tokens the platform accepts, imports through the shared import path, clear errors."""

import json

import shared.observability  # noqa: F401  (its logger binds stdout when imported: here, not inside a capsys test)
from shared.adapters.dynamo.catalog import catalog_repository
from shared.auth import decode_jwt
from shared.cli import main

GOOD = """NOAA 20 (JPSS-1)
1 43013U 17073A   26107.17219596  .00000036  00000+0  38109-4 0  9998
2 43013  98.7737  47.1878 0002154  85.2820 274.8602 14.19545792435813
"""
BAD = """BROKEN
1 43013U 17073A   26107.17219596  .00000036  00000+0  38109-4 0  9998
2 43013  98.7737  47.1878 0002154  85.2820 274.8602 14.19545792435814
"""


def test_token_prints_a_jwt_with_subject_and_scopes(capsys):
    assert main(["token", "--subject", "ops", "--scopes", "passes:read contacts", "--ttl", "60"]) == 0
    claims = decode_jwt(capsys.readouterr().out.strip())
    assert claims["sub"] == "ops" and claims["scope"] == "passes:read contacts"
    assert claims["exp"] - claims["iat"] == 60


def test_import_tle_reports_bad_sets_and_stores_good_ones(aws, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")  # no local-endpoint default: moto intercepts
    path = tmp_path / "sets.tle"
    path.write_text(BAD + GOOD)
    assert main(["import-tle", str(path), "--source", "celestrak", "--uploaded-by", "ops"]) == 1  # one rejected
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert report["stored"] == 1 and report["errors"] == ["line 3 (NORAD 43013, BROKEN): checksum 4 != 3"]
    assert (report["unchanged"], report["rejected"], report["current"]) == (0, 1, 1)
    assert f"{path}: done: 2 element sets read, 1 stored (1 became current), 0 unchanged, 1 rejected" in out.err
    assert "rejected line 3 (NORAD 43013, BROKEN): checksum 4 != 3" in out.err
    [history] = catalog_repository().element_set_history(43013)
    assert (history.source, history.uploaded_by) == ("celestrak", "ops")


def test_unreachable_database_is_one_clear_line(capsys, monkeypatch):
    monkeypatch.setenv("GROUNDLINK_AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    from shared.aws import reset_clients

    reset_clients()
    assert main(["api-token", "list"]) == 3
    err = capsys.readouterr().err
    assert "cannot use DynamoDB at http://127.0.0.1:9" in err and "Traceback" not in err
    reset_clients()


def test_missing_file_is_reported(capsys):
    assert main(["import-stations", "/no/such/file.json"]) == 2
    assert "cannot read /no/such/file.json" in capsys.readouterr().err


def test_api_token_create_list_revoke(aws, capsys, monkeypatch):
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")
    assert main(["api-token", "create", "--owner", "client_9", "--scopes", "passes:read bookings", "--name", "ci"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["token"].startswith("dsn_live_") and created["owner"] == "client_9"
    assert created["scopes"] == ["passes:read", "bookings"] and created["tokenId"]
    assert main(["api-token", "list", "--owner", "client_9"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["tokenId"] == created["tokenId"] and "token_hash" not in listed and listed["revoked"] is False
    assert set(listed) == {"tokenId", "owner", "scopes", "name", "createdAt", "revoked", "revokedAt"}
    assert listed["createdAt"] == created["createdAt"]  # create and list print one naming, the admin API's
    assert main(["api-token", "revoke", created["tokenId"]]) == 0
    revoked = capsys.readouterr()
    assert json.loads(revoked.out) == {"tokenId": created["tokenId"], "revoked": True, "alreadyRevoked": False}
    assert main(["api-token", "list", "--owner", "client_9"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["revoked"] is True and listed["revokedAt"].endswith("Z")


def test_revoking_a_revoked_token_says_so(aws, capsys, monkeypatch):
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")
    assert main(["api-token", "create", "--owner", "client_9", "--scopes", "passes:read"]) == 0
    token_id = json.loads(capsys.readouterr().out)["tokenId"]
    assert main(["api-token", "revoke", token_id]) == 0
    capsys.readouterr()
    assert main(["api-token", "revoke", token_id]) == 0  # idempotent, as DELETE /admin/api-tokens/{tokenId}
    again = capsys.readouterr()
    assert json.loads(again.out)["alreadyRevoked"] is True
    assert f"API token {token_id} was already revoked; nothing changed" in again.err
    assert main(["api-token", "revoke", "no-such-token"]) == 1
    assert "no API token with id no-such-token" in capsys.readouterr().err


def test_reimporting_says_duplicates_are_fine(aws, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")
    path = tmp_path / "one.tle"
    path.write_text(GOOD)
    assert main(["import-tle", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["stored"] == 1
    assert main(["import-tle", str(path)]) == 0
    again = capsys.readouterr()
    assert (json.loads(again.out)["stored"], json.loads(again.out)["duplicates"]) == (0, 1)
    assert "1 element sets already stored" in again.err and "importing the same file again is safe" in again.err


def test_version_and_every_command_documents_arguments_scopes_and_an_example(capsys):
    import pytest

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip().startswith("groundlink ")
    commands = [["token"], ["import-tle"], ["import-omm"], ["import-stations"], ["import-transmitters"],
                ["import-spacecraft"], ["import-satellites"], ["import-news"], ["api-token", "create"],
                ["api-token", "list"], ["api-token", "revoke"]]
    for command in commands:
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        text = capsys.readouterr().out
        assert "groundlink " + " ".join(command) in text.split("example:\n")[1], command
    import argparse

    from shared.cli import _parser

    def documented(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    documented(sub)
            else:  # every argument and option says what it is
                assert action.help, (parser.prog, action.dest)

    documented(_parser())
    for command in (["token"], ["api-token", "create"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        text = capsys.readouterr().out
        assert "passes:read" in text and "bookings:create" in text and "admin" in text
    with pytest.raises(SystemExit):
        main(["token", "--help"])
    assert "contacts.view" in capsys.readouterr().out


def test_api_token_create_validates_like_the_api(aws, capsys, monkeypatch):
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")
    assert main(["api-token", "create", "--owner", " spaced ", "--scopes", "passes:read"]) == 2
    assert "field 'owner'" in capsys.readouterr().err
    assert main(["api-token", "create", "--owner", "c", "--scopes", "Passes:READ admin!!"]) == 2
    assert "field 'scopes'" in capsys.readouterr().err


ISS = """ISS (ZARYA)
1 25544U 98067A   26107.50000000  .00016717  00000+0  30164-3 0  9999
2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.50000000 12340
"""


def test_an_element_set_import_rechecks_the_reservations_once_for_every_satellite(aws, tmp_path, capsys,
                                                                                 monkeypatch):
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")
    import shared.wiring.ledger as wiring
    from shared.domain.ledger.service import RecheckReport

    calls: list[set[int]] = []

    def recheck(norad_ids):
        calls.append(set(norad_ids))
        return RecheckReport(checked=2, review=[7])

    monkeypatch.setattr(wiring, "recheck_after_new_elements", recheck)
    path = tmp_path / "two.tle"
    path.write_text(GOOD + ISS)
    assert main(["import-tle", str(path)]) == 0
    assert calls == [{43013, 25544}]  # one call for the whole import, with every satellite whose set became current
    assert "1 moved to review [7]" in capsys.readouterr().err
    assert main(["import-tle", str(path)]) == 0  # nothing new became current: no recheck
    assert calls == [{43013, 25544}]
