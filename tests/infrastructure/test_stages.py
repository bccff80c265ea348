"""Stages: two stages synthesize side by side (no physical name shared), each carries its stage in its stack
name, names, tags and settings; the stack's outputs are the ones the CLI reads; bad stage settings stop the
synth with one line naming them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("aws_cdk")

from infra.app import build_app  # noqa: E402
from infra.stages import OVERRIDES, StageError, load_stage, stage_sections  # noqa: E402
from shared.resources import BUCKETS, QUEUES, STATE_MACHINES, TABLES  # noqa: E402
from shared.stack_outputs import pascal, stack_outputs  # noqa: E402

if TYPE_CHECKING:
    from conftest import Synth

pytestmark = pytest.mark.xdist_group("cdk")

ACCOUNT, REGION = "111122223333", "eu-west-1"  # both stages in one account and region
PSEUDO = {"AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
# Property names that end in "Name" but are not unique in an account and region (an inline policy's name is
# its role's own).
NOT_PHYSICAL = {"StageName", "DisplayName", "PolicyName", "IndexName", "AttributeName", "MetricName", "Namespace"}
NAMED_BY_NAME = {"AWS::Events::EventBus", "AWS::Events::Rule", "AWS::Events::Connection",
                 "AWS::Events::ApiDestination", "AWS::Scheduler::Schedule", "AWS::Scheduler::ScheduleGroup",
                 "AWS::Events::Archive"}


def _resolve(value: Any, stack: str) -> str:
    """A name as deployed in ACCOUNT/REGION; a reference to one of the stack's own resources stays unique to it."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Ref" in value:
        return PSEUDO.get(value["Ref"], f"<{stack}:{value['Ref']}>")
    if isinstance(value, dict) and "Fn::Join" in value:
        sep, parts = value["Fn::Join"]
        return sep.join(_resolve(p, stack) for p in parts)
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return f"<{stack}:{'.'.join(value['Fn::GetAtt'])}>"
    if isinstance(value, dict) and "Fn::Sub" in value:
        text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
        for ref, real in PSEUDO.items():
            text = text.replace("${" + ref + "}", real)
        return text
    raise AssertionError(f"cannot resolve the name {value!r}")


def physical_names(synth: Synth) -> dict[str, str]:
    """Every explicit physical name of the stack's resources: name → the resource's logical id."""
    names: dict[str, str] = {}
    stack = synth.stack.stack_name
    for logical_id, resource in synth.resources.items():
        for key, value in resource.get("Properties", {}).items():
            if key in NOT_PHYSICAL or not key.endswith("Name"):
                continue
            if key == "Name" and resource["Type"] not in NAMED_BY_NAME:
                continue
            names[f"{resource['Type']} {_resolve(value, stack)}"] = logical_id
    return names


def test_two_stages_synthesize_side_by_side_without_a_shared_name(synth: Synth, dev_synth: Synth) -> None:
    # Given the prod and the dev stage of the same app, synthesized for one account and region
    assert (dev_synth.stack.stack_name, synth.stack.stack_name) == ("Groundlink-dev", "Groundlink-prod")
    dev, prod = physical_names(dev_synth), physical_names(synth)
    # Then the explicitly named resources (buckets, the state machines' log groups…) are there in both
    assert len(dev) == len(prod) >= len(BUCKETS) + len(STATE_MACHINES)
    # And no name of one is a name of the other, and each carries its stage
    assert not set(dev) & set(prod), sorted(set(dev) & set(prod))
    assert all("dev" in name.lower() for name in dev), dev
    assert all("prod" in name.lower() for name in prod), prod
    # And every other resource is named by CloudFormation from the stack name (which differs)
    templates = {s.stack.stack_name: Path(s.assembly.directory, f"{s.stack.stack_name}.template.json").exists()
                 for s in (dev_synth, synth)}
    assert templates == {"Groundlink-dev": True, "Groundlink-prod": True}


def test_every_resource_and_the_stack_are_tagged_with_the_stage(synth: Synth, dev_synth: Synth) -> None:
    for s, stage in ((dev_synth, "dev"), (synth, "prod")):
        assert s.stack.tags.tag_values() == {"project": "groundlink", "groundlink:stage": stage}
        tagged = [r for r in s.resources.values() if r["Type"] in ("AWS::DynamoDB::Table", "AWS::S3::Bucket",
                                                                  "AWS::Lambda::Function", "AWS::SQS::Queue",
                                                                  "AWS::StepFunctions::StateMachine")]
        assert tagged
        for resource in tagged:
            tags = resource["Properties"].get("Tags") or resource["Properties"].get("TagsEntry") or []
            assert {"Key": "groundlink:stage", "Value": stage} in tags, resource["Type"]


def test_stage_settings_reach_the_resources(synth: Synth, dev_synth: Synth) -> None:
    prod, dev = load_stage("prod"), load_stage("dev")

    def of_type(s: Synth, cfn_type: str) -> list[dict]:
        return [r for r in s.resources.values() if r["Type"] == cfn_type]

    for s, stage in ((synth, prod), (dev_synth, dev)):
        # log retention: every log group, those of later constructs included (an aspect sets it)
        assert {g["Properties"]["RetentionInDays"] for g in of_type(s, "AWS::Logs::LogGroup")} == {
            stage.log_retention_days}
        [api_stage] = of_type(s, "AWS::ApiGatewayV2::Stage")
        rate, burst = stage.throttle
        assert api_stage["Properties"]["DefaultRouteSettings"] == {"ThrottlingRateLimit": rate,
                                                                  "ThrottlingBurstLimit": burst}
        policies = {t["DeletionPolicy"] for t in of_type(s, "AWS::DynamoDB::Table")}
        assert policies == {"Retain" if stage.removal_policy == "retain" else "Delete"}
        reserved = [f["Properties"].get("ReservedConcurrentExecutions") for f in of_type(s, "AWS::Lambda::Function")]
        assert any(reserved) is stage.reserved_concurrency
        [api] = of_type(s, "AWS::ApiGatewayV2::Api")
        origins = api["Properties"].get("CorsConfiguration", {}).get("AllowOrigins", [])
        assert tuple(origins) == stage.cors_origins
    assert (dev.log_retention_days, prod.log_retention_days) == (14, 365)


