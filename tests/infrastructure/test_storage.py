"""CDK assertions on file storage and its events, driven by ``shared.resources`` (BUCKETS, QUEUES and the
functions' ``buckets``/``queue``): buckets locked down, queues with DLQs, S3→SQS notifications, the worker's
event source with partial batch responses, and each function's exact S3 grants."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("aws_cdk")

from shared.resources import BUCKETS, QUEUES, function  # noqa: E402
from tests.infrastructure.test_stack import (  # noqa: E402
    _as_list,
    _bucket_of_resource,
    _function_id,
    _of_type,
    _policy_statements,
)

if TYPE_CHECKING:
    from conftest import Synth

pytestmark = pytest.mark.xdist_group("cdk")

S3_READ = {"s3:GetObject*", "s3:GetBucket*", "s3:List*"}
S3_PUT = {"s3:PutObject", "s3:Abort*"}


def _bucket(synth: Synth, key: str) -> dict:
    return synth.resources[synth.logical_id(synth.stack.storage.bucket(key))]["Properties"]


def _bucket_policy_statements(synth: Synth, construct) -> list[dict]:
    ref = {"Ref": synth.logical_id(construct)}
    out = []
    for policy in _of_type(synth, "AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == ref:
            out += policy["Properties"]["PolicyDocument"]["Statement"]
    return out


def _queue_policy_statements(synth: Synth, queue) -> list[dict]:
    ref = {"Ref": synth.logical_id(queue)}
    out = []
    for policy in _of_type(synth, "AWS::SQS::QueuePolicy").values():
        if ref in policy["Properties"]["Queues"]:
            out += policy["Properties"]["PolicyDocument"]["Statement"]
    return out


def _denies_insecure_transport(statements: list[dict]) -> bool:
    return any(s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
               for s in statements)


def test_buckets_are_private_encrypted_versioned_logged_and_ssl_only(synth: Synth) -> None:
    buckets = _of_type(synth, "AWS::S3::Bucket")
    assert len(buckets) == len(BUCKETS) + 1  # plus the access-log bucket
    for spec in BUCKETS:
        props = _bucket(synth, spec.key)
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True}, spec.key
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
            "ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
        assert props["VersioningConfiguration"] == {"Status": "Enabled"}
        assert props["LoggingConfiguration"]["DestinationBucketName"] == {
            "Ref": synth.logical_id(synth.stack.storage.access_logs)}
        assert any(r.get("NoncurrentVersionExpiration") for r in props["LifecycleConfiguration"]["Rules"])
        assert _denies_insecure_transport(_bucket_policy_statements(synth, synth.stack.storage.bucket(spec.key)))
    logs = synth.resources[synth.logical_id(synth.stack.storage.access_logs)]["Properties"]
    assert logs["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    assert _denies_insecure_transport(_bucket_policy_statements(synth, synth.stack.storage.access_logs))


def test_every_queue_has_an_encrypted_ssl_only_dead_letter_queue(synth: Synth) -> None:
    queues = _of_type(synth, "AWS::SQS::Queue")
    # and the catalogue refresh's dead-letter queue (test_refresh.py), the schedules' dead-letter queues
    assert len(queues) == 2 * len(QUEUES) + 1 + len(synth.stack.schedules.dead_letter_queues)
    refresh_dlq = synth.stack.refresh.dead_letter_queue
    assert queues[synth.logical_id(refresh_dlq)]["Properties"]["SqsManagedSseEnabled"] is True
    assert _denies_insecure_transport(_queue_policy_statements(synth, refresh_dlq))
    for spec in QUEUES:
        queue, dlq = synth.stack.storage.queue(spec.key), synth.stack.storage.dead_letter_queues[spec.key]
        props = queues[synth.logical_id(queue)]["Properties"]
        assert props["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [synth.logical_id(dlq), "Arn"]},
            "maxReceiveCount": spec.max_receive_count}
        assert props["SqsManagedSseEnabled"] is True
        assert props["VisibilityTimeout"] == spec.visibility_timeout_s
        assert queues[synth.logical_id(dlq)]["Properties"]["SqsManagedSseEnabled"] is True
        assert _denies_insecure_transport(_queue_policy_statements(synth, queue))
        assert _denies_insecure_transport(_queue_policy_statements(synth, dlq))


def test_source_buckets_notify_their_queue_and_only_they_may_send(synth: Synth) -> None:
    for spec in (q for q in QUEUES if q.sources):  # the bus rule's queue: tests/infrastructure/test_events.py
        queue = synth.stack.storage.queue(spec.key)
        arn = {"Fn::GetAtt": [synth.logical_id(queue), "Arn"]}
        for key in spec.sources:
            configs = _bucket(synth, key)["NotificationConfiguration"]["QueueConfigurations"]
            assert {"Event": "s3:ObjectCreated:*", "Queue": arn} in configs
            bucket_id = synth.logical_id(synth.stack.storage.bucket(key))
            policy_ids = [k for k, v in _of_type(synth, "AWS::SQS::QueuePolicy").items()
                          if {"Ref": synth.logical_id(queue)} in v["Properties"]["Queues"]]
            assert set(policy_ids) <= set(synth.resources[bucket_id].get("DependsOn", []))
        [allow] = [s for s in _queue_policy_statements(synth, queue) if s["Effect"] == "Allow"]
        assert allow["Principal"] == {"Service": "s3.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
        assert len(allow["Condition"]["ArnLike"]["aws:SourceArn"]) == len(spec.sources)
        assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    for key in {b.key for b in BUCKETS} - {s for q in QUEUES for s in q.sources}:
        assert "NotificationConfiguration" not in _bucket(synth, key)


def test_queue_workers_have_an_event_source_with_partial_batch_failures(synth: Synth) -> None:
    queue_arns = [{"Fn::GetAtt": [synth.logical_id(q), "Arn"]} for q in synth.stack.storage.queues.values()]
    mappings = [m for m in _of_type(synth, "AWS::Lambda::EventSourceMapping").values()
                if m["Properties"]["EventSourceArn"] in queue_arns]  # (the relay's stream: test_events.py)
    workers = [spec for spec in synth.functions if spec.queue]
    assert workers and len(mappings) == len(workers)
    for spec in workers:
        queue_spec = synth.stack.storage.queue_specs[spec.queue]
        [mapping] = [m["Properties"] for m in mappings
                     if m["Properties"]["FunctionName"] == {"Ref": _function_id(synth, spec)}]
        assert mapping["EventSourceArn"] == {
            "Fn::GetAtt": [synth.logical_id(synth.stack.storage.queue(spec.queue)), "Arn"]}
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BatchSize"] == queue_spec.batch_size
        assert queue_spec.visibility_timeout_s >= 6 * spec.timeout_s


def _s3_actions(synth: Synth, name: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for statement in _policy_statements(synth, function(name)):
        for resource in _as_list(statement["Resource"]):
            key = _bucket_of_resource(synth, resource)
            if key:
                out.setdefault(key, set()).update(_as_list(statement["Action"]))
    return out


def test_bucket_grants_match_the_spec_and_never_delete(synth: Synth) -> None:
    for spec in synth.functions:
        granted = _s3_actions(synth, spec.name)
        assert set(granted) == set(spec.buckets), spec.name
        for key, access in spec.buckets.items():
            assert S3_READ <= granted[key], (spec.name, key)
            assert (S3_PUT <= granted[key]) == (access == "write"), (spec.name, key, granted[key])
            assert not any("Delete" in a for a in granted[key]), (spec.name, key)


def test_file_worker_grants_are_exact(synth: Synth) -> None:
    # Given the worker's spec: read uplink and downlink, write delivery, its tables
    granted = _s3_actions(synth, "file_events")
    assert granted["uplink"] == S3_READ and granted["downlink"] == S3_READ
    assert granted["delivery"] == S3_READ | S3_PUT | {"s3:PutObjectLegalHold", "s3:PutObjectRetention",
                                                      "s3:PutObjectTagging", "s3:PutObjectVersionTagging"}
    env = synth.resources[_function_id(synth, function("file_events"))]["Properties"]["Environment"]["Variables"]
    for spec in BUCKETS:
        if spec.key in function("file_events").buckets:
            assert env[spec.env_var] == {"Ref": synth.logical_id(synth.stack.storage.bucket(spec.key))}
        else:
            assert spec.env_var not in env


def test_dead_letters_raise_an_alarm(synth: Synth) -> None:
    alarms = synth.alarms.values()
    for spec in QUEUES:
        dlq_name = {"Fn::GetAtt": [synth.logical_id(synth.stack.storage.dead_letter_queues[spec.key]), "QueueName"]}
        assert any(a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
                   and {"Name": "QueueName", "Value": dlq_name} in a["Properties"].get("Dimensions", [])
                   for a in alarms), spec.key
