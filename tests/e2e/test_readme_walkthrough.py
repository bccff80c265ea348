"""The README as a newcomer reads it: the shell blocks of its walkthrough sections run, as written, against a
fresh local runtime, so a README that drifts from the product fails here.

The blocks read ``API=${API:-http://127.0.0.1:8000}`` and the CLI honours ``GROUNDLINK_AWS_ENDPOINT_URL``:
the test sets both to the runtime it started on free ports, nothing else is rewritten. They run in a
temporary directory laid out like a checkout (``.venv/bin/groundlink`` runs this checkout's CLI, ``shared``
is the repository's), which must hold nothing new afterwards: the walkthrough writes its files elsewhere.
A comment line of a block that is a JSON value (``# {"stored":3,…}``) is output the README promises: it must
appear among the block's output lines (a string containing "…" stands for any string).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.runtime import ROOT

SECTIONS = ("Credentials and the CLI", "A booking session (orbapi, seed 001)")
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def section_blocks(markdown: str, title: str) -> list[str]:
    """The ```sh blocks between the heading ``title`` and the next heading of any level (a ``#`` line inside a
    code block is a shell comment, not a heading)."""
    blocks: list[str] = []
    in_section = found = False
    fence: list[str] | None = None
    for line in markdown.splitlines(keepends=True):
        if fence is not None:
            if line.startswith("```"):
                if in_section and fence[0] == "sh":
                    blocks.append("".join(fence[1:]))
                fence = None
            else:
                fence.append(line)
        elif line.startswith("```"):
            fence = [line[3:].strip()]
        elif re.match(r"#+ ", line):
            in_section = line.split(" ", 1)[1].strip() == title
            found |= in_section
    assert found, f"README has no section {title!r}"
    assert blocks, f"README section {title!r} has no sh block"
    return blocks


def promised_outputs(block: str) -> list[object]:
    promised = []
    for line in block.splitlines():
        if line.startswith("# "):
            try:
                promised.append(json.loads(line[2:]))
            except ValueError:
                continue
    return promised


def matches(promised: object, actual: object) -> bool:
    if isinstance(promised, str) and "…" in promised:
        return isinstance(actual, str)
    if isinstance(promised, dict):
        return (isinstance(actual, dict) and promised.keys() == actual.keys()
                and all(matches(v, actual[k]) for k, v in promised.items()))
    return promised == actual and type(promised) is type(actual)


def json_lines(text: str) -> list[object]:
    values = []
    for line in text.splitlines():
        try:
            values.append(json.loads(line))
        except ValueError:
            continue
    return values


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A directory shaped like the checkout the README is read in."""
    work = tmp_path / "checkout"
    (work / ".venv" / "bin").mkdir(parents=True)
    cli = work / ".venv" / "bin" / "groundlink"
    cli.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m shared.cli "$@"\n')
    cli.chmod(0o755)
    (work / "shared").symlink_to(ROOT / "shared")
    return work


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="the README's prerequisites curl and jq")
def test_readme_walkthrough_runs_as_written(runtime, checkout, tmp_path):
    readme = (ROOT / "README.md").read_text()
    blocks = [block for title in SECTIONS for block in section_blocks(readme, title)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROUNDLINK_", "MOTO_", "API"))}
    env.update(API=runtime.base, GROUNDLINK_AWS_ENDPOINT_URL=runtime.moto, TMPDIR=str(tmp_path),
               PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "layers" / "orbit"), env.get("PYTHONPATH", "")]))
    before = sorted(p.name for p in checkout.iterdir())
    script = "set -euo pipefail\n" + "\n".join(blocks)  # one session: later blocks use what earlier ones set
    done = subprocess.run(["bash", "-c", script], cwd=checkout, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"README walkthrough failed:\n{done.stdout}\n{done.stderr}"
    outputs = json_lines(done.stdout)
    for block in blocks:
        for promised in promised_outputs(block):
            assert any(matches(promised, actual) for actual in outputs), (
                f"the README promises {promised!r}; the walkthrough printed:\n{done.stdout}")
    assert sorted(p.name for p in checkout.iterdir()) == before, "the walkthrough wrote into the checkout"
    # what the prose around the outputs says, checked too
    assert "3 element sets already stored" in done.stderr and "importing the same file again is safe" in done.stderr
    assert "was already revoked; nothing changed" in done.stderr
    assert any(isinstance(o, dict) and o.get("message") == "Booking cancelled successfully" for o in outputs)
    # the platform's console stayed free of expected-but-alarming library warnings (Powertools metrics and
    # idempotency notices) while serving the walkthrough, a booking with an Idempotency-Key included
    assert "Warning" not in runtime.banner, runtime.banner
