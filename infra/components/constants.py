"""Names and settings the constructs share (one place, as in the handler cookbook)."""

from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

SERVICE = "groundlink"
METRICS_NAMESPACE = "Groundlink"

LAMBDA_RUNTIME = lambda_.Runtime.PYTHON_3_12
LAMBDA_ARCHITECTURE = lambda_.Architecture.X86_64
LOG_RETENTION = logs.RetentionDays.ONE_MONTH

# Context keys (cdk.json or `cdk synth -c key=value`).
CONTEXT_REMOVAL_POLICY = "groundlink:removalPolicy"  # "retain" (default) or "destroy"
CONTEXT_ALARM_EMAIL = "groundlink:alarmEmail"  # optional e-mail subscribed to the alarm topic
CONTEXT_API_THROTTLE = "groundlink:apiThrottle"  # stage throttling "rate/burst" (requests/s, default 200/400)
CONTEXT_RESERVED_CONCURRENCY = "groundlink:reservedConcurrency"  # "false": no reservations (small accounts)
CONTEXT_CORS_ORIGINS = "groundlink:corsOrigins"  # browser origins allowed by the HTTP API (list or "a,b")

ENV_ENVIRONMENT = "GROUNDLINK_ENVIRONMENT"
ENV_REGION = "GROUNDLINK_REGION"
ENV_JWT_SECRET_ARN = "GROUNDLINK_JWT_SECRET_ARN"
ENV_FUNCTION_TIMEOUT = "GROUNDLINK_FUNCTION_TIMEOUT_S"  # sizes the SDK's retries and timeouts (shared/aws.py)
UNAVAILABLE_METRIC = "AwsUnavailable"  # shared.aws.UNAVAILABLE_METRIC: AWS errors that outlasted the SDK's retries

# The scheduled catalogue refresh (infra/components/refresh.py).
CONTEXT_REFRESH_HOURS = "groundlink:refreshHours"  # every N hours (default 6; at least 1: Space-Track's GP limit)
CONTEXT_REFRESH_SOURCES = "groundlink:refreshSources"  # GROUNDLINK_REFRESH_SOURCES ("omm:<url> … spacetrack:gp")
CONTEXT_SPACETRACK_SECRET = "groundlink:spaceTrackSecret"  # name or ARN of an existing secret {"identity","password"}
ENV_REFRESH_SOURCES = "GROUNDLINK_REFRESH_SOURCES"
ENV_SPACETRACK_SECRET_ARN = "GROUNDLINK_SPACETRACK_SECRET_ARN"
