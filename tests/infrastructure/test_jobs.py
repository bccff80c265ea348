"""CDK assertions on the jobs state machines, driven by ``shared.resources`` (STATE_MACHINES and the functions'
``starts``): the definition the specs hold with the worker's ARN, logging and tracing, the invoke grant on the
worker only, StartExecution and the ARN variable only where a function starts it, and the worker's shape."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("aws_cdk")

from shared.resources import STATE_MACHINES, function  # noqa: E402
from tests.infrastructure.test_stack import (  # noqa: E402
    _as_list,
    _function_id,
    _layer_ref,
    _layers_of,
    _of_type,
    _policy_statements,
    _table_actions,
)

if TYPE_CHECKING:
    from conftest import Synth

pytestmark = pytest.mark.xdist_group("cdk")

LOG_DELIVERY_ACTIONS = {
    "logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
    "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery",
    "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments",
}


def _machine(synth: Synth, key: str) -> tuple[str, dict]:
    logical_id = synth.logical_id(synth.stack.jobs.state_machine(key))
    return logical_id, synth.resources[logical_id]


def _role_statements(synth: Synth, role_id: str) -> list[dict]:
    statements = []
    for policy in _of_type(synth, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_one_state_machine_per_spec_running_the_spec_definition_on_its_worker(any_synth: Synth) -> None:
    machines = _of_type(any_synth, "AWS::StepFunctions::StateMachine")
    assert len(machines) == len(STATE_MACHINES)
    for spec in STATE_MACHINES:
        _, machine = _machine(any_synth, spec.key)
        props = machine["Properties"]
        assert props["StateMachineType"] == "STANDARD"
        template, variables = props["DefinitionString"]["Fn::Sub"]
        worker_arn = {"Fn::GetAtt": [_function_id(any_synth, function(spec.worker)), "Arn"]}
        assert variables == {"WorkerArn": worker_arn}
        # what the local runtime executes, with the stack's partition instead of "aws"
        assert template == spec.definition_for("${WorkerArn}", partition="${AWS::Partition}")
        assert "arn:aws:" not in template
        definition = json.loads(template)
        assert definition["TimeoutSeconds"] == spec.timeout_s
        tasks = [s for s in definition["States"].values() if s["Type"] == "Task"]
        assert tasks and all(t["Parameters"]["FunctionName"] == "${WorkerArn}" for t in tasks)


def test_state_machines_log_everything_and_trace(any_synth: Synth) -> None:
    for spec in STATE_MACHINES:
        _, machine = _machine(any_synth, spec.key)
        props = machine["Properties"]
        log_group = any_synth.stack.jobs.log_groups[spec.key]
        assert props["LoggingConfiguration"] == {
            "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": {
                "Fn::GetAtt": [any_synth.logical_id(log_group), "Arn"]}}}],
            "IncludeExecutionData": True,
            "Level": "ALL",
        }
        assert props["TracingConfiguration"] == {"Enabled": True}
        log_props = any_synth.resources[any_synth.logical_id(log_group)]["Properties"]
        assert log_props["LogGroupName"].startswith("/aws/vendedlogs/states/")
        assert log_props["RetentionInDays"] > 0


def test_state_machine_role_invokes_exactly_its_worker(any_synth: Synth) -> None:
    for spec in STATE_MACHINES:
        _, machine = _machine(any_synth, spec.key)
        role_id = machine["Properties"]["RoleArn"]["Fn::GetAtt"][0]
        worker_arn = {"Fn::GetAtt": [_function_id(any_synth, function(spec.worker)), "Arn"]}
        invoke, children = [], {}
        name = machine["Properties"]["StateMachineName"]
        for statement in _role_statements(any_synth, role_id):
            actions = set(_as_list(statement["Action"]))
            assert statement["Effect"] == "Allow"
            if statement["Resource"] == "*":
                assert actions <= LOG_DELIVERY_ACTIONS, actions  # no resource-level permissions exist for these
            elif actions & {"states:StartExecution", "states:DescribeExecution", "states:StopExecution"}:
                children[frozenset(actions)] = _arn_text(statement["Resource"])
            else:
                assert actions == {"lambda:InvokeFunction"}, actions
                invoke += _as_list(statement["Resource"])
        assert invoke == [worker_arn], invoke
        # the Distributed Map's child executions: start this state machine, describe/stop its executions only
        prefix = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}"
        assert children == {frozenset({"states:StartExecution"}): f"{prefix}:stateMachine:{name}",
                            frozenset({"states:DescribeExecution", "states:StopExecution"}):
                                f"{prefix}:execution:{name}/*"}, children


def _arn_text(resource: object) -> str:
    """An ARN built with Fn::Join of pseudo-parameters, as text (``${AWS::Region}``…)."""
    if isinstance(resource, str):
        return resource
    assert isinstance(resource, dict) and set(resource) == {"Fn::Join"}, resource
    sep, parts = resource["Fn::Join"]
    return sep.join(p if isinstance(p, str) else "${" + p["Ref"] + "}" for p in parts)


def test_the_jobs_map_is_distributed_over_chunk_indices_with_retries_and_the_chunk_reason(any_synth: Synth) -> None:
    from infra.components.jobs import distributed_maps

    for spec in STATE_MACHINES:
        _, machine = _machine(any_synth, spec.key)
        template, _ = machine["Properties"]["DefinitionString"]["Fn::Sub"]
        definition = json.loads(template)
        assert distributed_maps(definition) == ["Chunks"]
        states = definition["States"]
        assert [states["Plan"]["Next"], states["Chunks"]["Next"], states["Merge"].get("End")] == ["Chunks", "Merge",
                                                                                               True]
        chunks = states["Chunks"]
        # items are chunk indices from the plan step's answer, never data; the parts go to the results bucket
        assert chunks["ItemsPath"] == "$.plan.chunks" and chunks["ResultPath"] is None
        assert chunks["ItemSelector"] == {"task_id.$": "$.task_id", "chunk.$": "$$.Map.Item.Value"}
        assert chunks["MaxConcurrency"] == 16  # within the worker's reserved concurrency
        assert chunks["MaxConcurrency"] <= (function(spec.worker).reserved_concurrency or 1000)
        assert chunks["ItemProcessor"]["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
        inner = chunks["ItemProcessor"]["States"]
        assert inner["Chunk"]["Retry"][-1]["ErrorEquals"] == ["States.ALL"]  # a failing chunk is retried
        assert inner["Chunk"]["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                                            "Next": "ChunkFailed"}]
        assert inner["ChunkFailed"]["Parameters"]["Payload"]["step"] == "chunk_failed"
        for name in ("Plan", "Chunks", "Merge"):  # anything else failing: the job records the reason
            assert states[name]["Catch"][0]["Next"] == "RecordFailure"


def test_the_local_runtime_runs_the_same_definition_with_fewer_chunks_at_once() -> None:
    for spec in STATE_MACHINES:
        deployed = json.loads(spec.definition_for("arn:worker"))
        local = json.loads(spec.definition_for("arn:worker", map_concurrency=spec.local_map_concurrency))
        assert local["States"]["Chunks"].pop("MaxConcurrency") == spec.local_map_concurrency == 2
        deployed["States"]["Chunks"].pop("MaxConcurrency")
        assert local == deployed  # the one substitution


def test_only_functions_that_start_a_state_machine_may_start_it(any_synth: Synth) -> None:
    functions = _of_type(any_synth, "AWS::Lambda::Function")
    refs = {any_synth.logical_id(m): key for key, m in any_synth.stack.jobs.state_machines.items()}
    starters = {spec.name for spec in any_synth.functions if spec.starts}
    assert "ssa_jobs" in starters
    for spec in any_synth.functions:
        started = set()
        for statement in _policy_statements(any_synth, spec):
            actions = _as_list(statement["Action"])
            if any(a.startswith("states:") for a in actions):
                assert actions == ["states:StartExecution"], (spec.name, actions)
                started |= {refs[r["Ref"]] for r in _as_list(statement["Resource"])}
        assert started == set(spec.starts), spec.name
        env = functions[_function_id(any_synth, spec)]["Properties"]["Environment"]["Variables"]
        for sm in STATE_MACHINES:
            if sm.key in spec.starts:
                assert env[sm.env_var] == {"Ref": any_synth.logical_id(any_synth.stack.jobs.state_machine(sm.key))}
            else:
                assert sm.env_var not in env, spec.name


def test_the_worker_has_no_routes_and_exactly_its_table_grants(any_synth: Synth) -> None:
    for sm in STATE_MACHINES:
        worker = function(sm.worker)
        assert not worker.routes and not worker.starts
        worker_arn = {"Fn::GetAtt": [_function_id(any_synth, worker), "Arn"]}
        rules = {any_synth.logical_id(r) for r in (any_synth.stack.jobs.ended_rules[sm.key],
                                                   any_synth.stack.jobs.sweep_rules[sm.key])}
        for permission in _of_type(any_synth, "AWS::Lambda::Permission").values():
            props = permission["Properties"]
            if props["FunctionName"] == worker_arn:  # only the state machine's status rule and the sweep schedule
                assert props["Principal"] == "events.amazonaws.com", "something else may invoke the worker"
                assert props["SourceArn"]["Fn::GetAtt"][0] in rules
        granted = _table_actions(any_synth, worker)
        assert set(granted) == set(worker.tables)
        assert not any(a.startswith("dynamodb:Put") for a in granted.get("catalog", ()))


def test_orbit_layer_on_the_jobs_functions(synth: Synth) -> None:
    orbit = _layer_ref(synth, synth.stack.layers.orbit_layer)
    for name in ("ssa_jobs", "jobs_worker"):
        assert orbit in _layers_of(synth, function(name)), name


def test_failed_and_timed_out_executions_raise_alarms(synth) -> None:
    alarms = [a["Properties"] for a in synth.alarms.values()]
    for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
        [alarm] = [a for a in alarms if a.get("MetricName") == metric]
        assert alarm["Namespace"] == "AWS/States" and alarm["Threshold"] == 1
        assert alarm["Dimensions"] == [{"Name": "StateMachineArn",
                                        "Value": {"Ref": synth.logical_id(synth.stack.jobs.state_machine("jobs"))}}]
        assert alarm["AlarmActions"]


def test_the_worker_hears_ended_executions_and_sweeps_on_a_schedule(any_synth: Synth) -> None:
    rules = _of_type(any_synth, "AWS::Events::Rule")
    permissions = _of_type(any_synth, "AWS::Lambda::Permission")
    for spec in STATE_MACHINES:
        worker_arn = {"Fn::GetAtt": [_function_id(any_synth, function(spec.worker)), "Arn"]}
        machine_id, _ = _machine(any_synth, spec.key)
        ended = rules[any_synth.logical_id(any_synth.stack.jobs.ended_rules[spec.key])]["Properties"]
        assert ended["EventPattern"] == {
            "source": ["aws.states"], "detail-type": ["Step Functions Execution Status Change"],
            "detail": {"stateMachineArn": [{"Ref": machine_id}], "status": ["FAILED", "TIMED_OUT", "ABORTED"]}}
        sweep = rules[any_synth.logical_id(any_synth.stack.jobs.sweep_rules[spec.key])]["Properties"]
        assert sweep["ScheduleExpression"] == f"rate({spec.sweep_every_s // 60} minutes)"
        for props in (ended, sweep):
            assert props["State"] == "ENABLED"
            [target] = props["Targets"]
            assert target["Arn"] == worker_arn and target["RetryPolicy"]["MaximumRetryAttempts"] >= 2
        # EventBridge may invoke the worker, from these two rules only
        invokers = [p["Properties"] for p in permissions.values()
                    if p["Properties"]["Principal"] == "events.amazonaws.com"
                    and p["Properties"]["FunctionName"] == worker_arn]
        assert sorted(p["SourceArn"]["Fn::GetAtt"][0] for p in invokers) == sorted(
            any_synth.logical_id(r) for r in (any_synth.stack.jobs.ended_rules[spec.key],
                                              any_synth.stack.jobs.sweep_rules[spec.key]))


def test_the_execution_limit_is_the_domains_bound() -> None:
    from shared.domain.jobs.service import EXECUTION_LIMIT, STUCK_AFTER
    from shared.resources import JOBS_STATE_MACHINE, function

    assert JOBS_STATE_MACHINE.timeout_s == EXECUTION_LIMIT.total_seconds()
    # the sweep looks past every retry the state machine can still be making
    assert STUCK_AFTER.total_seconds() > JOBS_STATE_MACHINE.timeout_s + JOBS_STATE_MACHINE.sweep_every_s
    assert function(JOBS_STATE_MACHINE.worker).timeout_s < JOBS_STATE_MACHINE.timeout_s
