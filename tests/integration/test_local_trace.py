"""The local runtime's trace (``infra.local.trace``, ``GROUNDLINK_LOCAL_TRACE``): each request the embedded AWS
serves is one line naming its service and operation, with its span and CPU; nothing is written without the
variable; and moto's Step Functions parses a definition once (``infra.local.asl_cache``), each execution still
getting its own evaluation components."""

from __future__ import annotations

import json

import boto3
import pytest

from infra.local import trace
from infra.local.emulation import FAKE_CREDENTIALS, EmbeddedAws


def _clients(endpoint: str):
    kwargs = {"endpoint_url": endpoint, "region_name": "us-east-1",
              "aws_access_key_id": FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
              "aws_secret_access_key": FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}
    return (boto3.client(name, **kwargs) for name in ("s3", "dynamodb", "stepfunctions"))


def test_every_request_is_one_line_naming_its_operation(tmp_path, monkeypatch):
    path = tmp_path / "trace.jsonl"
    monkeypatch.setenv(trace.ENV, str(path))
    monkeypatch.setattr(trace, "_file", None)
    aws = EmbeddedAws().start()
    try:
        s3, ddb, sfn = _clients(aws.endpoint)
        s3.create_bucket(Bucket="traced")
        s3.put_object(Bucket="traced", Key="jobs/a.json", Body=b"{}")
        ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        ddb.get_item(TableName="t", Key={"pk": {"S": "x"}})
        sfn.list_state_machines()
    finally:
        aws.stop()
        if trace._file is not None:
            trace._file.close()
            monkeypatch.setattr(trace, "_file", None)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(e["service"], e["op"]) for e in lines] == [
        ("s3", "PUT traced"), ("s3", "PUT jobs/a.json"), ("dynamodb", "CreateTable"), ("dynamodb", "GetItem"),
        ("stepfunctions", "ListStateMachines")]
    for e in lines:
        assert e["kind"] == "aws" and e["end"] >= e["start"] and e["cpu"] >= 0 and e["lock_wait"] >= 0
        assert e["end"] - e["start"] < 30 and e["thread"]


def test_nothing_is_recorded_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(trace.ENV, raising=False)
    aws = EmbeddedAws().start()
    try:
        s3, _, _ = _clients(aws.endpoint)
        s3.create_bucket(Bucket="untraced")
    finally:
        aws.stop()
    assert not trace.enabled() and trace._file is None


def test_a_definition_is_parsed_once_and_each_execution_gets_its_own_components():
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser, ASLParserException

    from infra.local.asl_cache import cache_parse_trees, uncache_parse_trees
    from shared.resources import JOBS_STATE_MACHINE

    definition = JOBS_STATE_MACHINE.definition_for("arn:aws:lambda:us-east-1:123456789012:function:jobs_worker")
    original = AmazonStateLanguageParser.parse
    cache_parse_trees()
    try:
        first, tree = AmazonStateLanguageParser.parse(definition)
        second, same_tree = AmazonStateLanguageParser.parse(definition)
        assert same_tree is tree and second is not first  # one parse tree, fresh components per call
        assert type(second) is type(first)
        with pytest.raises(ASLParserException):
            AmazonStateLanguageParser.parse('{"StartAt": "A", "States": {"A": {"Type": "Nope"}}}')
    finally:
        uncache_parse_trees()
    assert AmazonStateLanguageParser.parse == original
    assert AmazonStateLanguageParser.parse(definition)[1] is not tree
