"""The orbit layer the CDK app ships: built without Docker for python3.12 / x86_64, its sgp4 accelerated."""

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("cdk")
ROOT = Path(__file__).resolve().parents[2]


def test_layer_is_built_for_the_lambda_runtime_and_its_sgp4_is_accelerated():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_layer", ROOT / "layers" / "orbit" / "build_layer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = Path(module.build(ROOT / "build" / "layers" / "orbit"))  # cached: the CDK synth built it already
    stamp = json.loads((out / module.STAMP).read_text())
    assert "sgp4.api.accelerated is True" in stamp["check"], stamp["check"]
    python = out / "python"
    assert list((python / "numpy" / "_core").glob("_multiarray_umath.cpython-312-x86_64-linux-gnu.so"))
    assert (python / "groundlink_orbit" / "__init__.py").exists()
    assert not list(python.rglob("boto3")) and not list(python.rglob("fastapi"))  # numpy + sgp4 core only
    assert stamp["size_bytes"] < 250 * 1024 * 1024  # Lambda's unzipped limit for all layers together
