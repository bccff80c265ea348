"""SnapStart on the HTTP functions: published versions, a ``live`` alias each, API Gateway invoking the alias."""

from __future__ import annotations

import pytest

from tests.infrastructure.conftest import Synth

pytestmark = pytest.mark.xdist_group("cdk")


def _of_type(synth: Synth, cfn_type: str) -> dict[str, dict]:
    return {k: v for k, v in synth.resources.items() if v["Type"] == cfn_type}


def _ids(synth: Synth) -> dict[str, str]:
    return {name: synth.logical_id(function) for name, function in synth.stack.functions.functions.items()}


def test_every_http_function_snapshots_its_published_versions_and_no_worker_does(any_synth: Synth) -> None:
    functions = _of_type(any_synth, "AWS::Lambda::Function")
    http = {spec.name for spec in any_synth.functions if spec.routes}
    assert http, "the stack has HTTP functions"
    conditions = any_synth.template.to_json()["Conditions"]
    for name, logical_id in _ids(any_synth).items():
        props = functions[logical_id]["Properties"]
        if name in http:
            condition, enabled, elsewhere = props["SnapStart"]["Fn::If"]
            assert enabled == {"ApplyOn": "PublishedVersions"} and elsewhere == {"Ref": "AWS::NoValue"}, name
            # everywhere but the aws-cn partition, where Lambda does not offer SnapStart
            assert conditions[condition] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws-cn"]}]}
            assert props["Runtime"] == "python3.12"  # SnapStart for Python starts with 3.12
        else:
            assert "SnapStart" not in props, f"{name} is a worker: no caller waits on its cold start"


def test_each_http_function_has_a_live_alias_on_its_current_version(any_synth: Synth) -> None:
    aliases = _of_type(any_synth, "AWS::Lambda::Alias")
    versions = _of_type(any_synth, "AWS::Lambda::Version")
    ids = _ids(any_synth)
    http = [spec.name for spec in any_synth.functions if spec.routes]
    assert len(aliases) == len(http)
    by_function = {alias["Properties"]["FunctionName"]["Ref"]: alias["Properties"] for alias in aliases.values()}
    for name in http:
        alias = by_function[ids[name]]
        assert alias["Name"] == "live"
        version_id = alias["FunctionVersion"]["Fn::GetAtt"][0]
        assert alias["FunctionVersion"]["Fn::GetAtt"][1] == "Version"
        assert versions[version_id]["Properties"]["FunctionName"] == {"Ref": ids[name]}


def test_api_gateway_invokes_the_aliases_and_may_invoke_only_them(any_synth: Synth) -> None:
    aliases = _of_type(any_synth, "AWS::Lambda::Alias")
    integrations = _of_type(any_synth, "AWS::ApiGatewayV2::Integration")
    assert integrations
    targets = {integration["Properties"]["IntegrationUri"]["Ref"] for integration in integrations.values()}
    assert targets == set(aliases)  # one integration per HTTP function, each on its alias
    api_permissions = [p["Properties"] for p in _of_type(any_synth, "AWS::Lambda::Permission").values()
                       if p["Properties"]["Principal"] == "apigateway.amazonaws.com"]
    assert {p["FunctionName"]["Ref"] for p in api_permissions} == set(aliases)


def test_the_stack_stays_under_cloudformations_resource_limit_with_the_versions_and_aliases(synth: Synth) -> None:
    http = sum(1 for spec in synth.functions if spec.routes)
    assert len(_of_type(synth, "AWS::Lambda::Version")) == http
    assert len(synth.resources) <= 450  # 500 per stack; 50 left for what comes next (387: alarms nested)
