"""The scheduled catalogue refresh in the CDK app: the schedule, the function's sources and secret, its dead-letter
queue and alarm."""

from __future__ import annotations

import pytest

from infra.components.refresh import DEFAULT_SOURCES, refresh_hours
from tests.infrastructure.conftest import Synth

pytestmark = pytest.mark.xdist_group("cdk")


def _refresh_function(synth: Synth) -> dict:
    logical = synth.logical_id(synth.stack.functions.function("catalog_refresh"))
    return synth.resources[logical]


def _schedule(synth: Synth) -> dict:
    return synth.resources[synth.logical_id(synth.stack.refresh.rule)]


def test_a_schedule_invokes_the_refresh_every_n_hours_with_a_dlq(synth: Synth, probe_synth: Synth) -> None:
    for s, hours in ((synth, 6), (probe_synth, 3)):
        rule = _schedule(s)["Properties"]
        assert rule["ScheduleExpression"] == f"rate({hours} hours)" and rule["State"] == "ENABLED"
        [target] = rule["Targets"]
        function_arn = {"Fn::GetAtt": [s.logical_id(s.stack.functions.function("catalog_refresh")), "Arn"]}
        dlq_arn = {"Fn::GetAtt": [s.logical_id(s.stack.refresh.dead_letter_queue), "Arn"]}
        assert target["Arn"] == function_arn
        assert target["DeadLetterConfig"] == {"Arn": dlq_arn} and target["RetryPolicy"]["MaximumRetryAttempts"] == 2
        [invoke_config] = [r for r in s.resources.values() if r["Type"] == "AWS::Lambda::EventInvokeConfig"
                           and r["Properties"]["FunctionName"] == {"Ref": s.logical_id(
                               s.stack.functions.function("catalog_refresh"))}]
        assert invoke_config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"] == dlq_arn
        assert invoke_config["Properties"]["MaximumRetryAttempts"] == 2
        alarms = [r["Properties"] for r in s.alarms.values()]
        dlq_name = {"Fn::GetAtt": [s.logical_id(s.stack.refresh.dead_letter_queue), "QueueName"]}
        assert any(d["Value"] == dlq_name for a in alarms for d in a.get("Dimensions", [])), "no alarm on the DLQ"


def test_sources_and_the_space_track_secret_come_from_context(synth: Synth, probe_synth: Synth) -> None:
    plain = _refresh_function(synth)["Properties"]["Environment"]["Variables"]
    assert plain["GROUNDLINK_REFRESH_SOURCES"] == DEFAULT_SOURCES and "GROUNDLINK_SPACETRACK_SECRET_ARN" not in plain
    assert synth.stack.refresh.secret is None
    probe = _refresh_function(probe_synth)["Properties"]["Environment"]["Variables"]
    assert probe["GROUNDLINK_REFRESH_SOURCES"] == DEFAULT_SOURCES + " spacetrack:gp"
    secret_arn = probe_synth.stack.resolve(probe_synth.stack.refresh.secret.secret_arn)
    assert probe["GROUNDLINK_SPACETRACK_SECRET_ARN"] == secret_arn
    assert "groundlink/spacetrack" in str(secret_arn)
    # referenced, never created: no secret resource holds Space-Track's credentials
    secrets = [r for r in probe_synth.resources.values() if r["Type"] == "AWS::SecretsManager::Secret"]
    assert all("spacetrack" not in str(r).lower() for r in secrets)


def test_the_refresh_function_writes_the_catalogue_and_rechecks_reservations_and_needs_no_jwt_key(
        synth: Synth) -> None:
    spec = next(s for s in synth.functions if s.name == "catalog_refresh")
    # the catalogue, and the reservations of satellites whose orbit advanced (ledger, their files and events; the
    # station registry's masks and windows)
    assert spec.tables == {"catalog": "write", "ledger": "write", "stations": "read", "files": "write",
                           "events": "write"}
    assert not spec.routes and not spec.needs_jwt_secret
    props = _refresh_function(synth)["Properties"]
    assert props["Timeout"] == 900 and "GROUNDLINK_JWT_SECRET_ARN" not in props["Environment"]["Variables"]


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "six"])
def test_refresh_hours_must_be_whole_hours_of_at_least_one(value: str) -> None:
    with pytest.raises(ValueError, match="groundlink:refreshHours"):
        refresh_hours(value)
    assert refresh_hours(None) == 6 and refresh_hours("12") == 12
