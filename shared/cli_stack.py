"""``groundlink --stack NAME [--region R] [--profile P] COMMAND``: the CLI against a deployed stage.

The stack's outputs (``shared.stack_outputs``, read with CloudFormation ``DescribeStacks``) name every table,
bucket, queue, state machine, the API URL and the signing-key secret; ``use_stack`` sets the same
``GROUNDLINK_*`` variables the local runtime sets, so every command works against the stack exactly as
against ``make run``. Credentials and region come the usual AWS way (``--profile``/``AWS_PROFILE``,
``--region``/``AWS_REGION``, the SSO cache, instance roles…; ``AWS_ENDPOINT_URL`` is honoured as by every SDK).

Anything that keeps the stack from being used (no such stack in that region, a stack of another application,
outputs missing, no or expired credentials, no region) is a ``StackProblem``: one line, and nothing has been
written anywhere — discovery only reads, and the environment is changed only once the stack is known good.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from shared.stack_outputs import API_URL, STAGE, stack_outputs

EXIT_STACK = 4  # the CLI's exit code when the stack cannot be used
STAGE_TAG = "groundlink:stage"
STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")  # CloudFormation's rule

EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
REFUSED = {"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "IncompleteSignature",
           "AuthFailure", "InvalidAccessKeyId", "InvalidToken"}
DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
UNSETTLED = ("IN_PROGRESS", "FAILED", "ROLLBACK_COMPLETE")  # statuses in which outputs may be missing or stale


class StackProblem(Exception):
    """The stack cannot be used; ``str()`` is the one line the operator reads."""


@dataclass(frozen=True)
class DeployedStack:
    name: str
    region: str
    stage: str
    status: str
    outputs: dict[str, str]
    profile: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return self.outputs[API_URL.key].rstrip("/")

    def output(self, key: str) -> str:
        return self.outputs[key]

    def environment(self) -> dict[str, str]:
        """The variables a function of this stack runs with (what ``make run`` sets locally)."""
        env = {o.env_var: self.outputs[o.key] for o in stack_outputs() if o.env_var}
        env.update(GROUNDLINK_ENVIRONMENT="aws", GROUNDLINK_REGION=self.region, AWS_REGION=self.region,
                   AWS_DEFAULT_REGION=self.region)
        if self.profile:
            env["AWS_PROFILE"] = self.profile
        return env


def _who(profile: str | None) -> str:
    return f" of profile {profile!r}" if profile else ""


def _renew(profile: str | None) -> str:
    return f"aws sso login --profile {profile}" if profile else "aws sso login, or new keys in the environment"


def _session(region: str | None, profile: str | None) -> Any:
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        session = boto3.session.Session(profile_name=profile, region_name=region)
    except ProfileNotFound:
        raise StackProblem(f"AWS profile {profile!r} is not configured (aws configure list-profiles lists them)") \
            from None
    if not session.region_name:
        raise StackProblem("no AWS region: pass --region (or set AWS_REGION) to the region the stack is deployed in")
    return session


def _described(session: Any, name: str, profile: str | None) -> dict[str, Any]:
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    region = session.region_name
    try:
        from botocore.config import Config

        cfn = session.client("cloudformation", config=Config(retries={"mode": "standard", "total_max_attempts": 3},
                                                                connect_timeout=5, read_timeout=20))
        return cfn.describe_stacks(StackName=name)["Stacks"][0]
    except (NoCredentialsError, PartialCredentialsError):
        raise StackProblem(f"no AWS credentials{_who(profile)}: pass --profile, set AWS_PROFILE or run "
                           f"'aws configure' / 'aws sso login'") from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = str(error.get("Code", "")), str(error.get("Message", "")).strip()
        if code == "ValidationError" and "does not exist" in message:
            raise StackProblem(f"no stack named {name!r} in region {region}: check the name (cdk list) and the "
                               f"region it was deployed to (--region)") from None
        if code in EXPIRED:
            raise StackProblem(f"the AWS credentials{_who(profile)} have expired ({code}): renew them "
                               f"({_renew(profile)}) and retry") from None
        if code in REFUSED:
            raise StackProblem(f"AWS refused the credentials{_who(profile)} ({code}): check --profile / "
                               f"AWS_PROFILE and the keys in the environment") from None
        if code in DENIED:
            raise StackProblem(f"not allowed to read stack {name!r} in {region} (cloudformation:DescribeStacks): "
                               f"{message}") from None
        raise StackProblem(f"CloudFormation in {region} answered {code or 'an error'} for stack {name!r}: "
                           f"{message}") from None
    except EndpointConnectionError as exc:
        raise StackProblem(f"cannot reach CloudFormation in region {region}: {exc}") from None
    except BotoCoreError as exc:  # SSO token expired or missing, bad region name, timeouts…
        text = str(exc)
        if any(w in type(exc).__name__ for w in ("Token", "SSO")):
            raise StackProblem(f"the AWS credentials{_who(profile)} have expired or are missing: renew them "
                               f"({_renew(profile)}) and retry ({text})") from None
        raise StackProblem(f"cannot read stack {name!r} in {region}: {text}") from None


def describe_stack(name: str, *, region: str | None = None, profile: str | None = None) -> DeployedStack:
    """The deployed Groundlink stack ``name``; ``StackProblem`` when it cannot be used."""
    if not STACK_NAME.match(name):
        raise StackProblem(f"{name!r} is not a CloudFormation stack name (letters, digits and '-', starting with "
                           f"a letter), e.g. Groundlink-dev")
    session = _session(region, profile)
    stack = _described(session, name, profile)
    region = session.region_name
    outputs = {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs") or []}
    tags = {t["Key"]: t["Value"] for t in stack.get("Tags") or []}
    status = str(stack.get("StackStatus", "UNKNOWN"))
    if STAGE.key not in outputs and STAGE_TAG not in tags:
        raise StackProblem(f"stack {name!r} in {region} is not a Groundlink stack (no {STAGE.key} output, no "
                           f"{STAGE_TAG} tag)")
    stage = outputs.get(STAGE.key) or tags.get(STAGE_TAG, "?")
    missing = [o.key for o in stack_outputs() if not outputs.get(o.key)]
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        state = f", status {status}" if any(s in status for s in UNSETTLED) else ""
        raise StackProblem(f"stack {name!r} (stage {stage}{state}) lacks the outputs {shown}: deploy this version of "
                           f"Groundlink to it (cdk deploy -c stage={stage}) and retry")
    return DeployedStack(name=name, region=region, stage=stage, status=status, outputs=outputs, profile=profile,
                         tags=tags)


def use_stack(name: str, *, region: str | None = None, profile: str | None = None) -> DeployedStack:
    """Discover the stack, then point this process at it: the GROUNDLINK_* variables from its outputs, the
    region and profile for every client, and no local endpoint (the stack is in AWS)."""
    deployed = describe_stack(name, region=region, profile=profile)
    os.environ.pop("GROUNDLINK_AWS_ENDPOINT_URL", None)
    os.environ.pop("GROUNDLINK_JWT_SECRET", None)  # the stack's key is its secret, never a local one
    os.environ.update(deployed.environment())
    from shared.auth import reset_key_ring
    from shared.aws import reset_clients

    reset_clients()
    reset_key_ring()
    return deployed
