"""cfn-lint over the synthesized templates of both stages, in a commercial and a China region (cdk.json targets
``aws`` and ``aws-cn``): no error, and every warning is one listed here with the reason it is accepted."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("aws_cdk")
pytest.importorskip("cfnlint")

if TYPE_CHECKING:
    from conftest import Synth

pytestmark = pytest.mark.xdist_group("cdk")

REGIONS = ("us-east-1", "cn-north-1")
# Accepted warnings: rule → why. A rule that no longer occurs must be removed from here (the test says so).
ACCEPTED_WARNINGS = {
    "W3005": "CDK gives each Lambda function (and the state machine) an explicit DependsOn on its role's default "
             "policy and role, so the policy exists before the function first runs; the GetAtt of the role "
             "already orders the role itself, so the DependsOn is redundant, never wrong.",
}


def _cfn_lint() -> str:
    found = shutil.which("cfn-lint", path=str(Path(sys.executable).parent))
    assert found, "cfn-lint is a dev dependency (pyproject.toml)"
    return found


def _templates(*synths: Synth) -> list[Path]:
    """Each stack's template and its monitoring nested stack's (the console's is created only outside China,
    where its CloudFront resources exist: test_console.py)."""
    return [path for s in synths for path in (Path(s.assembly.directory) / f"{s.stack.stack_name}.template.json",
                                              s.monitoring.template_path)]


def test_templates_have_no_cfn_lint_error_and_only_accepted_warnings(synth: Synth, dev_synth: Synth) -> None:
    templates = [str(path) for path in _templates(dev_synth, synth)]
    assert len(templates) == 4
    result = subprocess.run([_cfn_lint(), "--format", "json", "--regions", *REGIONS, "--", *templates],
                            capture_output=True, text=True, timeout=600)
    findings = json.loads(result.stdout or "[]")
    errors = [f for f in findings if f["Level"] == "Error"]
    assert errors == [], [(f["Rule"]["Id"], f["Message"]) for f in errors]
    warnings = {f["Rule"]["Id"] for f in findings if f["Level"] == "Warning"}
    assert warnings <= set(ACCEPTED_WARNINGS), sorted(warnings - set(ACCEPTED_WARNINGS))
    assert set(ACCEPTED_WARNINGS) <= warnings, f"no longer seen, remove: {sorted(set(ACCEPTED_WARNINGS) - warnings)}"
    assert all(len(reason) >= 40 for reason in ACCEPTED_WARNINGS.values())


def test_no_hard_coded_partition_in_the_templates(synth: Synth, dev_synth: Synth) -> None:
    for path in _templates(synth, dev_synth):
        text = path.read_text()
        assert "arn:aws:" not in text and "arn:aws-cn:" not in text
