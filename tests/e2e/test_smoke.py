"""``groundlink smoke`` against the local runtime, as an operator runs it against a deployed stack: every step
passes over real HTTP (the uplink object through the embedded S3); with ``--url --token`` only HTTP is used and
the uplink step says it was skipped; a platform it cannot reach or a credential short of scopes fails, exit 1."""

from __future__ import annotations

import json

import pytest

from infra.local.emulation import free_port
from tests.e2e.runtime import groundlink

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
STEPS = ["credential", "health", "catalogue", "pass search", "book orbapi", "uplink", "cancel orbapi", "contact",
         "pass analysis", "cleanup"]


def outcomes(stdout: str) -> dict[str, str]:
    lines = [line for line in stdout.splitlines() if line[:4] in ("PASS", "FAIL", "SKIP")]
    return {line[6:19].strip(): line[:4] for line in lines}


def test_smoke_passes_every_step_against_the_local_runtime(runtime) -> None:
    result = groundlink(runtime, "smoke")
    assert result.returncode == 0, result.stdout + result.stderr
    assert outcomes(result.stdout) == dict.fromkeys(STEPS, "PASS"), result.stdout
    assert result.stdout.splitlines()[-1] == f"smoke passed: {len(STEPS)} passed, 0 failed, 0 skipped"
    assert "verified by the platform (sha256)" in result.stdout
    assert "CONFIRMED, then DELETE: CANCELLED" in result.stdout
    # what it booked it cancelled, and its client is revoked
    clients = json.loads(groundlink(runtime, "oauth-client", "list").stdout)
    assert [c["revoked"] for c in clients if c["name"] == "groundlink smoke"] == [True]


def test_smoke_with_url_and_an_admin_token_skips_only_the_uplink(runtime) -> None:
    boot = groundlink(runtime, "admin", "bootstrap")
    assert boot.returncode == 0, boot.stderr
    admin = json.loads(boot.stdout)["token"]
    result = groundlink(runtime, "smoke", "--url", runtime.base, "--token", admin)
    assert result.returncode == 0, result.stdout + result.stderr
    seen = outcomes(result.stdout)
    assert seen == {**dict.fromkeys(STEPS, "PASS"), "uplink": "SKIP"}, result.stdout
    [uplink] = [line for line in result.stdout.splitlines() if line.startswith("SKIP  uplink")]
    assert "needs S3 access to the uplink bucket: run with --stack NAME" in uplink
    assert "(POST /admin/oauth-clients)" in result.stdout and "revoked (DELETE /admin/oauth-clients)" in result.stdout
    # bootstrap again: refused, the first admin token exists
    again = groundlink(runtime, "admin", "bootstrap")
    assert again.returncode == 1 and "an active admin API token exists already" in again.stderr


def test_smoke_fails_with_a_token_short_of_scopes(runtime) -> None:
    token = groundlink(runtime, "token", "--subject", "viewer", "--scopes", "passes:read").stdout.strip()
    result = groundlink(runtime, "smoke", "--url", runtime.base, "--token", token)
    assert result.returncode == 1, result.stdout
    seen = outcomes(result.stdout)
    assert seen["credential"] == "PASS" and seen["catalogue"] == "FAIL" and seen["book orbapi"] == "SKIP"
    assert "GET /api/v1/spacecraft answered 403" in result.stdout  # spacecraft.view is not granted
    assert result.stdout.splitlines()[-1].startswith("smoke FAILED:")


def test_smoke_fails_when_the_platform_cannot_be_reached(runtime) -> None:
    result = groundlink(runtime, "smoke", "--url", f"http://127.0.0.1:{free_port()}", "--token", "dsn_live_x")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[1].startswith("FAIL  credential") and "cannot connect" in lines[1]
    assert all(line.startswith("SKIP") for line in lines[2:-1]), lines
    assert lines[-1] == "smoke FAILED: 0 passed, 1 failed, 8 skipped"


def test_smoke_refuses_half_a_target(runtime) -> None:
    result = groundlink(runtime, "smoke", "--url", runtime.base)
    assert result.returncode == 2 and "--url and --token go together" in result.stderr
