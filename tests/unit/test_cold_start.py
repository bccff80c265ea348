"""Cold starts: importing an HTTP handler does no work (no app, no orbit core, no SDK, no network); priming builds
what its requests need; the SnapStart resets give a restored copy its own random state, clients and keys."""

from __future__ import annotations

import gc
import json
import os
import random
import subprocess
import sys
import types
from pathlib import Path

from shared import snapstart
from shared.resources import FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]
HTTP = sorted(spec.name for spec in FUNCTIONS if spec.routes)
HEAVY = ("fastapi", "pydantic", "numpy", "groundlink_orbit", "sgp4", "jwt", "cryptography", "boto3",
         "pydantic_settings", "aws_xray_sdk")

# Any connection attempt at import fails loudly; then every handler is imported and what got loaded is reported.
IMPORT_ALL = """
import json, socket, sys
def refuse(*args, **kwargs):
    raise AssertionError(f"network call at import: {args!r}")
socket.socket.connect = refuse
socket.create_connection = refuse
for name in NAMES:
    __import__(f"functions.{name}.handler")
print(json.dumps({"loaded": sorted(m for m in HEAVY if m in sys.modules),
                  "apps": sorted(m for m in sys.modules if m.startswith("functions.") and m.endswith(".app"))}))
"""


def _run(code: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROUNDLINK_", "AWS_"))}
    env.update(AWS_DEFAULT_REGION="us-east-1", PYTHONPATH=os.pathsep.join((str(ROOT), str(ROOT / "layers" / "orbit"))))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_every_http_handler_builds_no_app_and_loads_nothing_heavy() -> None:
    assert len(HTTP) >= 15
    report = _run(f"NAMES = {HTTP!r}\nHEAVY = {HEAVY!r}\n" + IMPORT_ALL)
    assert report == {"loaded": [], "apps": []}


def test_priming_builds_the_app_and_loads_what_its_requests_need() -> None:
    code = """
import json, sys
from functions.orbapi_passes.handler import handler
from shared import snapstart
snapstart.prime()
print(json.dumps({"loaded": sorted(m for m in ("fastapi", "numpy", "groundlink_orbit", "jwt", "boto3",
                                              "functions.orbapi_passes.app", "functions.ssa_auth.app")
                                   if m in sys.modules)}))
"""
    assert _run(code) == {"loaded": ["boto3", "fastapi", "functions.orbapi_passes.app", "groundlink_orbit", "jwt",
                                     "numpy"]}


def test_priming_prepares_the_routes_so_that_the_first_request_does_not() -> None:
    code = """
import json
import fastapi.routing as routing
from starlette.testclient import TestClient
prepared = []
original = routing._populate_api_route_state
routing._populate_api_route_state = lambda *a, **k: prepared.append(1) or original(*a, **k)
from functions.ssa_catalog.handler import handler
from shared import snapstart
snapstart.prime()
snapstart.restore()
primed = len(prepared)
from functions.ssa_catalog.app import app
status = TestClient(app).post("/v1/search", json={}).status_code
print(json.dumps({"routes_prepared": primed, "by_the_first_request": len(prepared) - primed, "status": status}))
"""
    report = _run(code)
    assert report["routes_prepared"] >= 14 and report["by_the_first_request"] == 0
    assert report["status"] == 401  # answered by the routed app: no credentials


def test_a_handler_that_was_never_primed_builds_its_app_on_the_first_request(monkeypatch) -> None:
    from functions.orbapi_bookings.handler import handler

    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "local")
    event = {
        "version": "2.0", "routeKey": "GET /orbapi/bookings", "rawPath": "/orbapi/bookings", "rawQueryString": "",
        "headers": {"host": "api.example.test"},
        "requestContext": {"accountId": "123456789012", "apiId": "api", "domainName": "api.example.test",
                           "domainPrefix": "api", "requestId": "r", "routeKey": "GET /orbapi/bookings",
                           "stage": "$default", "time": "02/Dec/2026:10:00:00 +0000", "timeEpoch": 0,
                           "http": {"method": "GET", "path": "/orbapi/bookings", "protocol": "HTTP/1.1",
                                    "sourceIp": "127.0.0.1", "userAgent": "pytest"}},
        "isBase64Encoded": False,
    }
    context = types.SimpleNamespace(function_name="orbapi_bookings", memory_limit_in_mb=1769, aws_request_id="id",
                                    invoked_function_arn="arn:aws:lambda:eu-west-1:123456789012:function:x:live")
    out = handler(event, context)
    assert out["statusCode"] == 401  # no credentials: the orbapi surface's own answer, from the built app
    assert "error" in json.loads(out["body"])


