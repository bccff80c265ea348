"""Build the Lambda assets without Docker, cached under ``build/`` by a hash of their inputs.

* the function code: ``shared/`` and ``functions/`` only (no tests, infra, layers, caches);
* the runtime-dependencies layer: the pins of ``pyproject.toml``'s ``[project] dependencies``
  (fastapi, mangum, pydantic, aws-lambda-powertools, pyjwt) installed with
  ``pip --platform manylinux… --python-version 3.12`` — boto3 comes with the Lambda runtime,
  numpy and sgp4 are the orbit layer's;
* the orbit layer: ``layers/orbit/build_layer.py``'s ``build(out_dir) -> Path``, zipped.

Each asset is a zip file named after the hash of everything that went into it, so a repeated synth
reuses it (and CDK, given the same hash, does not fingerprint it again). Nothing here calls AWS.

Run ``python -m infra.build_assets`` to build (or refresh) every asset ahead of a synth.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = REPO_ROOT / "build"

LAMBDA_PYTHON_VERSION = "3.12"
# pip does not widen a perennial manylinux tag to older ones: name both, newest first.
PIP_PLATFORMS = ("manylinux_2_28_x86_64", "manylinux2014_x86_64")

# What the runtime-dependencies layer leaves out, by distribution name (normalised).
NOT_IN_RUNTIME_LAYER = {"boto3", "numpy", "sgp4"}
# Distributions the python3.12 Lambda runtime already ships (boto3's closure). aws-xray-sdk pulls
# botocore in; a second botocore in the layer, ahead of the runtime's boto3 on sys.path, only risks
# version skew (and weighs ~25 MB).
PROVIDED_BY_LAMBDA_RUNTIME = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "urllib3",
    "six",
)

FUNCTION_CODE_DIRS = ("shared", "functions")
IGNORED_NAMES = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".DS_Store"}
IGNORED_SUFFIXES = (".pyc", ".pyo")

# Bump when the way an asset is built changes, so old caches are not reused.
BUILDER_VERSION = "1"


@dataclass(frozen=True)
class BuiltAsset:
    """A zip file ready for ``lambda.Code.from_asset`` and the hash that names it."""

    path: Path
    asset_hash: str


def _normalise(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def _dist_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if not match:
        raise ValueError(f"cannot read a distribution name from {requirement!r}")
    return _normalise(match.group(1))


def project_dependencies(repo_root: Path = REPO_ROOT) -> list[str]:
    with (repo_root / "pyproject.toml").open("rb") as handle:
        return list(tomllib.load(handle)["project"]["dependencies"])


def runtime_layer_requirements(repo_root: Path = REPO_ROOT) -> list[str]:
    """The pinned requirements the runtime-dependencies layer installs."""
    return sorted(r for r in project_dependencies(repo_root) if _dist_name(r) not in NOT_IN_RUNTIME_LAYER)


def orbit_layer_requirements(repo_root: Path = REPO_ROOT) -> list[str]:
    return sorted(r for r in project_dependencies(repo_root) if _dist_name(r) in {"numpy", "sgp4"})


def _iter_files(root: Path):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_NAMES and not d.endswith(".egg-info"))
        for name in sorted(filenames):
            if name in IGNORED_NAMES or name.endswith(IGNORED_SUFFIXES):
                continue
            yield Path(dirpath) / name


def _hash(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def _tree_hash(repo_root: Path, *dirs: str) -> list[str | bytes]:
    parts: list[str | bytes] = []
    for name in dirs:
        base = repo_root / name
        if not base.exists():
            continue
        for path in _iter_files(base):
            parts += [path.relative_to(repo_root).as_posix(), path.read_bytes()]
    return parts


_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _zip_tree(source: Path, target: Path, prefix: str = "") -> None:
    """Zip ``source`` deterministically (sorted, fixed timestamps) into ``target`` atomically."""
    tmp = target.with_suffix(f".zip.{os.getpid()}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in _iter_files(source):
            info = zipfile.ZipInfo(prefix + path.relative_to(source).as_posix(), date_time=_FIXED_ZIP_TIME)
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    tmp.replace(target)


def _cached(kind: str, asset_hash: str, build_dir: Path) -> Path:
    target = build_dir / "assets" / f"{kind}-{asset_hash}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _staging(build_dir: Path, kind: str, asset_hash: str) -> Path:
    # One per process: a synth and a test run may build at the same time.
    return build_dir / "staging" / f"{kind}-{asset_hash}-{os.getpid()}"


def _prune(kind: str, keep: Path) -> None:
    for old in keep.parent.glob(f"{kind}-*.zip"):
        if old != keep:
            old.unlink(missing_ok=True)


def function_code(repo_root: Path = REPO_ROOT, build_dir: Path = BUILD_DIR) -> BuiltAsset:
    """The code every function ships: ``shared/`` and ``functions/``, nothing else."""
    asset_hash = _hash(BUILDER_VERSION, "function-code", *_tree_hash(repo_root, *FUNCTION_CODE_DIRS))
    target = _cached("function-code", asset_hash, build_dir)
    if not target.exists():
        staging = _staging(build_dir, "function-code", asset_hash)
        shutil.rmtree(staging, ignore_errors=True)
        for name in FUNCTION_CODE_DIRS:
            if (repo_root / name).exists():
                shutil.copytree(
                    repo_root / name,
                    staging / name,
                    ignore=shutil.ignore_patterns(*IGNORED_NAMES, "*.pyc", "*.pyo", "*.egg-info"),
                )
        staging.mkdir(parents=True, exist_ok=True)
        _zip_tree(staging, target)
        shutil.rmtree(staging, ignore_errors=True)
        _prune("function-code", target)
    return BuiltAsset(target, asset_hash)


def _pip_install(requirements: list[str], target: Path) -> None:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command += [arg for platform in PIP_PLATFORMS for arg in ("--platform", platform)]
    command += [
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        LAMBDA_PYTHON_VERSION,
        "--target",
        str(target),
        *requirements,
    ]
    subprocess.run(command, check=True)


def _remove_distributions(site: Path, dists: tuple[str, ...]) -> None:
    """Delete installed distributions from a ``pip --target`` directory, using their RECORD."""
    wanted = {_normalise(d) for d in dists}
    for dist_info in site.glob("*.dist-info"):
        if _normalise(dist_info.name.split("-", 1)[0]) not in wanted:
            continue
        record = dist_info / "RECORD"
        for line in record.read_text().splitlines() if record.exists() else []:
            path = site / line.split(",", 1)[0]
            if path.is_file() and site in path.resolve().parents:
                path.unlink()
        shutil.rmtree(dist_info, ignore_errors=True)
    for directory in sorted((d for d in site.rglob("*") if d.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()


def runtime_layer(repo_root: Path = REPO_ROOT, build_dir: Path = BUILD_DIR) -> BuiltAsset:
    """fastapi, mangum, pydantic(-settings), Powertools and PyJWT for python3.12 on x86_64."""
    requirements = runtime_layer_requirements(repo_root)
    asset_hash = _hash(
        BUILDER_VERSION,
        "runtime-layer",
        LAMBDA_PYTHON_VERSION,
        *PIP_PLATFORMS,
        *PROVIDED_BY_LAMBDA_RUNTIME,
        *requirements,
    )
    target = _cached("runtime-layer", asset_hash, build_dir)
    if not target.exists():
        staging = _staging(build_dir, "runtime-layer", asset_hash)
        shutil.rmtree(staging, ignore_errors=True)
        site = staging / "python"
        _pip_install(requirements, site)
        _remove_distributions(site, PROVIDED_BY_LAMBDA_RUNTIME)
        shutil.rmtree(site / "bin", ignore_errors=True)  # console scripts are useless in a layer
        _zip_tree(staging, target)
        shutil.rmtree(staging, ignore_errors=True)
        _prune("runtime-layer", target)
    return BuiltAsset(target, asset_hash)


ORBIT_BUILD_SCRIPT = Path("layers") / "orbit" / "build_layer.py"


def _load_orbit_builder(repo_root: Path):
    script = repo_root / ORBIT_BUILD_SCRIPT
    if not script.exists():
        raise FileNotFoundError(f"{script} is missing: it builds the orbit layer (build(out_dir) -> Path)")
    spec = importlib.util.spec_from_file_location("groundlink_orbit_build_layer", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, script.read_bytes()


def orbit_layer(repo_root: Path = REPO_ROOT, build_dir: Path = BUILD_DIR) -> BuiltAsset:
    """numpy + sgp4 + ``groundlink_orbit``: ``layers/orbit/build_layer.py``'s ``build(out_dir)`` fills
    ``out_dir/python`` (it caches and locks by itself); this zips that ``python/`` for CDK."""
    module, script = _load_orbit_builder(repo_root)
    orbit_sources = _tree_hash(repo_root, "layers/orbit/groundlink_orbit")
    asset_hash = _hash(BUILDER_VERSION, "orbit-layer", script, *orbit_layer_requirements(repo_root), *orbit_sources)
    target = _cached("orbit-layer", asset_hash, build_dir)
    if not target.exists():
        built = Path(module.build(build_dir / "layers" / "orbit"))
        if built.is_file() and built.suffix == ".zip":
            shutil.copyfile(built, target)
        elif built.name == "python" and built.is_dir():
            _zip_tree(built, target, prefix="python/")
        elif (built / "python").is_dir():
            _zip_tree(built / "python", target, prefix="python/")
        else:
            raise RuntimeError(f"build_layer.build() returned {built}: expected a zip or a dir with python/")
        _prune("orbit-layer", target)
    return BuiltAsset(target, asset_hash)


def main() -> None:
    for name, builder in (
        ("function code", function_code),
        ("runtime layer", runtime_layer),
        ("orbit layer", orbit_layer),
    ):
        asset = builder()
        print(f"{name}: {asset.path.relative_to(REPO_ROOT)} ({asset.path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
