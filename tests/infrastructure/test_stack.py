"""CDK assertions on the synthesized Groundlink stack, driven by ``shared.resources``.

Every check loops over the specs, so a new table, function or route is covered without a new test.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("aws_cdk")

from aws_cdk.assertions import Annotations, Match  # noqa: E402

from infra.components.constants import (  # noqa: E402
    ENV_ENVIRONMENT,
    ENV_FUNCTION_TIMEOUT,
    ENV_JWT_SECRET_ARN,
    ENV_REGION,
    METRICS_NAMESPACE,
)
from shared.resources import EVENT_BUS, TABLES, FunctionSpec  # noqa: E402

if TYPE_CHECKING:
    from conftest import Synth

pytestmark = pytest.mark.xdist_group("cdk")

READ_ACTIONS = {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:Scan"}
WRITE_ACTIONS = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
}
WILDCARD_ACTION_PREFIXES = ("xray:",)  # no resource-level permissions exist for these


# --- helpers ----------------------------------------------------------------------------------------


def _of_type(synth: Synth, cfn_type: str) -> dict[str, dict]:
    return {k: v for k, v in synth.resources.items() if v["Type"] == cfn_type}


def _function_id(synth: Synth, spec: FunctionSpec) -> str:
    return synth.logical_id(synth.stack.functions.function(spec.name))


def _table_id(synth: Synth, key: str) -> str:
    return synth.logical_id(synth.stack.data.table(key))


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _policy_statements(synth: Synth, spec: FunctionSpec) -> list[dict]:
    function = synth.resources[_function_id(synth, spec)]
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = []
    for policy in _of_type(synth, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def _table_of_resource(synth: Synth, resource) -> str | None:
    """The table key a statement resource points at (its ARN or its ``/index/*``), else None."""
    ids = {_table_id(synth, spec.key): spec.key for spec in TABLES}
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        return ids.get(resource["Fn::GetAtt"][0])
    if isinstance(resource, dict) and "Fn::Join" in resource:
        _, parts = resource["Fn::Join"]
        if len(parts) == 2 and parts[1] == "/index/*" and "Fn::GetAtt" in parts[0]:
            return ids.get(parts[0]["Fn::GetAtt"][0])
    return None


QUEUE_CONSUME_ACTIONS = {
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ReceiveMessage",
}


QUEUE_SEND_ACTIONS = {"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}


def _bucket_of_resource(synth: Synth, resource) -> str | None:
    """The bucket key a statement resource points at (its ARN or ``<arn>/*``), else None."""
    storage = synth.stack.storage
    ids = {synth.logical_id(bucket): key for key, bucket in storage.buckets.items()}
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        return ids.get(resource["Fn::GetAtt"][0])
    if isinstance(resource, dict) and "Fn::Join" in resource:
        _, parts = resource["Fn::Join"]
        if len(parts) == 2 and parts[1] == "/*" and "Fn::GetAtt" in parts[0]:
            return ids.get(parts[0]["Fn::GetAtt"][0])
    return None


def _queue_of_resource(synth: Synth, resource) -> str | None:
    ids = {synth.logical_id(queue): key for key, queue in synth.stack.storage.queues.items()}
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        return ids.get(resource["Fn::GetAtt"][0])
    return None


def _state_machine_of_resource(synth: Synth, resource) -> str | None:
    ids = {synth.logical_id(machine): key for key, machine in synth.stack.jobs.state_machines.items()}
    if isinstance(resource, dict) and "Ref" in resource:
        return ids.get(resource["Ref"])
    return None


def _table_actions(synth: Synth, spec: FunctionSpec) -> dict[str, set[str]]:
    actions: dict[str, set[str]] = {}
    for statement in _policy_statements(synth, spec):
        for resource in _as_list(statement["Resource"]):
            key = _table_of_resource(synth, resource)
            if key:
                actions.setdefault(key, set()).update(_as_list(statement["Action"]))
    return actions


# --- routes -----------------------------------------------------------------------------------------


def _alias_ref(synth: Synth, spec: FunctionSpec) -> dict:
    """An HTTP function's ``live`` alias (SnapStart: API Gateway invokes the published version)."""
    return {"Ref": synth.logical_id(synth.stack.functions.aliases[spec.name])}


def test_every_route_reaches_its_function(any_synth: Synth) -> None:
    # Given the function specs, When the stack is synthesized, Then each route key exists once and
    # targets the integration whose URI is that spec's function's live alias.
    routes = {r["Properties"]["RouteKey"]: r for r in _of_type(any_synth, "AWS::ApiGatewayV2::Route").values()}
    integrations = _of_type(any_synth, "AWS::ApiGatewayV2::Integration")
    for spec in any_synth.functions:
        for route in spec.routes:
            key = f"{route.method} {route.path}"
            assert key in routes, f"{spec.name}: route {key} missing"
            target = routes[key]["Properties"]["Target"]["Fn::Join"][1]
            assert target[0] == "integrations/"
            integration = integrations[target[1]["Ref"]]["Properties"]
            assert integration["IntegrationType"] == "AWS_PROXY"
            assert integration["PayloadFormatVersion"] == "2.0"
            assert integration["IntegrationUri"] == _alias_ref(any_synth, spec), (
                f"{key} does not reach {spec.name}"
            )


def test_no_route_without_a_spec(any_synth: Synth) -> None:
    expected = {f"{r.method} {r.path}" for spec in any_synth.functions for r in spec.routes}
    actual = [r["Properties"]["RouteKey"] for r in _of_type(any_synth, "AWS::ApiGatewayV2::Route").values()]
    assert sorted(actual) == sorted(expected)


def test_api_gateway_may_invoke_each_routed_function(any_synth: Synth) -> None:
    permissions = _of_type(any_synth, "AWS::Lambda::Permission").values()
    for spec in any_synth.functions:
        function_id = _function_id(any_synth, spec)
        targets = [{"Fn::GetAtt": [function_id, "Arn"]}] + ([_alias_ref(any_synth, spec)] if spec.routes else [])
        grants = [
            p
            for p in permissions
            if p["Properties"]["FunctionName"] in targets
            and p["Properties"]["Principal"] == "apigateway.amazonaws.com"
        ]
        # one permission per routed function, scoped to this API (<api>/*/*/*: any stage, method, path); none for
        # a worker
        assert len(grants) == (1 if spec.routes else 0), spec.name
        for grant in grants:
            source = grant["Properties"]["SourceArn"]["Fn::Join"][1]
            assert {"Ref": any_synth.logical_id(any_synth.stack.api.http_api)} in source and source[-1] == "/*/*/*"


def test_stage_has_access_logging(synth: Synth) -> None:
    synth.template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "AutoDeploy": True,
            "AccessLogSettings": {
                "DestinationArn": {"Fn::GetAtt": [synth.logical_id(synth.stack.api.access_logs), "Arn"]},
                "Format": Match.string_like_regexp(r"\$context\.requestId"),
            },
        },
    )


# --- functions --------------------------------------------------------------------------------------


def test_one_function_per_spec_with_runtime_settings(any_synth: Synth) -> None:
    functions = _of_type(any_synth, "AWS::Lambda::Function")
    assert len(functions) == len(any_synth.functions)
    for spec in any_synth.functions:
        props = functions[_function_id(any_synth, spec)]["Properties"]
        assert props["Handler"] == spec.handler
        assert props["Runtime"] == "python3.12"
        assert props["Architectures"] == ["x86_64"]
        assert props["MemorySize"] == spec.memory_mb
        assert props["Timeout"] == spec.timeout_s
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert "LogGroup" in props["LoggingConfig"]


def test_function_environment_names_exactly_its_tables(any_synth: Synth) -> None:
    functions = _of_type(any_synth, "AWS::Lambda::Function")
    table_vars = {spec.env_var for spec in TABLES}
    for spec in any_synth.functions:
        env = functions[_function_id(any_synth, spec)]["Properties"]["Environment"]["Variables"]
        assert env[ENV_ENVIRONMENT] == "aws"
        assert env[ENV_REGION] == {"Ref": "AWS::Region"}
        assert env["POWERTOOLS_SERVICE_NAME"] == f"groundlink-{spec.name}"
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == METRICS_NAMESPACE
        assert env[ENV_FUNCTION_TIMEOUT] == str(spec.timeout_s)  # the SDK's retries fit the function's timeout
        expected = {any_synth.stack.data.specs[key].env_var: key for key in spec.tables}
        assert {k for k in env if k in table_vars} == set(expected), spec.name
        for var, key in expected.items():
            assert env[var] == {"Ref": _table_id(any_synth, key)}
        assert (ENV_JWT_SECRET_ARN in env) == spec.needs_jwt_secret, spec.name


def test_function_code_is_shared_and_functions_only(synth: Synth) -> None:
    from infra.build_assets import function_code

    names = zipfile.ZipFile(function_code().path).namelist()
    assert names, "empty function code asset"
    assert {name.split("/", 1)[0] for name in names} <= {"shared", "functions"}
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert "shared/resources.py" in names
    for spec in synth.functions:  # the handler each function names is in the code it ships
        assert spec.handler.rsplit(".", 1)[0].replace(".", "/") + ".py" in names, spec.name


# --- grants -----------------------------------------------------------------------------------------


def test_each_function_has_only_the_grants_it_needs(any_synth: Synth) -> None:
    secret_ref = {"Ref": any_synth.logical_id(any_synth.stack.identity.jwt_secret)}
    webhook_key_ref = {"Ref": any_synth.logical_id(any_synth.stack.events.webhook_key)}
    bus_arn = {"Fn::GetAtt": [any_synth.logical_id(any_synth.stack.events.bus), "Arn"]}
    refresh = any_synth.stack.refresh
    refresh_dlq = {"Fn::GetAtt": [any_synth.logical_id(refresh.dead_letter_queue), "Arn"]} if refresh else None
    spacetrack = ":secret:groundlink/spacetrack" if refresh and refresh.secret else None  # the probe's context
    for spec in any_synth.functions:
        function = any_synth.stack.functions.function(spec.name)
        own_logs = {"Fn::GetAtt": [any_synth.logical_id(function.log_group), "Arn"]}
        for statement in _policy_statements(any_synth, spec):
            assert statement["Effect"] == "Allow"
            actions = _as_list(statement["Action"])
            for resource in _as_list(statement["Resource"]):
                if resource == "*":
                    # the rotation schedule also grants its function secretsmanager:GetRandomPassword (no resource)
                    wildcard = WILDCARD_ACTION_PREFIXES + (
                        ("secretsmanager:GetRandomPassword",) if spec.name == "jwt_key_rotation" else ()) + (
                        # the stream trigger's ListStreams has no resource-level permission either
                        ("dynamodb:ListStreams",) if spec.name == EVENT_BUS.relay else ())
                    assert all(a.startswith(wildcard) for a in actions), (spec.name, actions)
                elif resource == own_logs:
                    assert set(actions) <= {"logs:CreateLogStream", "logs:PutLogEvents"}
                elif resource == secret_ref:
                    assert spec.needs_jwt_secret, f"{spec.name} may read the JWT key without needing it"
                    allowed = {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}
                    if spec.name == "jwt_key_rotation":  # the rotation schedule's grants, on this key only
                        allowed |= {"secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"}
                    assert set(actions) <= allowed, (spec.name, actions)
                elif spacetrack is not None and spacetrack in str(resource):
                    assert spec.name == "catalog_refresh", (spec.name, resource)  # the Space-Track secret, read only
                    assert set(actions) <= {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}
                elif resource == refresh_dlq:  # its failed runs go to its dead-letter queue (on-failure destination)
                    assert spec.name == "catalog_refresh", (spec.name, resource)
                    assert set(actions) <= {"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}
                elif _bucket_of_resource(any_synth, resource):
                    assert _bucket_of_resource(any_synth, resource) in spec.buckets, (spec.name, resource)
                    assert all(a.startswith("s3:") for a in actions)
                elif _state_machine_of_resource(any_synth, resource):
                    assert _state_machine_of_resource(any_synth, resource) in spec.starts, (spec.name, resource)
                    assert actions == ["states:StartExecution"], (spec.name, actions)
                elif resource == webhook_key_ref:
                    assert spec.needs_webhook_key, f"{spec.name} may read the webhook key without needing it"
                    assert set(actions) <= {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}
                elif resource == bus_arn:
                    assert spec.name == EVENT_BUS.relay and actions == ["events:PutEvents"], (spec.name, actions)
                elif _queue_of_resource(any_synth, resource):
                    queue = _queue_of_resource(any_synth, resource)
                    allowed = (QUEUE_CONSUME_ACTIONS if queue == spec.queue else set()) | (
                        QUEUE_SEND_ACTIONS if queue in spec.sends else set())
                    assert allowed and set(actions) <= allowed, (spec.name, resource, actions)
                else:
                    key = _table_of_resource(any_synth, resource)
                    assert key in spec.tables, f"{spec.name}: unexpected resource {resource} for {actions}"
                    assert all(a.startswith("dynamodb:") for a in actions)


def test_table_grants_match_the_spec(any_synth: Synth) -> None:
    for spec in any_synth.functions:
        granted = _table_actions(any_synth, spec)
        assert set(granted) == set(spec.tables), spec.name
        for key, access in spec.tables.items():
            assert READ_ACTIONS <= granted[key], (spec.name, key)
            if access == "read":
                assert not granted[key] & WRITE_ACTIONS, f"{spec.name} can write {key}"
            else:
                assert WRITE_ACTIONS <= granted[key], (spec.name, key)


def test_indexed_tables_grant_their_indexes(probe_synth: Synth, probe_orbit: FunctionSpec) -> None:
    # The probe writes the ledger, which has a GSI: the grant must reach <table>/index/* too.
    ledger = {"Fn::GetAtt": [_table_id(probe_synth, "ledger"), "Arn"]}
    resources = [r for s in _policy_statements(probe_synth, probe_orbit) for r in _as_list(s["Resource"])]
    assert {"Fn::Join": ["", [ledger, "/index/*"]]} in resources


def test_roles_have_no_managed_policies(any_synth: Synth) -> None:
    for role in _of_type(any_synth, "AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


# --- layers -----------------------------------------------------------------------------------------


def _layers_of(synth: Synth, spec: FunctionSpec) -> list:
    return synth.resources[_function_id(synth, spec)]["Properties"]["Layers"]


def _layer_ref(synth: Synth, layer) -> dict:
    return {"Ref": synth.logical_id(layer)}


def test_runtime_layer_on_every_function(any_synth: Synth) -> None:
    runtime = _layer_ref(any_synth, any_synth.stack.layers.runtime_layer)
    for spec in any_synth.functions:
        assert runtime in _layers_of(any_synth, spec)


def test_orbit_layer_only_where_needed(any_synth: Synth) -> None:
    orbit_layer = any_synth.stack.layers.orbit_layer
    needs = [spec for spec in any_synth.functions if spec.needs_orbit_layer]
    assert (orbit_layer is None) == (not needs), "the orbit layer exists exactly when a function needs it"
    layer_count = len(_of_type(any_synth, "AWS::Lambda::LayerVersion"))
    assert layer_count == (2 if needs else 1)
    for spec in any_synth.functions:
        layers = _layers_of(any_synth, spec)
        if spec.needs_orbit_layer:
            assert _layer_ref(any_synth, orbit_layer) in layers, f"{spec.name} lacks the orbit layer"
            assert len(layers) == 2
        else:
            assert len(layers) == 1, f"{spec.name} got a layer it does not need: {layers}"


def test_probe_gets_the_orbit_layer_and_the_worker_does_not(
    probe_synth: Synth, probe_orbit: FunctionSpec, probe_worker: FunctionSpec
) -> None:
    orbit = _layer_ref(probe_synth, probe_synth.stack.layers.orbit_layer)
    assert orbit in _layers_of(probe_synth, probe_orbit)
    assert orbit not in _layers_of(probe_synth, probe_worker)
    probe_synth.template.has_resource_properties(
        "AWS::Lambda::LayerVersion",
        {
            "CompatibleRuntimes": ["python3.12"],
            "CompatibleArchitectures": ["x86_64"],
            "Description": Match.string_like_regexp("orbit"),
        },
    )


def test_layer_assets_are_built_for_python_3_12_without_docker(probe_synth: Synth) -> None:
    from infra.build_assets import orbit_layer, runtime_layer

    runtime = zipfile.ZipFile(runtime_layer().path).namelist()
    assert any(n.startswith("python/fastapi/") for n in runtime)
    assert any(n.startswith("python/mangum/") for n in runtime)
    assert any(n.startswith("python/pydantic_core/") and "cpython-312-x86_64-linux-gnu" in n for n in runtime)
    assert not any(n.startswith(("python/boto3/", "python/botocore/", "python/numpy/")) for n in runtime)
    orbit = zipfile.ZipFile(orbit_layer().path).namelist()
    assert any(n.startswith("python/groundlink_orbit/") for n in orbit)
    assert any(n.startswith("python/numpy/") for n in orbit)
    assert any(n.startswith("python/sgp4/") for n in orbit)


# --- data -------------------------------------------------------------------------------------------


def test_tables_match_specs_with_pitr_and_on_demand(any_synth: Synth) -> None:
    tables = _of_type(any_synth, "AWS::DynamoDB::Table")
    assert len(tables) == len(TABLES)
    for spec in TABLES:
        props = tables[_table_id(any_synth, spec.key)]["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"] == {"SSEEnabled": True}
        key_schema = [{"AttributeName": spec.partition_key, "KeyType": "HASH"}]
        if spec.sort_key:
            key_schema.append({"AttributeName": spec.sort_key, "KeyType": "RANGE"})
        assert props["KeySchema"] == key_schema
        assert {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]} == {
            name: "S" for name in spec.attribute_names()
        }
        indexes = {i["IndexName"]: i for i in props.get("GlobalSecondaryIndexes", [])}
        assert set(indexes) == {index.name for index in spec.indexes}
        for index in spec.indexes:
            assert indexes[index.name]["Projection"] == {"ProjectionType": "ALL"}
            assert indexes[index.name]["KeySchema"][0] == {"AttributeName": index.partition_key, "KeyType": "HASH"}
        if spec.ttl_attribute:
            assert props["TimeToLiveSpecification"] == {"AttributeName": spec.ttl_attribute, "Enabled": True}
        else:
            assert "TimeToLiveSpecification" not in props


def test_cors_preflight_follows_context(synth: Synth, probe_synth: Synth) -> None:
    [api] = _of_type(probe_synth, "AWS::ApiGatewayV2::Api").values()
    assert api["Properties"]["CorsConfiguration"] == {
        "AllowOrigins": ["https://console.example.org", "http://localhost:5173"],
        "AllowMethods": ["GET", "POST", "PUT", "PATCH", "DELETE"],
        "AllowHeaders": ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id", "Accept"],
        "ExposeHeaders": ["Retry-After", "X-Request-Id", "Location", "Allow"],
        "MaxAge": 3600,
        "AllowCredentials": False,
    }
    # without the context no browser origin is allowed
    [plain] = _of_type(synth, "AWS::ApiGatewayV2::Api").values()
    assert "CorsConfiguration" not in plain["Properties"]


def test_stage_throttling_and_reserved_concurrency_of_the_heavy_functions(synth: Synth) -> None:
    [stage] = _of_type(synth, "AWS::ApiGatewayV2::Stage").values()
    assert stage["Properties"]["DefaultRouteSettings"] == {"ThrottlingRateLimit": 200, "ThrottlingBurstLimit": 400}
    reserved = {}
    for spec in synth.functions:
        fn = synth.resources[synth.logical_id(synth.stack.functions.functions[spec.name])]
        reserved[spec.name] = fn["Properties"].get("ReservedConcurrentExecutions")
        assert reserved[spec.name] == spec.reserved_concurrency
    heavy = {s.name for s in synth.functions if s.memory_mb >= 1769}
    assert heavy and all(reserved[name] for name in heavy)
    assert sum(v for v in reserved.values() if v) <= 100  # leaves the account's unreserved pool its share


def test_every_authenticating_function_may_use_the_rate_limit_buckets(synth: Synth) -> None:
    authenticating = [spec for spec in synth.functions if spec.routes and "identity" in spec.tables]
    assert authenticating and all(spec.tables.get("ratelimit") == "write" for spec in authenticating)


def test_removal_policy_follows_context(synth: Synth, probe_synth: Synth) -> None:
    for table in _of_type(synth, "AWS::DynamoDB::Table").values():
        assert table["DeletionPolicy"] == "Retain"
        assert table["Properties"]["DeletionProtectionEnabled"] is True
    for table in _of_type(probe_synth, "AWS::DynamoDB::Table").values():
        assert table["DeletionPolicy"] == "Delete"


# --- monitoring -------------------------------------------------------------------------------------


def test_alarms_publish_to_an_encrypted_ssl_only_topic(any_synth: Synth) -> None:
    monitoring = any_synth.monitoring
    topic_id = monitoring.logical_id(any_synth.stack.monitoring.topic)
    alarms = any_synth.alarms.values()
    # one on API 5xx, one on AWS errors beyond the SDK's retries, one on errors and one on throttles per
    # function, one on each dead-letter queue (the catalogue refresh's included), two per state machine
    refresh_dlq = 1 if any_synth.stack.refresh else 0
    assert len(alarms) == (2 + 2 * len(any_synth.functions) + len(any_synth.stack.storage.dead_letter_queues)
                           + refresh_dlq + len(any_synth.stack.schedules.dead_letter_queues)
                           + 2 * len(any_synth.stack.jobs.state_machines))
    [unavailable] = [a for a in alarms if a["Properties"].get("MetricName") == "AwsUnavailable"]
    assert unavailable["Properties"]["Namespace"] == METRICS_NAMESPACE
    assert unavailable["Properties"]["Dimensions"] == [{"Name": "service", "Value": "groundlink"}]
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
    assert "KmsMasterKeyId" in monitoring.resources[topic_id]["Properties"]
    monitoring.template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )



def test_the_alarms_are_a_nested_stack_fed_the_names_they_watch(any_synth: Synth) -> None:
    monitoring = any_synth.monitoring
    assert monitoring.resource["Type"] == "AWS::CloudFormation::Stack"
    assert not _of_type(any_synth, "AWS::CloudWatch::Alarm") and not _of_type(any_synth, "AWS::SNS::Topic")
    # one parameter per name an alarm's dimension reads: the API, each function, dead-letter queue and state
    # machine (CloudFormation allows 200 parameters per template)
    dead_letter_queues = (len(any_synth.stack.storage.dead_letter_queues) + (1 if any_synth.stack.refresh else 0)
                          + len(any_synth.stack.schedules.dead_letter_queues))
    assert len(monitoring.parameters) == (1 + len(any_synth.functions) + dead_letter_queues
                                          + len(any_synth.stack.jobs.state_machines)) < 200
    watched = {(a["Properties"]["MetricName"], json.dumps(a["Properties"]["Dimensions"], sort_keys=True))
               for a in any_synth.alarms.values()}
    api = {"Ref": any_synth.logical_id(any_synth.stack.api.http_api)}
    assert ("5xx", json.dumps([{"Name": "ApiId", "Value": api}], sort_keys=True)) in watched
    for spec in any_synth.functions:
        function_name = [{"Name": "FunctionName", "Value": {"Ref": _function_id(any_synth, spec)}}]
        for metric in ("Errors", "Throttles"):
            assert (metric, json.dumps(function_name, sort_keys=True)) in watched, (spec.name, metric)


def test_cdk_nag_checks_the_monitoring_nested_stack(tmp_path: Path) -> None:
    """The AwsSolutions checks reach into the monitoring nested stack: alone it is clean, and a plain topic put
    there is a finding."""
    from aws_cdk import App, Stack, Validations
    from aws_cdk import aws_apigatewayv2 as apigwv2
    from aws_cdk import aws_sns as sns
    from cdk_nag import AwsSolutionsChecks

    from infra.components.monitoring import MonitoringConstruct

    def violations(outdir: Path, *, plain_topic: bool) -> set[tuple[str, str]]:
        app = App(outdir=str(outdir))
        stack = Stack(app, "NagProbe")
        api = apigwv2.HttpApi(stack, "Api", create_default_stage=False)
        monitoring = MonitoringConstruct(stack, "Monitoring", http_api=api, functions={})
        if plain_topic:
            sns.Topic(monitoring.stack, "Plain")  # not SSL-only
        Validations.of(app).add_plugins(AwsSolutionsChecks(app))
        try:
            app.synth()
        except Exception as exc:  # an unacknowledged finding stops the synth
            assert "ValidationFailed" in str(exc)
        reports = json.loads((outdir / "validation-report.json").read_text())["pluginReports"]
        return {(v["ruleName"], c["constructPath"]) for r in reports for v in r["violations"]
                for c in v["violatingConstructs"]}

    assert violations(tmp_path / "clean", plain_topic=False) == set()
    flagged = violations(tmp_path / "plain", plain_topic=True)
    assert ("AwsSolutions-SNS3", "NagProbe/Monitoring/Stack/Plain/Resource") in flagged
    assert all(path.startswith("NagProbe/Monitoring/Stack/Plain/") for _, path in flagged), flagged

# --- cdk-nag, determinism ---------------------------------------------------------------------------


def test_cdk_nag_ran_and_is_clean(any_synth: Synth) -> None:
    reports = {r["pluginName"]: r for r in any_synth.validation_report()["pluginReports"]}
    assert "AwsSolutions" in reports, "cdk-nag did not run on synth"
    report = reports["AwsSolutions"]
    assert report["conclusion"] == "success"
    assert report["violations"] == []
    for suppressed in report.get("suppressedViolations", []):
        assert len(suppressed["reason"]) >= 40, suppressed["acknowledgedId"]
    annotations = Annotations.from_stack(any_synth.stack)
    assert annotations.find_error("*", Match.string_like_regexp("AwsSolutions-.*")) == []
    assert annotations.find_warning("*", Match.string_like_regexp("AwsSolutions-.*")) == []


def test_no_lookups_no_docker_no_environment(any_synth: Synth) -> None:
    manifest = json.loads((Path(any_synth.assembly.directory) / "manifest.json").read_text())
    assert not manifest.get("missing"), "synth needed a context lookup"
    stack_artifact = manifest["artifacts"][any_synth.stack.artifact_id]
    assert stack_artifact["environment"] == "aws://unknown-account/unknown-region"
    asset_manifests = list(Path(any_synth.assembly.directory).glob("*.assets.json"))
    assert asset_manifests
    for path in asset_manifests:
        manifest = json.loads(path.read_text())
        assert not manifest.get("dockerImages"), "an asset needs Docker"
        for asset in manifest["files"].values():
            # prebuilt zip files, or a directory the CDK zips itself (the console's files, its upload handler)
            assert asset["source"]["packaging"] in ("file", "zip"), "assets are zip files, never images"


def test_every_log_group_has_a_retention(any_synth: Synth) -> None:
    log_groups = _of_type(any_synth, "AWS::Logs::LogGroup")
    # one per function, one per state machine, one for API access logs
    assert len(log_groups) == len(any_synth.functions) + len(any_synth.stack.jobs.state_machines) + 1
    for log_group in log_groups.values():
        assert log_group["Properties"]["RetentionInDays"] > 0


def test_the_jwt_signing_key_is_rotated_on_a_schedule_by_its_function(synth: Synth) -> None:
    rotations = synth.template.find_resources("AWS::SecretsManager::RotationSchedule")
    [(_, rotation)] = rotations.items()
    props = rotation["Properties"]
    assert props["SecretId"] == {"Ref": synth.logical_id(synth.stack.identity.jwt_secret)}
    assert props["RotationRules"]["ScheduleExpression"] == "rate(30 days)"
    function = synth.stack.functions.function("jwt_key_rotation")
    assert props["RotationLambdaARN"] == {"Fn::GetAtt": [synth.logical_id(function), "Arn"]}
