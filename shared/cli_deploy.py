"""The CLI's commands for a deployed stage: ``admin bootstrap`` (the first admin credential) and ``smoke`` (an
end-to-end check over HTTP). Both work with ``--stack NAME`` as against the local runtime (``make run``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

BOOTSTRAP_NOTE = """\
Creates an orbapi API token with the 'admin' scope directly in the identity table (no API call: this is how the
first credential of a new deployment is made). Its plaintext is printed once; only its SHA-256 is stored. With it,
POST /admin/api-tokens and POST /admin/oauth-clients mint every other credential. Refused (exit 1, nothing
written) when an active admin token already exists, unless --again."""

SMOKE_NOTE = """\
Steps (one PASS/FAIL/SKIP line each; exit 1 if any step failed): credential (a temporary OAuth client and its
token from POST /oauth2/token), health, catalogue (ground stations, a spacecraft registration with sites and
services), pass search (orbapi), book a real pass on orbapi with an uplink file, uplink (the object put into the
uplink bucket and verified by the platform: needs S3, so skipped with --url), cancel it, a Space Go contact on the
same window (book, read, cancel), a small pass analysis to completion (SSA), cleanup (the client revoked).
With --stack NAME the URL and the buckets come from the stack's outputs; with neither --stack nor --url, the
local runtime (http://127.0.0.1:$GROUNDLINK_PORT, default 8000). With --url URL --token T only HTTP is used: an
admin token mints the temporary client, any other token is used as it is (it needs the steps' scopes)."""


def add_deploy_commands(sub: Any, command: Any) -> None:
    admin = command(sub, "admin", "administer a deployment (bootstrap its first admin credential)", BOOTSTRAP_NOTE)
    admin_sub = admin.add_subparsers(dest="action", required=True, metavar="ACTION")
    boot = command(admin_sub, "bootstrap", "create the first admin API token, printed once",
                   BOOTSTRAP_NOTE + "\n\nexample:\n"
                   "  groundlink admin bootstrap --stack Groundlink-dev --region eu-west-1 | jq -r .token")
    boot.add_argument("--owner", default="admin", metavar="OWNER", help="the token's owner (default 'admin')")
    boot.add_argument("--again", action="store_true",
                      help="create one even if an active admin token exists (e.g. its plaintext was lost)")

    smoke = command(sub, "smoke", "exercise a running platform end to end over HTTP (pass/fail per step)",
                    SMOKE_NOTE + "\n\nexample:\n  groundlink smoke --stack Groundlink-dev --region eu-west-1\n"
                    "  groundlink smoke --url https://abc123.execute-api.eu-west-1.amazonaws.com --token \"$ADMIN\"")
    smoke.add_argument("--url", metavar="URL", help="the API base URL (with --token; no S3 access: uplink skipped)")
    smoke.add_argument("--token", metavar="TOKEN", help="a bearer token (an admin token, or one with every scope)")
    smoke.add_argument("--timeout", type=float, default=180.0, metavar="SECONDS",
                       help="longest wait for the uplink check and the pass analysis (default 180)")


def run_deploy_command(args: argparse.Namespace) -> int:
    if args.command == "admin":
        return bootstrap(args.owner, again=args.again, stack=getattr(args, "stack", None))
    return _smoke(args)


def bootstrap(owner: str, *, again: bool = False, stack: str | None = None) -> int:
    from shared.auth import api_tokens
    from shared.timefmt import iso_ms

    tokens = api_tokens()
    existing = [r for r in tokens.list_tokens() if "admin" in r.scopes and not r.revoked]
    if existing and not again:
        first = existing[0]
        print(f"groundlink: an active admin API token exists already (tokenId {first.token_id}, owner {first.owner}, "
              f"created {iso_ms(first.created_at)}); nothing created. Mint more with it (POST /admin/api-tokens), "
              f"revoke it, or pass --again", file=sys.stderr)
        return 1
    issued = tokens.create(owner, ["admin"], "bootstrap admin")
    record = issued.record
    print(json.dumps({"token": issued.token, "tokenId": record.token_id, "owner": record.owner,
                      "scopes": list(record.scopes), "createdAt": iso_ms(record.created_at),
                      "stack": stack, "apiUrl": os.environ.get("GROUNDLINK_API_URL")}, indent=2))
    print("groundlink: keep this token now: it is shown only once (stored as its SHA-256); "
          f"'groundlink api-token revoke {record.token_id}' withdraws it", file=sys.stderr)
    return 0


def _smoke(args: argparse.Namespace) -> int:
    from shared.smoke import DirectCredentials, HttpCredentials, SmokeTarget, run_smoke

    if bool(args.url) != bool(args.token):
        print("groundlink: --url and --token go together (a URL alone has no credential)", file=sys.stderr)
        return 2
    if args.url and getattr(args, "stack", None):
        print("groundlink: give either --stack NAME or --url URL --token T, not both", file=sys.stderr)
        return 2
    if args.url:
        target = SmokeTarget(api_url=args.url.rstrip("/"), credentials=HttpCredentials(args.token), s3=None,
                             uplink_bucket=None, timeout_s=args.timeout)
    else:
        from shared.aws import client
        from shared.settings import get_settings

        api_url = os.environ.get("GROUNDLINK_API_URL") or \
            f"http://127.0.0.1:{os.environ.get('GROUNDLINK_PORT', '').strip() or '8000'}"
        target = SmokeTarget(api_url=api_url.rstrip("/"), credentials=DirectCredentials(), s3=client("s3"),
                             uplink_bucket=get_settings().bucket_name("uplink"), timeout_s=args.timeout)
    return run_smoke(target)