def test_restore_gives_each_restored_copy_its_own_random_sequence() -> None:
    random.seed(1234)  # the state frozen in a snapshot
    frozen = random.getstate()
    snapshot_next = random.random()
    random.setstate(frozen)
    snapstart.restore()
    assert random.random() != snapshot_next


def test_restore_drops_sdk_clients_keys_and_clocked_caches(monkeypatch) -> None:
    from shared import auth, aws
    from shared.adapters.dynamo import catalog

    monkeypatch.setenv("GROUNDLINK_JWT_SECRET", "a-test-signing-key-of-enough-length-0123456789")
    aws.reset_clients()
    aws.client("sqs")
    auth.key_ring()
    catalog.catalog_repository()
    assert aws.client.cache_info().currsize == 1 and auth._ring is not None
    assert catalog.catalog_repository.cache_info().currsize == 1

    snapstart.restore()

    assert aws.client.cache_info().currsize == 0  # the next call makes a client with fresh connections
    assert auth._ring is None  # keys reloaded (a rotation during the snapshot's life is seen)
    assert catalog.catalog_repository.cache_info().currsize == 0


def test_restore_keeps_the_parsed_service_models_for_the_new_clients() -> None:
    from shared import aws

    aws.reset_clients()
    before = aws.client("dynamodb")
    loader = aws._model_loader()
    paths = list(loader.search_paths)
    snapstart.restore()
    after = aws.client("dynamodb")
    assert after is not before and after._loader is loader is before._loader  # a new client, the same models
    aws.reset_clients()
    aws.client("s3")
    assert loader.search_paths == paths  # however many sessions made clients


def test_the_hooks_are_handed_to_the_lambda_runtime_library_when_it_is_there(monkeypatch) -> None:
    registered: dict[str, object] = {}
    library = types.ModuleType("snapshot_restore_py")
    library.register_before_snapshot = lambda f: registered.setdefault("before", f)  # type: ignore[attr-defined]
    library.register_after_restore = lambda f: registered.setdefault("after", f)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", library)
    monkeypatch.setattr(snapstart, "_registered", False)
    monkeypatch.setattr(snapstart, "_before", [])
    monkeypatch.setattr(snapstart, "_after", [])
    calls: list[str] = []
    snapstart.before_snapshot(lambda: calls.append("primed"))
    snapstart.after_restore(lambda: calls.append("reset"))
    assert registered == {"before": snapstart.prime, "after": snapstart.restore}
    registered["before"]()  # type: ignore[operator]
    gc.unfreeze()  # prime() froze this test process's objects (see the next test)
    assert calls == ["primed"]


def test_priming_ends_by_freezing_what_it_built_out_of_the_collectors_reach() -> None:
    code = """
import gc, json
from functions.orbapi_catalog.handler import handler
from shared import snapstart
before = gc.get_freeze_count()
snapstart.prime()
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects())}))
"""
    report = _run(code)
    assert report["before"] == 0
    assert report["frozen"] > 100_000  # the app, its schemas, FastAPI, pydantic, boto3's models …
    assert report["tracked"] < report["frozen"] / 10  # … and none of it left for a full collection to walk


def test_an_app_modules_own_priming_runs() -> None:
    from shared.lambda_entry import LazyAsgiAdapter
    from shared.surfaces import openapi

    openapi._cached.cache_clear()
    LazyAsgiAdapter("surface_docs").prime()
    assert openapi._cached.cache_info().currsize == 5  # every surface's document, built before the snapshot
