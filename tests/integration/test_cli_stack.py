"""``groundlink --stack NAME``: the CLI finds a deployed stage through its CloudFormation outputs (a stack created
in moto's CloudFormation with the outputs the CDK app declares) and works against it exactly as against
``make run``; a stack it cannot use is one line and exit 4, with nothing written anywhere."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import boto3
import jwt
import pytest
from moto import mock_aws

from infra.local.emulation import create_resources
from shared.cli import main
from shared.cli_stack import EXIT_STACK
from shared.resources import QUEUES, STATE_MACHINES, TABLES
from shared.stack_outputs import stack_outputs

REGION, OTHER_REGION = "eu-central-1", "eu-west-1"
STACK = "Groundlink-qa"
PREFIX = "groundlink-qa"  # the stack's physical names: not the local runtime's "groundlink-…"
API_URL = "https://qa1234.execute-api.eu-central-1.amazonaws.com"
STATIONS = Path(__file__).resolve().parents[2] / "shared" / "demo_data" / "stations.json"


def _template(outputs: dict[str, str]) -> str:
    return json.dumps({
        "Resources": {"Placeholder": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    })


def _items(table: str) -> list[dict]:
    return boto3.client("dynamodb", region_name=REGION).scan(TableName=table)["Items"]


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A Groundlink stage deployed in REGION: its tables, buckets, queue and signing key, and a stack whose
    outputs name them — next to the local runtime's default tables, which must stay untouched."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", OTHER_REGION)  # --region must win over the environment's region
    with mock_aws():
        from shared.aws import reset_clients

        reset_clients()
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        create_resources(dynamodb, prefix=PREFIX)
        create_resources(dynamodb)  # groundlink-* : where a CLI that ignored the stack would write
        sqs = boto3.client("sqs", region_name=REGION)
        queues = {spec.key: sqs.create_queue(QueueName=f"{PREFIX}-{spec.key}")["QueueUrl"] for spec in QUEUES}
        secret = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name=f"{PREFIX}-jwt", SecretString="q" * 64)["ARN"]
        values = {"GroundlinkStage": "qa", "ApiUrl": API_URL, "JwtSecretArn": secret}
        for output in stack_outputs():
            if output.kind == "table":
                values[output.key] = f"{PREFIX}-{output.spec_key}"
            elif output.kind == "bucket":
                values[output.key] = f"{PREFIX}-{output.spec_key}"
            elif output.kind == "queue":
                values[output.key] = queues[output.spec_key]
            elif output.kind == "state_machine":
                values[output.key] = f"arn:aws:states:{REGION}:123456789012:stateMachine:{PREFIX}-{output.spec_key}"
            elif output.kind == "event_bus":
                values[output.key] = f"{PREFIX}-{output.spec_key}"
        cfn = boto3.client("cloudformation", region_name=REGION)
        cfn.create_stack(StackName=STACK, TemplateBody=_template(values),
                         Tags=[{"Key": "groundlink:stage", "Value": "qa"}, {"Key": "project", "Value": "groundlink"}])
        yield values
    from shared.aws import reset_clients

    reset_clients()


def _untouched() -> None:
    """Nothing was written: neither the stack's tables nor the local default ones hold an item."""
    for spec in TABLES:
        assert _items(f"{PREFIX}-{spec.key}") == [], spec.key
        assert _items(spec.local_name) == [], spec.key


# --- the CLI against the stack --------------------------------------------------------------------------


