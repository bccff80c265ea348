"""The CDK targets' Node.js check: one line saying what was found and what to install; quiet when recent."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.node_check import node_problem


def _fake_node(tmp_path: Path, prints: str) -> str:
    node = tmp_path / "node"
    node.write_text(f"#!/bin/sh\necho '{prints}'\n")
    node.chmod(0o755)
    return str(node)


@pytest.mark.parametrize("version", ["v22.11.0", "v24.1.0", "v25.0.0"])
def test_a_supported_node_passes(tmp_path: Path, version: str) -> None:
    assert node_problem(_fake_node(tmp_path, version)) is None


def test_node_20_is_refused_naming_what_to_install(tmp_path: Path) -> None:
    node = _fake_node(tmp_path, "v20.20.2")
    assert node_problem(node) == (
        f"the CDK targets need Node.js >= 22; {node} is v20.20.2, out of support (Node 20 ended in April 2026): "
        "install Node.js 22 or 24 LTS (https://nodejs.org/en/download, or nvm install 22 / fnm install 22) and put it "
        "first on PATH")


def test_no_node_or_not_a_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert node_problem().startswith("the CDK targets need Node.js >= 22, and there is no 'node' on PATH")
    assert "not a Node.js version" in node_problem(_fake_node(tmp_path, "hello"))
