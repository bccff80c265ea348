"""CDK assertions on the scheduled workers (``FunctionSpec.every_s``): the reservation lifecycle sweep runs every
minute with retries and a dead-letter queue, an alarm watches that queue, EventBridge may invoke the function
from that rule only, and the function holds exactly its table grants (no routes, no JWT key)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("aws_cdk")

from shared.resources import function  # noqa: E402
from tests.infrastructure.test_stack import _function_id, _of_type, _table_actions  # noqa: E402
from tests.infrastructure.test_storage import _denies_insecure_transport, _queue_policy_statements  # noqa: E402

if TYPE_CHECKING:
    from conftest import Synth

pytestmark = pytest.mark.xdist_group("cdk")


def test_the_lifecycle_sweep_runs_every_minute_with_a_dead_letter_queue(any_synth: Synth) -> None:
    spec = function("ledger_lifecycle")
    assert spec.every_s == 60 and not spec.routes and not spec.queue
    rule = any_synth.stack.schedules.rules["ledger_lifecycle"]
    props = _of_type(any_synth, "AWS::Events::Rule")[any_synth.logical_id(rule)]["Properties"]
    assert props["ScheduleExpression"] == "rate(1 minute)" and props["State"] == "ENABLED"
    [target] = props["Targets"]
    fn_arn = {"Fn::GetAtt": [_function_id(any_synth, spec), "Arn"]}
    dlq = any_synth.stack.schedules.dead_letter_queues["ledger_lifecycle_schedule"]
    assert target["Arn"] == fn_arn
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == 2
    assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": [any_synth.logical_id(dlq), "Arn"]}
    queue = _of_type(any_synth, "AWS::SQS::Queue")[any_synth.logical_id(dlq)]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True and queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    statements = _queue_policy_statements(any_synth, dlq)
    assert _denies_insecure_transport(statements)
    # EventBridge may send to it, for this rule only
    [send] = [st for st in statements if st.get("Effect") == "Allow"]
    assert send["Principal"] == {"Service": "events.amazonaws.com"} and "sqs:SendMessage" in send["Action"]
    assert send["Condition"]["ArnEquals"]["aws:SourceArn"] == {"Fn::GetAtt": [any_synth.logical_id(rule), "Arn"]}
    # EventBridge may invoke the function, from this rule only
    invokers = [p["Properties"] for p in _of_type(any_synth, "AWS::Lambda::Permission").values()
                if p["Properties"]["FunctionName"] == fn_arn]
    assert [p["Principal"] for p in invokers] == ["events.amazonaws.com"]
    assert invokers[0]["SourceArn"] == {"Fn::GetAtt": [any_synth.logical_id(rule), "Arn"]}


def test_dead_lettered_sweeps_raise_an_alarm(synth: Synth) -> None:
    dlq = synth.stack.schedules.dead_letter_queues["ledger_lifecycle_schedule"]
    alarms = [a["Properties"] for a in synth.alarms.values()]
    watching = [a for a in alarms if a.get("MetricName") == "ApproximateNumberOfMessagesVisible"
                and {"Name": "QueueName", "Value": {"Fn::GetAtt": [synth.logical_id(dlq), "QueueName"]}}
                in a.get("Dimensions", [])]
    assert len(watching) == 1 and watching[0]["AlarmActions"]


def test_the_lifecycle_function_holds_exactly_its_grants(any_synth: Synth) -> None:
    spec = function("ledger_lifecycle")
    granted = _table_actions(any_synth, spec)
    assert set(granted) == {"ledger", "files", "events"}
    env = _of_type(any_synth, "AWS::Lambda::Function")[_function_id(any_synth, spec)]["Properties"]
    variables = env["Environment"]["Variables"]
    assert "GROUNDLINK_JWT_SECRET_ARN" not in variables
    assert {"GROUNDLINK_LEDGER_TABLE", "GROUNDLINK_FILES_TABLE", "GROUNDLINK_EVENTS_TABLE"} <= set(variables)