def test_outputs_name_every_resource_the_cli_needs(any_synth: Synth) -> None:
    outputs = any_synth.template.to_json()["Outputs"]
    assert set(outputs) == {o.key for o in stack_outputs()} | {"ConsoleUrl"}
    stack = any_synth.stack

    def ref(construct) -> dict:
        return {"Ref": any_synth.logical_id(construct)}

    for spec in TABLES:
        assert outputs[f"{pascal(spec.key)}Table"]["Value"] == ref(
            stack.data.table(spec.key))
    for spec in BUCKETS:
        assert outputs[f"{spec.key.capitalize()}Bucket"]["Value"] == ref(stack.storage.bucket(spec.key))
    for spec in QUEUES:
        output = outputs[f"{pascal(spec.key)}Queue"]
        assert output["Value"] == ref(stack.storage.queue(spec.key))  # an SQS queue's Ref is its URL
    for spec in STATE_MACHINES:
        assert outputs[f"{spec.key.capitalize()}StateMachine"]["Value"] == ref(stack.jobs.state_machine(spec.key))
    assert outputs["JwtSecretArn"]["Value"] == ref(stack.identity.jwt_secret)
    assert outputs["GroundlinkStage"]["Value"] == stack.stage.name
    api_id = any_synth.logical_id(stack.api.http_api)
    assert outputs["ApiUrl"]["Value"] == {"Fn::GetAtt": [api_id, "ApiEndpoint"]}  # https://<id>.execute-api…


# --- the stage file and its overrides (no synth) ---------------------------------------------------------


def test_the_stage_file_has_dev_and_prod_and_every_section_is_valid() -> None:
    sections = stage_sections()
    assert {"dev", "prod"} <= set(sections)
    for name in sections:
        assert load_stage(name).name == name


def test_context_keys_override_one_setting(tmp_path: Path) -> None:
    stage = load_stage("prod", {"groundlink:removalPolicy": "DESTROY", "groundlink:reservedConcurrency": "false",
                                "groundlink:apiThrottle": "10/20", "groundlink:logRetentionDays": "30",
                                "groundlink:alarmEmail": "ops@example.org",
                                "groundlink:corsOrigins": "https://console.example.org",
                                "groundlink:refreshHours": "24"})
    assert (stage.removal_policy, stage.reserved_concurrency, stage.throttle, stage.log_retention_days) == (
        "destroy", False, (10.0, 20), 30)
    assert (stage.alarm_email, stage.cors_origins, stage.refresh_hours) == (
        "ops@example.org", ("https://console.example.org",), 24)
    assert set(OVERRIDES) >= {"groundlink:removalPolicy", "groundlink:alarmEmail", "groundlink:apiThrottle",
                              "groundlink:reservedConcurrency", "groundlink:corsOrigins"}  # the earlier keys


@pytest.mark.parametrize(("name", "overrides", "message"), [
    ("qa", {}, "stage 'qa' is not in stages.toml (known: dev, prod)"),
    ("prod", {"groundlink:removalPolicy": "keep"}, "removal_policy: Input should be 'retain' or 'destroy'"),
    ("prod", {"groundlink:logRetentionDays": "10"}, "log_retention_days: Value error, must be one of"),
    ("prod", {"groundlink:apiThrottle": "fast"}, "api_throttle: Value error, must be 'rate/burst'"),
    ("prod", {"groundlink:reservedConcurrency": "maybe"}, "groundlink:reservedConcurrency must be true or false"),
    ("prod", {"groundlink:refreshHours": "0"}, "refresh_hours: Input should be greater than or equal to 1"),
    ("prod", {"groundlink:refreshHours": "hourly"}, "refresh_hours: Input should be a valid integer"),
    ("prod", {"groundlink:alarmEmail": "ops"}, "alarm_email: Value error, must be an e-mail address"),
    ("prod", {"groundlink:corsOrigins": "console"}, "is not of the form scheme://host[:port]"),
])
def test_a_bad_stage_or_setting_is_one_message_naming_it(name: str, overrides: dict, message: str) -> None:
    with pytest.raises((StageError, ValueError)) as raised:
        load_stage(name, overrides)
    assert message in str(raised.value)


def test_an_unknown_key_in_the_stage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "stages.toml"
    path.write_text('[stages.dev]\nremoval_policy = "destroy"\nlog_retention_days = 14\nlog_retension = 7\n')
    with pytest.raises(StageError) as raised:
        load_stage("dev", path=path)
    assert "log_retension: Extra inputs are not permitted" in str(raised.value)
    path.write_text('[stages.Dev-1]\nremoval_policy = "destroy"\nlog_retention_days = 14\n')
    with pytest.raises(StageError, match="name: Value error, must be 1-12 lower-case letters and digits"):
        load_stage("Dev-1", path=path)


def test_the_app_refuses_an_unknown_stage_before_building_anything() -> None:
    with pytest.raises(StageError, match="stage 'staging' is not in stages.toml"):
        build_app(context={"stage": "staging"})
