"""CDK assertions on the events and webhooks construct: the bus; the relay's stream trigger (INSERTs of the events
table), its one-minute schedule and its PutEvents grant on this bus only; the rule sending every groundlink
source to the fan-out queue; the fan-out and delivery queues with their DLQs and DLQ alarms; who may read the
webhook key and send deliveries."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("aws_cdk")

from infra.components.events import ENV_WEBHOOK_KEY_ARN  # noqa: E402
from shared.resources import EVENT_BUS, FUNCTIONS, queue, table  # noqa: E402
from tests.infrastructure.test_stack import _function_id, _of_type, _policy_statements  # noqa: E402

if TYPE_CHECKING:
    from conftest import Synth

pytestmark = pytest.mark.xdist_group("cdk")


def _env(synth: Synth, name: str) -> dict:
    spec = next(s for s in synth.functions if s.name == name)
    return synth.resources[_function_id(synth, spec)]["Properties"]["Environment"]["Variables"]


def test_one_bus_and_the_relay_may_put_on_it_only(synth: Synth) -> None:
    [(bus_id, bus)] = _of_type(synth, "AWS::Events::EventBus").items()
    assert bus["Properties"]["Name"].endswith("-events")
    relay = next(s for s in synth.functions if s.name == EVENT_BUS.relay)
    puts = [st for st in _policy_statements(synth, relay) if "events:PutEvents" in str(st["Action"])]
    assert puts == [{"Action": "events:PutEvents", "Effect": "Allow", "Resource": {"Fn::GetAtt": [bus_id, "Arn"]}}]
    assert _env(synth, EVENT_BUS.relay)[EVENT_BUS.env_var] == {"Ref": bus_id}
    for spec in synth.functions:  # nobody else publishes
        if spec.name != EVENT_BUS.relay:
            assert "events:PutEvents" not in str(_policy_statements(synth, spec)), spec.name


def test_the_relay_is_woken_by_inserts_into_the_outbox_and_every_minute(synth: Synth) -> None:
    outbox_id = synth.logical_id(synth.stack.data.table(EVENT_BUS.outbox))
    assert table(EVENT_BUS.outbox).stream
    assert synth.resources[outbox_id]["Properties"]["StreamSpecification"] == {"StreamViewType": "KEYS_ONLY"}
    relay_id = _function_id(synth, next(s for s in synth.functions if s.name == EVENT_BUS.relay))
    [mapping] = [m["Properties"] for m in _of_type(synth, "AWS::Lambda::EventSourceMapping").values()
                 if m["Properties"].get("EventSourceArn") == {"Fn::GetAtt": [outbox_id, "StreamArn"]}]
    assert mapping["FunctionName"] == {"Ref": relay_id}
    assert mapping["FilterCriteria"] == {"Filters": [{"Pattern": '{"eventName":["INSERT"]}'}]}
    assert mapping["StartingPosition"] == "LATEST"
    schedules = [r["Properties"] for r in _of_type(synth, "AWS::Events::Rule").values()
                 if r["Properties"].get("ScheduleExpression") == "rate(1 minute)"]
    relay_arn = {"Fn::GetAtt": [relay_id, "Arn"]}  # (the reservation lifecycle sweep has its own one-minute rule)
    assert [t["Arn"] for r in schedules for t in r["Targets"] if t["Arn"] == relay_arn] == [relay_arn]


def test_every_groundlink_event_goes_to_the_fan_out_queue(synth: Synth) -> None:
    bus_id = synth.logical_id(synth.stack.events.bus)
    queue_id = synth.logical_id(synth.stack.storage.queue(EVENT_BUS.queue))
    [rule] = [r["Properties"] for r in _of_type(synth, "AWS::Events::Rule").values()
              if r["Properties"].get("EventBusName") == {"Ref": bus_id}]
    assert rule["EventPattern"] == {"source": list(EVENT_BUS.sources)}
    assert [t["Arn"] for t in rule["Targets"]] == [{"Fn::GetAtt": [queue_id, "Arn"]}]
    # only that rule may send to the queue
    [policy] = [p["Properties"] for p in _of_type(synth, "AWS::SQS::QueuePolicy").values()
                if {"Ref": queue_id} in p["Properties"]["Queues"]]
    allows = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in allows] == [{"Service": "events.amazonaws.com"}]
    assert allows[0]["Condition"]["ArnEquals"]["aws:SourceArn"] == {"Fn::GetAtt": [synth.logical_id(
        synth.stack.events.rule), "Arn"]}


def test_webhook_queues_have_dead_letter_queues_with_alarms(synth: Synth) -> None:
    alarms = [a["Properties"] for a in synth.alarms.values()]
    for key in ("webhook_events", "webhook_deliveries"):
        q = synth.resources[synth.logical_id(synth.stack.storage.queue(key))]["Properties"]
        dlq_id = synth.logical_id(synth.stack.storage.dead_letter_queues[key])
        assert q["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
                                      "maxReceiveCount": queue(key).max_receive_count}
        assert any({"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}} in a.get("Dimensions", [])
                   for a in alarms), f"no alarm on the {key} DLQ"


def test_only_the_webhook_functions_read_the_key_and_send_deliveries(synth: Synth) -> None:
    key_id = synth.logical_id(synth.stack.events.webhook_key)
    deliveries_id = synth.logical_id(synth.stack.storage.queue("webhook_deliveries"))
    for spec in FUNCTIONS:
        env = _env(synth, spec.name)
        assert (env.get(ENV_WEBHOOK_KEY_ARN) == {"Ref": key_id}) == spec.needs_webhook_key, spec.name
        statements = str(_policy_statements(synth, spec))
        assert (f"'Ref': '{key_id}'" in statements) == spec.needs_webhook_key, spec.name
        sends = "sqs:SendMessage" in statements and deliveries_id in statements
        assert sends == ("webhook_deliveries" in spec.sends), spec.name
        if spec.sends:
            assert env[queue("webhook_deliveries").env_var] == {"Ref": deliveries_id}
    assert {s.name for s in FUNCTIONS if s.needs_webhook_key} == {"webhooks", "webhook_delivery"}