def test_api_token_create_writes_to_the_stacks_identity_table(deployed, capsys) -> None:
    code = main(["--stack", STACK, "--region", REGION, "api-token", "create", "--owner", "client_7",
                 "--scopes", "passes:read bookings"])
    assert code == 0, capsys.readouterr().err
    created = json.loads(capsys.readouterr().out)
    stored = json.dumps(_items(f"{PREFIX}-identity"))
    assert created["tokenId"] in stored and created["token"] not in stored  # only its hash
    assert _items("groundlink-identity") == []
    # and the options work after the command too, as every other option does
    assert main(["api-token", "list", "--stack", STACK, "--region", REGION]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["tokenId"] == created["tokenId"] and listed["owner"] == "client_7"


def test_imports_reach_the_stacks_catalogue(deployed, capsys) -> None:
    assert main(["import-stations", str(STATIONS), "--stack", STACK, "--region", REGION]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["stored"] == len(json.loads(STATIONS.read_text())) and report["errors"] == []
    assert len(_items(f"{PREFIX}-catalog")) >= report["stored"]
    assert _items("groundlink-catalog") == []


def test_the_cli_sets_the_variables_the_local_runtime_sets(deployed, capsys) -> None:
    import os

    assert main(["--stack", STACK, "--region", REGION, "api-token", "list"]) == 0
    for spec in TABLES:
        assert os.environ[spec.env_var] == f"{PREFIX}-{spec.key}"
    for spec in STATE_MACHINES:
        assert os.environ[spec.env_var] == deployed[f"{spec.key.capitalize()}StateMachine"]
    assert os.environ["GROUNDLINK_UPLINK_BUCKET"] == f"{PREFIX}-uplink"
    assert os.environ["GROUNDLINK_JWT_SECRET_ARN"] == deployed["JwtSecretArn"]
    assert os.environ["GROUNDLINK_API_URL"] == API_URL
    assert (os.environ["GROUNDLINK_ENVIRONMENT"], os.environ["GROUNDLINK_REGION"]) == ("aws", REGION)
    assert "GROUNDLINK_AWS_ENDPOINT_URL" not in os.environ


def test_token_is_signed_with_the_stacks_secret(deployed, capsys, monkeypatch) -> None:
    monkeypatch.setenv("GROUNDLINK_JWT_SECRET", "a-local-key-that-must-not-sign-for-the-stack")
    assert main(["--stack", STACK, "--region", REGION, "token", "--subject", "ops", "--scopes", "passes"]) == 0
    token = capsys.readouterr().out.strip()
    claims = jwt.decode(token, "q" * 64, algorithms=["HS256"], options={"verify_aud": False})
    assert claims["sub"] == "ops" and claims["scope"] == "passes"


def test_admin_bootstrap_creates_the_first_admin_token_once(deployed, capsys) -> None:
    assert main(["--stack", STACK, "--region", REGION, "admin", "bootstrap"]) == 0
    out = capsys.readouterr()
    created = json.loads(out.out)
    assert created["token"].startswith("dsn_live_") and created["scopes"] == ["admin"]
    assert created["owner"] == "admin" and created["stack"] == STACK and created["apiUrl"] == API_URL
    assert "shown only once" in out.err
    items = _items(f"{PREFIX}-identity")
    assert created["tokenId"] in json.dumps(items)
    # a second bootstrap writes nothing and says what exists
    assert main(["--stack", STACK, "--region", REGION, "admin", "bootstrap"]) == 1
    err = capsys.readouterr().err
    assert f"an active admin API token exists already (tokenId {created['tokenId']}" in err
    assert _items(f"{PREFIX}-identity") == items
    # the token it printed authenticates as an admin of this stack
    from shared.auth import api_tokens

    principal = api_tokens().authenticate(created["token"])
    assert principal.is_admin and principal.subject == "admin"
    assert main(["--stack", STACK, "--region", REGION, "admin", "bootstrap", "--again"]) == 0
    assert len(_items(f"{PREFIX}-identity")) == 2 * len(items)


# --- stacks it cannot use: one line, exit 4, nothing written ---------------------------------------------


def _refused(argv: list[str], capsys) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == EXIT_STACK, err
    assert err.count("\n") == 1 and err.startswith("groundlink: ") and "Traceback" not in err
    return err.strip()


def test_a_stack_that_does_not_exist(deployed, capsys) -> None:
    err = _refused(["--stack", "Groundlink-nope", "--region", REGION, "api-token", "create", "--owner", "c",
                    "--scopes", "passes"], capsys)
    assert err == (f"groundlink: no stack named 'Groundlink-nope' in region {REGION}: check the name (cdk list) and "
                   "the region it was deployed to (--region)")
    _untouched()


def test_the_wrong_region(deployed, capsys) -> None:
    err = _refused(["--stack", STACK, "--region", OTHER_REGION, "admin", "bootstrap"], capsys)
    assert f"no stack named '{STACK}' in region {OTHER_REGION}" in err
    # without --region the environment's region (here the wrong one) is used, and named
    err = _refused(["--stack", STACK, "admin", "bootstrap"], capsys)
    assert f"in region {OTHER_REGION}" in err
    _untouched()


def test_a_stack_of_another_application(deployed, capsys) -> None:
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName="Billing", TemplateBody=_template({"ApiUrl": "https://billing.example.org",
                                                     "IdentityTable": "billing-users"}))
    err = _refused(["--stack", "Billing", "--region", REGION, "api-token", "create", "--owner", "c",
                    "--scopes", "passes"], capsys)
    assert err == (f"groundlink: stack 'Billing' in {REGION} is not a Groundlink stack (no GroundlinkStage output, "
                   "no groundlink:stage tag)")
    _untouched()


def test_a_stack_missing_outputs(deployed, capsys) -> None:
    partial = {k: v for k, v in deployed.items() if k not in ("IdentityTable", "JwtSecretArn")}
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName="Groundlink-old", TemplateBody=_template(partial))
    err = _refused(["--stack", "Groundlink-old", "--region", REGION, "admin", "bootstrap"], capsys)
    assert err == ("groundlink: stack 'Groundlink-old' (stage qa) lacks the outputs JwtSecretArn, IdentityTable: "
                   "deploy this version of Groundlink to it (cdk deploy -c stage=qa) and retry")
    _untouched()


