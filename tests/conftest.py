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
