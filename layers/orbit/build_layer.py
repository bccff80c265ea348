"""Build the orbit Lambda layer (numpy + sgp4 + groundlink_orbit) without Docker.

    python layers/orbit/build_layer.py [out_dir]        # default build/layers/orbit

The CDK app calls :func:`build` during synth: it is idempotent and returns at once when the
output is up to date (same pins, same package sources).  Target: Lambda python3.12, x86_64.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "groundlink_orbit"
REPO = HERE.parents[1]
DEFAULT_OUT = REPO / "build" / "layers" / "orbit"
REQUIREMENTS = ("numpy==2.4.6", "sgp4==2.27")
PYTHON_VERSION = "3.12"
PLATFORM = "manylinux_2_28_x86_64"
STAMP = ".groundlink-layer.json"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([REQUIREMENTS, PYTHON_VERSION, PLATFORM]).encode())
    digest.update(Path(__file__).read_bytes())  # a change to the build or its checks rebuilds
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _size_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def build(out_dir: Path = DEFAULT_OUT) -> Path:
    """Build the layer into ``out_dir`` (its ``python/`` holds the packages); return ``out_dir``.

    Concurrent callers (parallel synths/tests) serialise on a lock file next to ``out_dir``.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(out_dir.parent / f".{out_dir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _build_locked(out_dir)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build_locked(out_dir: Path) -> Path:
    stamp = out_dir / STAMP
    fingerprint = _fingerprint()
    if stamp.exists() and json.loads(stamp.read_text()).get("fingerprint") == fingerprint:
        return out_dir
    target = out_dir / "python"
    if out_dir.exists():
        shutil.rmtree(out_dir)
    target.mkdir(parents=True)
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--platform", PLATFORM, "--only-binary=:all:", "--python-version", PYTHON_VERSION,
            "--implementation", "cp", "--target", str(target), *REQUIREMENTS,
        ],
        check=True,
    )  # fmt: skip
    shutil.copytree(PACKAGE, target / "groundlink_orbit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts (f2py, numpy-config): unused
    for cache in target.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    check = verify(target)
    stamp.write_text(json.dumps({"fingerprint": fingerprint, "check": check, "size_bytes": _size_bytes(target)}))
    return out_dir


def verify(target: Path) -> str:
    """Prove the SGP4 C extension is usable: import it if this interpreter matches, else find it."""
    if sys.version_info[:2] == tuple(int(x) for x in PYTHON_VERSION.split(".")) and sys.platform == "linux":
        code = "import sgp4.api, groundlink_orbit; assert sgp4.api.accelerated; print('accelerated')"
        out = subprocess.run(
            [sys.executable, "-S", "-c", f"import sys; sys.path[:0]=[{str(target)!r}]; {code}"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        return f"sgp4.api.accelerated is True inside the layer ({out.stdout.strip()})"
    tag = "cpython-" + PYTHON_VERSION.replace(".", "")
    modules = sorted(p.name for p in (target / "sgp4").glob("*.so"))
    numpy_ok = any((target / "numpy" / "_core").glob(f"_multiarray_umath.{tag}-x86_64-linux-gnu.so"))
    if not modules or not numpy_ok:
        raise RuntimeError(f"layer lacks compiled extensions for {tag}: sgp4 {modules}, numpy found={numpy_ok}")
    # sgp4's extension is built for CPython's stable ABI (abi3), so this interpreter can load the layer's own
    # copy and prove it is accelerated; numpy's extensions are version-specific and are checked by name.
    code = ("import sgp4.api; assert sgp4.api.accelerated, 'sgp4 not accelerated'; "
            f"assert sgp4.api.__file__.startswith({str(target)!r}), sgp4.api.__file__; print('accelerated')")
    out = subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path[:0]=[{str(target)!r}]; {code}"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"the layer's sgp4 is not accelerated: {out.stderr.strip()[-300:]}")
    return (
        f"sgp4.api.accelerated is True for the layer's own sgp4 ({', '.join(modules)}, stable ABI, imported by "
        f"Python {sys.version_info.major}.{sys.version_info.minor}); numpy {tag} extensions present"
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out_dir = Path(argv[0]) if argv else DEFAULT_OUT
    path = build(out_dir)
    info = json.loads((path / STAMP).read_text())
    print(f"layer asset: {path}")
    print(f"check: {info['check']}")
    print(f"unzipped size: {info['size_bytes'] / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
