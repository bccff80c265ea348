"""One SDK configuration for every client, sized to each function's timeout."""

from __future__ import annotations

import pytest

from shared.aws import client, reset_clients, sdk_budget
from shared.resources import FUNCTIONS


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)
def test_one_calls_worst_case_fits_the_functions_timeout(spec):
    budget = sdk_budget(spec.timeout_s)
    assert budget.retry_mode == "standard" and budget.max_attempts >= 3
    assert budget.worst_case_s() <= 0.8 * spec.timeout_s
    assert budget.connect_timeout_s <= budget.read_timeout_s <= 30


def test_an_http_function_fails_fast_and_a_worker_retries_longer():
    http, worker = sdk_budget(29), sdk_budget(900)
    assert (http.max_attempts, http.connect_timeout_s, http.read_timeout_s) == (3, 2.0, 4.0)
    assert worker.max_attempts == 5 and worker.read_timeout_s == 30


def test_every_client_carries_the_configuration(monkeypatch):
    monkeypatch.setenv("GROUNDLINK_FUNCTION_TIMEOUT_S", "60")
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "aws")
    reset_clients()
    try:
        config = client("dynamodb").meta.config
        assert config.retries == {"mode": "standard", "total_max_attempts": 4}
        assert (config.connect_timeout, config.read_timeout) == (2.0, 8.0)
    finally:
        reset_clients()


def test_the_local_runtime_reads_patiently(monkeypatch):
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "local")
    reset_clients()
    try:
        assert client("dynamodb").meta.config.read_timeout == 60.0
    finally:
        reset_clients()
