"""Lambda SnapStart runtime hooks: what runs before the snapshot is taken and after a copy of it is restored.

SnapStart (``infra/components/functions.py``: the HTTP functions, on their published versions) runs a function's
initialisation once, snapshots the memory and resumes every new execution environment from that snapshot. So:

* before the snapshot, ``prime()`` runs the priming callables: the app, its routers and schemas, the libraries its
  first requests load (PyJWT, the orbit core, boto3) — work a restored function no longer pays;
* after a restore, ``restore()`` runs the reset callables: each environment gets its own random state, and
  nothing made before the snapshot is reused — no SDK client (and its open connections, its credentials), no
  signing key or cache stamped with a clock that stood still in the snapshot.

Modules declare their own resets (``after_restore(reset)``) and priming (``before_snapshot(prime)``). In Lambda's
managed Python runtime the hooks are registered with ``snapshot_restore_py`` (part of the runtime: not a
dependency); elsewhere they are only kept here, and the local runtime calls ``restore()`` once at start so the
same path runs locally.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable
from typing import Any

_before: list[Callable[[], Any]] = []
_after: list[Callable[[], Any]] = []
_registered = False


def before_snapshot(func: Callable[[], Any]) -> Callable[[], Any]:
    """Registers a priming callable (run in registration order by ``prime``)."""
    if func not in _before:
        _before.append(func)
    _register_with_runtime()
    return func


def after_restore(func: Callable[[], Any]) -> Callable[[], Any]:
    """Registers a reset callable (run in registration order by ``restore``)."""
    if func not in _after:
        _after.append(func)
    _register_with_runtime()
    return func


def prime() -> None:
    """Runs the priming callables, then moves every object alive to the collector's permanent generation
    (``gc.freeze``): the app, its schemas and the libraries primed here live as long as the process, so a full
    collection after a restore need not walk their hundreds of thousands of objects again (a warm request that
    happens to trigger one would otherwise pay for all of them)."""
    for func in list(_before):
        func()
    gc.collect()
    gc.freeze()


def restore() -> None:
    random.seed()  # from os.urandom: restored copies of one snapshot must not share a random sequence
    for func in list(_after):
        func()


def _register_with_runtime() -> None:
    """Hands ``prime`` and ``restore`` to the Lambda runtime's hook library, once, when it is there."""
    global _registered
    if _registered:
        return
    _registered = True
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:  # not in Lambda's managed runtime
        return
    register_before_snapshot(prime)
    register_after_restore(restore)
