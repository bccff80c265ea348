"""The embedded AWS (``infra.local.emulation.EmbeddedAws``) routes each request without listing moto's package
folder: moto's dispatcher asks ``list_of_moto_modules()`` for every request, and the server reads it once."""

from __future__ import annotations

import os

import boto3
import pytest

from infra.local.emulation import FAKE_CREDENTIALS, EmbeddedAws


@pytest.fixture
def aws():
    server = EmbeddedAws().start()
    try:
        yield server
    finally:
        server.stop()


def test_requests_are_routed_without_listing_moto_again(aws, monkeypatch):
    from moto import backends

    kwargs = {"endpoint_url": aws.endpoint, "region_name": "us-east-1",
              "aws_access_key_id": FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
              "aws_secret_access_key": FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}
    s3, sqs, ddb = (boto3.client(name, **kwargs) for name in ("s3", "sqs", "dynamodb"))
    s3.create_bucket(Bucket="dispatch")

    def requests() -> None:
        s3.put_object(Bucket="dispatch", Key="k", Body=b"v")
        assert s3.get_object(Bucket="dispatch", Key="k")["Body"].read() == b"v"
        assert sqs.list_queues().get("QueueUrls", []) == []
        assert ddb.list_tables()["TableNames"] == []

    requests()  # the first answers of each service load its model (botocore lists its data folders, once)
    listed: list[str] = []
    real_listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path=".": listed.append(str(path)) or real_listdir(path))
    # When requests of several services are routed
    requests()
    # Then they were answered from the list read once, which names the services
    moto_dir = os.path.dirname(backends.__file__)
    assert [p for p in listed if os.path.abspath(p) == moto_dir] == []
    modules = backends.list_of_moto_modules()
    assert {"s3", "sqs", "dynamodb", "stepfunctions"} <= set(modules) and modules is backends.list_of_moto_modules()
