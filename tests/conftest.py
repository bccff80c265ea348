"""Test-wide environment: fake AWS credentials, local settings, no tracing. Nothing talks to real AWS."""

import os

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "GROUNDLINK_ENVIRONMENT": "local",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_METRICS_NAMESPACE": "GroundlinkTest",
    }
)
os.environ.pop("GROUNDLINK_AWS_ENDPOINT_URL", None)


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _restore_environment():
    """Code under test (the CLI's local defaults) may set variables; no test leaks them to the next."""
    saved = dict(os.environ)
    yield
    if os.environ != saved:
        os.environ.clear()
        os.environ.update(saved)
        from shared.aws import reset_clients

        reset_clients()
