"""``python -m infra.app`` synthesizes with no AWS credentials, no AWS config and no Docker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("aws_cdk")

pytestmark = pytest.mark.xdist_group("cdk")

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_synth_without_credentials_or_docker(tmp_path: Path) -> None:
    # Given a PATH with node and a "docker" that records any call, and an environment with no AWS_*
    node = shutil.which("node")
    assert node, "the CDK needs node"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "node").symlink_to(node)
    docker_log = tmp_path / "docker-called"
    fake_docker = bin_dir / "docker"
    fake_docker.write_text(f'#!/bin/sh\necho "$@" >> {docker_log}\nexit 1\n')
    fake_docker.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_", "JSII_"))}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}",
        # HOME stays (jsii caches its unpacked modules there); the AWS files point nowhere.
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true",
        CDK_OUTDIR=str(tmp_path / "cdk.out"),
        JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION="1",
    )

    # When the app runs the way cdk.json runs it
    result = subprocess.run(
        [sys.executable, "-m", "infra.app"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    # Then it synthesizes, cdk-nag is clean, and Docker was never called
    assert result.returncode == 0, result.stderr[-4000:]
    assert (tmp_path / "cdk.out" / "Groundlink-dev.template.json").exists()
    report = json.loads((tmp_path / "cdk.out" / "validation-report.json").read_text())
    assert [(r["pluginName"], r["conclusion"]) for r in report["pluginReports"]] == [("AwsSolutions", "success")]
    assert not docker_log.exists(), docker_log.read_text()


def test_cdk_json_runs_the_app() -> None:
    cdk_json = json.loads((REPO_ROOT / "cdk.json").read_text())
    assert cdk_json["app"] == "python3 -m infra.app"
    package = json.loads((REPO_ROOT / "package.json").read_text())
    version = package["devDependencies"]["aws-cdk"]
    assert version[0].isdigit(), f"the CDK CLI must be pinned to an exact version, not {version!r}"


def test_the_pinned_cdk_cli_synthesizes_with_no_network(tmp_path: Path) -> None:
    """``make synth``'s command, once installed (npm ci, the Lambda assets under build/), in a network namespace
    with no interface but loopback: nothing is fetched (no npx, no notices, no version check, no telemetry)."""
    cdk = REPO_ROOT / "node_modules" / ".bin" / "cdk"
    if not cdk.exists():
        pytest.skip("the CDK CLI is not installed (make install runs npm ci)")
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        pytest.skip("cannot create a network namespace here (unshare -n)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}", CDK_DISABLE_VERSION_CHECK="1",
               CDK_DISABLE_CLI_TELEMETRY="true", JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION="1")
    result = subprocess.run(["unshare", "-n", str(cdk), "synth", "--quiet", "--no-notices", "-c", "stage=prod",
                             "-o", str(tmp_path / "cdk.out")], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    template = json.loads((tmp_path / "cdk.out" / "Groundlink-prod.template.json").read_text())
    assert template["Outputs"]["GroundlinkStage"]["Value"] == "prod"
