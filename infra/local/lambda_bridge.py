"""Step Functions Task states reaching the workers' Python handlers, in this process.

moto's Step Functions executes real ASL (``{"stepfunctions": {"execute_state_machine": True}}``) and calls a
``lambda:invoke`` Task through its Lambda API; without Docker (``{"lambda": {"use_docker": False}}``) that API is
``LambdaSimpleBackend``, whose ``invoke`` only echoes the payload. ``bridge()`` patches it so that an invocation of
a bridged worker (by name or ARN) runs the worker's ``handler(event, context)`` and answers its JSON result, and
an exception answers what Lambda answers for an unhandled error: ``X-Amz-Function-Error: Unhandled`` and
``{"errorMessage", "errorType", "stackTrace"}``. moto's Step Functions parser turns that into the task failure
``Error = errorType``, ``Cause = the payload`` that the state machine's ``Catch`` sees, as in AWS. Invocations of
functions that are not bridged keep moto's behaviour.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
import time
from collections.abc import Iterable
from typing import Any

from infra.local import trace
from infra.local.pump import FakeLambdaContext
from shared.resources import FunctionSpec

_workers: dict[str, FunctionSpec] = {}
_original: Any = None
_patch_lock = threading.Lock()

#: moto configuration under which state machines run and Lambda needs no Docker.
MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


def function_name_of(name_or_arn: str) -> str:
    """``jobs_worker``, ``arn:aws:lambda:…:function:jobs_worker[:qualifier]`` → ``jobs_worker``."""
    if ":function:" in name_or_arn:
        return name_or_arn.split(":function:", 1)[1].split(":", 1)[0]
    return name_or_arn


def invoke_worker(spec: FunctionSpec, body: Any) -> tuple[bytes, str | None]:
    """Run ``spec``'s handler on the invocation payload: (response payload, function error or None)."""
    module, attr = spec.handler.rsplit(".", 1)
    handler = getattr(importlib.import_module(module), attr)
    if isinstance(body, bytes):
        body = body.decode()
    event = json.loads(body) if body else {}
    t0, c0 = time.time(), time.thread_time()
    try:
        result = handler(event, FakeLambdaContext(spec.name, spec.memory_mb, spec.timeout_s))
    except Exception as exc:  # what the Lambda runtime reports for an unhandled exception
        error = {"errorMessage": str(exc), "errorType": type(exc).__name__, "stackTrace": []}
        return json.dumps(error).encode(), "Unhandled"
    finally:
        release_memory()
        if trace.enabled() and isinstance(event, dict):
            trace.record({"kind": "step", "op": f"{spec.name} {event.get('step', '')}".strip(),
                          "task_id": event.get("task_id"), "chunk": event.get("chunk"), "start": t0,
                          "end": time.time(), "cpu": time.thread_time() - c0})
    return json.dumps(result).encode(), None


def release_memory() -> None:
    """Give the memory an invocation freed back to the system. In AWS each invocation has its own process; here
    they share the runtime's, and Step Functions' Map runs them on threads, each with its own malloc arena that
    keeps its high-water mark: without this, a job's chunks would add up (glibc only; elsewhere nothing)."""
    global _malloc_trim
    if _malloc_trim is None:
        import ctypes
        import ctypes.util

        try:
            _malloc_trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None


def _bridged_invoke(self, function_name, qualifier, body, headers, response_headers):  # noqa: ANN001
    spec = _workers.get(function_name_of(function_name))
    if spec is None:
        return _original(self, function_name, qualifier, body, headers, response_headers)
    payload, function_error = invoke_worker(spec, body)
    if function_error:
        response_headers["x-amz-function-error"] = function_error
    return payload


_lambda_clients: dict[str, Any] = {}
_original_client_for: Any = None


def _reused_lambda_client(region: str, service: str, state_credentials: Any = None) -> Any:
    """moto's Step Functions builds a new boto3 client for every Lambda Task it runs (tens of milliseconds of CPU
    each, on the cores the workers compute on); its clients carry fixed fake credentials and this server's
    endpoint, so one client per region serves every Task (botocore clients are thread-safe)."""
    if service != "lambda":
        return _original_client_for(region=region, service=service, state_credentials=state_credentials)
    from moto.core.models import botocore_stubber

    key = f"{region}|{botocore_stubber.enabled}|{os.environ.get('MOTO_PORT', '')}"  # what the client is built from
    with _patch_lock:
        if key not in _lambda_clients:
            _lambda_clients[key] = _original_client_for(region=region, service=service,
                                                        state_credentials=state_credentials)
        return _lambda_clients[key]


def bridge(workers: Iterable[FunctionSpec]) -> None:
    """Route moto Lambda invocations of ``workers`` to their handlers (idempotent; adds to earlier calls), let
    the Lambda Tasks of moto's Step Functions share one client and its executions one parse of each definition
    (``infra.local.asl_cache``)."""
    global _original, _original_client_for
    from moto.awslambda_simple.models import LambdaSimpleBackend
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    from infra.local.asl_cache import cache_parse_trees

    cache_parse_trees()
    with _patch_lock:
        for spec in workers:
            _workers[spec.name] = spec
        if _original is None:
            _original = LambdaSimpleBackend.invoke
            LambdaSimpleBackend.invoke = _bridged_invoke
        if _original_client_for is None:
            _original_client_for = lambda_eval_utils.boto_client_for
            lambda_eval_utils.boto_client_for = _reused_lambda_client


def unbridge() -> None:
    """Restore moto's own ``invoke``, client factory and parser, and forget every bridged worker."""
    global _original, _original_client_for
    from moto.awslambda_simple.models import LambdaSimpleBackend
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    from infra.local.asl_cache import uncache_parse_trees

    uncache_parse_trees()
    with _patch_lock:
        _workers.clear()
        _lambda_clients.clear()
        if _original is not None:
            LambdaSimpleBackend.invoke = _original
            _original = None
        if _original_client_for is not None:
            lambda_eval_utils.boto_client_for = _original_client_for
            _original_client_for = None
