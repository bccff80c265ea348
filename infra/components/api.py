"""The HTTP API: every route of every function spec, each to that function's Lambda integration."""

from __future__ import annotations

import json

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.components.constants import LOG_RETENTION
from infra.components.functions import pascal
from infra.components.nag import acknowledge
from infra.cors import EXPOSE_HEADERS, HEADERS, MAX_AGE_S, METHODS
from shared.resources import FunctionSpec

ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "routeKey": "$context.routeKey",
        "path": "$context.path",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "responseLatency": "$context.responseLatency",
        "integrationLatency": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
    },
    separators=(",", ":"),
)


class ApiConstruct(Construct):
    """One HTTP API (payload 2.0, ``$default`` stage with JSON access logs).

    Authorization is done in the functions (Bearer JWTs and hashed API tokens, per surface), so the
    routes carry no API Gateway authorizer: the four surfaces each need their own error body on a
    401/403, which an authorizer cannot produce.

    ``cors_origins`` (the ``groundlink:corsOrigins`` context) are the browser origins allowed to call the
    API: API Gateway then answers their preflight ``OPTIONS`` itself with the policy of ``infra.cors``.
    None by default: no CORS configuration, browsers from other origins are refused. ``throttle`` is the
    stage's default route throttling: (steady requests per second, burst).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: dict[str, lambda_.IFunction],
        specs: tuple[FunctionSpec, ...],
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        cors_origins: tuple[str, ...] = (),
        throttle: tuple[float, int] = (200.0, 400),
    ) -> None:
        super().__init__(scope, construct_id)
        cors = None
        if cors_origins:
            cors = apigwv2.CorsPreflightOptions(
                allow_origins=list(cors_origins),
                allow_methods=[apigwv2.CorsHttpMethod[m] for m in METHODS],
                allow_headers=list(HEADERS),
                expose_headers=list(EXPOSE_HEADERS),
                max_age=Duration.seconds(MAX_AGE_S),
                allow_credentials=False,
            )
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            description="Groundlink: Space Go, orbapi, SSA and platform endpoints",
            create_default_stage=True,
            cors_preflight=cors,
        )
        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=LOG_RETENTION, removal_policy=removal_policy)
        stage = self.http_api.default_stage
        assert stage is not None
        cfn_stage = stage.node.default_child
        assert isinstance(cfn_stage, apigwv2.CfnStage)
        cfn_stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=self.access_logs.log_group_arn, format=ACCESS_LOG_FORMAT
        )
        # Stage-wide throttling before any function runs (API Gateway answers 429 itself beyond it); the
        # functions add per-principal limits (shared/ratelimit.py) answered in each surface's format.
        cfn_stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(
            throttling_rate_limit=throttle[0], throttling_burst_limit=throttle[1]
        )

        self.integrations: dict[str, integrations.HttpLambdaIntegration] = {}
        self.routes: dict[str, apigwv2.HttpRoute] = {}
        seen: dict[str, str] = {}
        for spec in specs:
            if not spec.routes:
                continue  # a worker: triggered by events, not HTTP
            integration = integrations.HttpLambdaIntegration(
                f"{pascal(spec.name)}Integration",
                functions[spec.name],
                payload_format_version=apigwv2.PayloadFormatVersion.VERSION_2_0,
                # one invoke permission per function for this API (source arn <api>/*/*/*) rather than one per
                # route: 118 permissions were a quarter of CloudFormation's 500 resources per stack
                scope_permission_to_route=False,
            )
            self.integrations[spec.name] = integration
            for route in spec.routes:
                key = f"{route.method.upper()} {route.path}"
                if key in seen:
                    raise ValueError(f"route {key} is claimed by both {seen[key]} and {spec.name}")
                seen[key] = spec.name
                (self.routes[key],) = self.http_api.add_routes(
                    path=route.path,
                    methods=[apigwv2.HttpMethod[route.method.upper()]],
                    integration=integration,
                )
                acknowledge(
                    self.routes[key],
                    "AwsSolutions-APIG4",
                    "Authorization happens in the function: Bearer JWTs (Space Go, SSA, platform) and "
                    "hashed dsn_live_ API tokens (orbapi) with hierarchical scopes, answered with each "
                    "surface's own 401/403 body, which an API Gateway authorizer cannot produce. Public "
                    "routes (health, token endpoints) are public by design.",
                )

        self.url = self.http_api.api_endpoint  # the stack's ApiUrl output (infra/components/outputs.py)
