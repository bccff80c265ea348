"""The JWT key rotation function's steps (Secrets Manager rotation protocol) in moto: the new key signs,
tokens signed with the former key still verify, the one before is retired."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import jwt
import pytest
from moto import mock_aws

from functions.jwt_key_rotation.handler import create_secret, handler
from shared.auth import decode_jwt, issue_jwt, reset_key_ring
from shared.aws import client, reset_clients
from shared.domain.errors import NotAuthenticated


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with mock_aws():
        reset_clients()
        reset_key_ring()
        arn = client("secretsmanager").create_secret(Name="jwt", SecretString="k" * 64)["ARN"]
        monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "aws")
        monkeypatch.setenv("GROUNDLINK_JWT_SECRET_ARN", arn)
        reset_clients()
        yield arn
    reset_clients()
    reset_key_ring()


def rotate(arn: str) -> str:
    sm = client("secretsmanager")
    token = str(uuid.uuid4())
    create_secret(sm, arn, token)  # what RotateSecret's createSecret step does (it stages AWSPENDING)
    for step in ("createSecret", "setSecret", "testSecret", "finishSecret"):
        handler({"SecretId": arn, "ClientRequestToken": token, "Step": step}, None)
    handler({"SecretId": arn, "ClientRequestToken": token, "Step": "finishSecret"}, None)  # a retry: no change
    reset_key_ring()
    return token


def test_rotation_signs_with_the_new_key_and_keeps_the_previous_one(secret: str) -> None:
    before = issue_jwt("alice", ["passes:read"])
    token = rotate(secret)
    sm = client("secretsmanager")
    current = sm.get_secret_value(SecretId=secret, VersionStage="AWSCURRENT")
    assert current["VersionId"] == token and len(current["SecretString"]) == 64
    assert current["SecretString"] != "k" * 64
    after = issue_jwt("alice", ["passes:read"])
    assert jwt.get_unverified_header(after)["kid"] == token
    assert decode_jwt(before)["sub"] == decode_jwt(after)["sub"] == "alice"

    rotate(secret)  # the next rotation retires the first key
    with pytest.raises(NotAuthenticated, match="unknown or retired key"):
        decode_jwt(before)
    assert decode_jwt(after)["sub"] == "alice"


def test_a_version_that_is_not_pending_is_refused(secret: str) -> None:
    current = client("secretsmanager").get_secret_value(SecretId=secret)["VersionId"]
    handler({"SecretId": secret, "ClientRequestToken": current, "Step": "finishSecret"}, None)  # already current
    with pytest.raises(ValueError, match="is not a version of"):
        handler({"SecretId": secret, "ClientRequestToken": str(uuid.uuid4()), "Step": "createSecret"}, None)
