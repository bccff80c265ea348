"""Secrets Manager rotation of the JWT signing key (the four steps of a rotation function).

A new random key becomes ``AWSCURRENT`` (tokens are signed with it, ``kid`` = its version id); Secrets
Manager moves the former key to ``AWSPREVIOUS``, which still verifies until the next rotation
(``shared.auth``): access and refresh tokens issued before a rotation stay valid for their lifetime.
The key is an HMAC key used by Groundlink alone, so ``setSecret`` has nothing to update elsewhere.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from shared.aws import client

logger = logging.getLogger("groundlink.jwt_key_rotation")

KEY_CHARS = 64  # as the CDK app's initial key
MIN_KEY_CHARS = 32


def _secret_string(key_bytes: int = 48) -> str:
    return secrets.token_urlsafe(key_bytes)[:KEY_CHARS]


def create_secret(sm: Any, secret_id: str, token: str) -> None:
    sm.get_secret_value(SecretId=secret_id, VersionStage="AWSCURRENT")  # the secret exists and has a key
    try:
        sm.get_secret_value(SecretId=secret_id, VersionId=token, VersionStage="AWSPENDING")
        return  # a retried step: the pending key is there
    except sm.exceptions.ResourceNotFoundException:
        pass
    sm.put_secret_value(SecretId=secret_id, ClientRequestToken=token, SecretString=_secret_string(),
                        VersionStages=["AWSPENDING"])


def test_secret(sm: Any, secret_id: str, token: str) -> None:
    pending = sm.get_secret_value(SecretId=secret_id, VersionId=token, VersionStage="AWSPENDING")["SecretString"]
    if len(pending) < MIN_KEY_CHARS:
        raise ValueError(f"the pending key of {secret_id} is shorter than {MIN_KEY_CHARS} characters")


def finish_secret(sm: Any, secret_id: str, token: str) -> None:
    versions = sm.describe_secret(SecretId=secret_id)["VersionIdsToStages"]
    current = next((v for v, stages in versions.items() if "AWSCURRENT" in stages), None)
    if current == token:
        return
    sm.update_secret_version_stage(SecretId=secret_id, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                   RemoveFromVersionId=current)


def handler(event: dict[str, Any], context: object) -> None:
    secret_id, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    sm = client("secretsmanager")
    metadata = sm.describe_secret(SecretId=secret_id)
    if not metadata.get("RotationEnabled", True):
        raise ValueError(f"rotation is not enabled for {secret_id}")
    stages = metadata.get("VersionIdsToStages", {})
    if token not in stages:
        raise ValueError(f"version {token} is not a version of {secret_id}")
    if "AWSCURRENT" in stages[token]:
        return  # already current: nothing to do
    if "AWSPENDING" not in stages[token]:
        raise ValueError(f"version {token} of {secret_id} is not pending rotation")
    logger.info("rotating the JWT signing key", extra={"step": step})
    if step == "createSecret":
        create_secret(sm, secret_id, token)
    elif step == "setSecret":
        pass  # an HMAC key of Groundlink's own: no other system to update
    elif step == "testSecret":
        test_secret(sm, secret_id, token)
    elif step == "finishSecret":
        finish_secret(sm, secret_id, token)
    else:
        raise ValueError(f"unknown rotation step {step!r}")