def test_a_name_that_cannot_be_a_stack(deployed, capsys) -> None:
    err = _refused(["--stack", "groundlink_dev!", "--region", REGION, "api-token", "list"], capsys)
    assert "'groundlink_dev!' is not a CloudFormation stack name" in err


class _AwsAnswers(BaseHTTPRequestHandler):
    """CloudFormation's answer to a request whose credentials it refuses (query protocol, XML error)."""

    code = "ExpiredToken"
    message = "The security token included in the request is expired"

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = (f'<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender'
                f'</Type><Code>{self.code}</Code><Message>{self.message}</Message></Error><RequestId>1</RequestId>'
                f'</ErrorResponse>').encode()
        self.send_response(403 if self.code != "ExpiredToken" else 400)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def aws_refusing(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_AwsAnswers]]:
    """CloudFormation at AWS_ENDPOINT_URL_CLOUDFORMATION (as every SDK honours it) refusing the credentials."""
    handler = type("Answers", (_AwsAnswers,), {})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", f"http://127.0.0.1:{server.server_port}")
    yield handler
    server.shutdown()


def test_expired_credentials(aws_refusing, capsys) -> None:
    err = _refused(["--stack", STACK, "--region", REGION, "api-token", "list"], capsys)
    assert err == ("groundlink: the AWS credentials have expired (ExpiredToken): renew them (aws sso login, or new "
                   "keys in the environment) and retry")


def test_refused_credentials(aws_refusing, capsys) -> None:
    aws_refusing.code, aws_refusing.message = "InvalidClientTokenId", "The security token is invalid."
    err = _refused(["--stack", STACK, "--region", REGION, "api-token", "list"], capsys)
    assert "AWS refused the credentials (InvalidClientTokenId)" in err


def test_no_credentials_no_profile_no_region(tmp_path, monkeypatch, capsys) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
                "AWS_DEFAULT_REGION", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    err = _refused(["--stack", STACK, "api-token", "list"], capsys)
    assert err == ("groundlink: no AWS region: pass --region (or set AWS_REGION) to the region the stack is "
                   "deployed in")
    err = _refused(["--stack", STACK, "--region", REGION, "api-token", "list"], capsys)
    assert err.startswith("groundlink: no AWS credentials: pass --profile, set AWS_PROFILE")
    err = _refused(["--stack", STACK, "--region", REGION, "--profile", "ghost", "api-token", "list"], capsys)
    assert err == "groundlink: AWS profile 'ghost' is not configured (aws configure list-profiles lists them)"


def test_region_or_profile_without_a_stack_is_refused(capsys) -> None:
    assert main(["--region", REGION, "api-token", "list"]) == 2
    assert "--region and --profile choose where a deployed stack is: give --stack NAME too" in capsys.readouterr().err


def test_the_deploy_commands_document_their_arguments_and_an_example(capsys) -> None:
    for command, example in ((["admin", "bootstrap"], "groundlink admin bootstrap --stack Groundlink-dev"),
                             (["smoke"], "groundlink smoke --stack Groundlink-dev"),
                             (["api-token", "list"], "--stack NAME")):
        with pytest.raises(SystemExit) as done:
            main([*command, "--help"])
        assert done.value.code == 0
        text = capsys.readouterr().out
        assert example in text, (command, text)
        assert "--stack NAME" in text and "--region REGION" in text and "--profile PROFILE" in text
