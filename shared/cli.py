"""``groundlink`` — the operator's command line.

  groundlink [--stack NAME [--region R] [--profile P]] COMMAND …     (a deployed stage; default: make run's)
  groundlink admin bootstrap [--owner admin]                        (the first admin API token, printed once)
  groundlink smoke [--url URL --token T]                            (end-to-end check of a running platform)
  groundlink token --subject SUB --scopes "SCOPE …" [--ttl 3600] [--service]
  groundlink import-tle (FILE | --url URL) [--source NAME] [--uploaded-by WHO]   (TLE or 3LE text)
  groundlink import-omm (FILE | --url URL) [--source NAME] [--uploaded-by WHO]   (OMM JSON or CSV)
  groundlink import-satcat (FILE | --url URL) [--source NAME]                    (CelesTrak SATCAT CSV/JSON)
  groundlink import-stations FILE | import-transmitters FILE | import-spacecraft FILE | import-satellites FILE
  groundlink import-news FILE                                      (news articles, JSON list, by id)
  groundlink api-token create --owner OWNER --scopes "…" [--name NAME] | list [--owner O] | revoke TOKEN_ID
  groundlink oauth-client create --scopes "…" [--name NAME] | list | revoke CLIENT_ID
  groundlink webhook add --owner OWNER --url URL --event TYPE [--event TYPE …] | list [--owner O] | remove ID
  groundlink station run --config FILE [--max-contacts N]          (the station agent, on Hamlib)

Import and api-token commands talk to the DynamoDB configured by GROUNDLINK_* settings (locally the
endpoint printed by ``make run``: GROUNDLINK_AWS_ENDPOINT_URL=http://127.0.0.1:4566); with ``--stack NAME`` to
the deployed stage's, found through its CloudFormation outputs (``shared/cli_stack.py``). API tokens are printed
with the admin API's names (``tokenId``, ``createdAt``, ``revokedAt``). ``groundlink COMMAND --help`` documents
each command's arguments, the scopes it can grant and an example; ``groundlink --version``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

LOCAL_ENDPOINT = "http://127.0.0.1:4566"  # ``make run``'s embedded AWS (GROUNDLINK_MOTO_PORT default)


def _local_defaults() -> None:
    """Outside AWS (GROUNDLINK_ENVIRONMENT unset or 'local') the CLI talks to the local platform: the embedded
    AWS of ``make run`` (GROUNDLINK_AWS_ENDPOINT_URL, else port GROUNDLINK_MOTO_PORT, else 4566)."""
    if os.environ.get("GROUNDLINK_ENVIRONMENT", "local") != "local":
        return
    moto_port = os.environ.get("GROUNDLINK_MOTO_PORT", "").strip()
    endpoint = f"http://127.0.0.1:{moto_port}" if moto_port.isdigit() else LOCAL_ENDPOINT
    os.environ.setdefault("GROUNDLINK_AWS_ENDPOINT_URL", endpoint)
    from infra.local.emulation import FAKE_CREDENTIALS

    for key, val in FAKE_CREDENTIALS.items():
        os.environ.setdefault(key, val)


def _print_report(report) -> int:
    print(json.dumps(report.as_dict(), indent=2))
    if report.duplicates:
        print(f"groundlink: {report.duplicates} {report.kind.replace('_', ' ')} already stored, left as they were "
              f"(importing the same file again is safe and changes nothing)", file=sys.stderr)
    return 1 if report.errors and not report.stored and not report.duplicates else 0


def _token_view(record) -> dict:
    """An API token as the admin API shows it (``GET /admin/api-tokens``): camelCase, never the hash."""
    from shared.timefmt import iso_ms

    def iso(ts):
        return None if ts is None else iso_ms(ts)

    return {"tokenId": record.token_id, "owner": record.owner, "scopes": list(record.scopes), "name": record.name,
            "createdAt": iso(record.created_at), "revoked": record.revoked, "revokedAt": iso(record.revoked_at)}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("groundlink")
    except PackageNotFoundError:  # run from a source tree that was not installed
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    from shared.cli_stack import EXIT_STACK, StackProblem
    from shared.domain.errors import DomainError, Unavailable

    def unusable(reason: object) -> int:
        endpoint = os.environ.get("GROUNDLINK_AWS_ENDPOINT_URL", "AWS")
        print(f"groundlink: cannot use DynamoDB at {endpoint}: {reason}. Is the platform running "
              f"(make run), or GROUNDLINK_AWS_ENDPOINT_URL / AWS credentials set?", file=sys.stderr)
        return 3

    try:
        return _main(argv)
    except StackProblem as exc:  # the stack cannot be used: one line, nothing written
        print(f"groundlink: {exc}", file=sys.stderr)
        return EXIT_STACK
    except Unavailable as exc:  # unreachable or throttled after the SDK's retries (the stores say so)
        return unusable(exc.message)
    except DomainError as exc:  # invalid input: the same message the API would give
        print(f"groundlink: {exc.message}", file=sys.stderr)
        return 2
    except Exception as exc:  # AWS unreachable, no credentials, missing table: one clear line, no trace
        from botocore.exceptions import BotoCoreError, ClientError

        if not isinstance(exc, (BotoCoreError, ClientError)):
            raise
        return unusable(exc)


JWT_SCOPES = """\
scopes (a scope grants every scope below it: 'contacts' grants 'contacts.view', 'passes' grants 'passes:read'):
  Space Go   contacts.view contacts.create contacts.cancel spacecraft.view sites.view tle.view tle.upload
  orbapi     passes:read bookings:create bookings:cancel mission-profile:create webhooks:manage
  pipeline   pipeline.pass-analysis pipeline.tasking      SSA  ssa      everything, every owner  admin"""

API_TOKEN_SCOPES = """\
scopes of an orbapi dsn_live_ token (a scope grants every scope below it: 'bookings' grants 'bookings:create'):
  passes:read bookings:create bookings:cancel mission-profile:create webhooks:manage
  admin (every owner's resources)
  station — only, and exactly, for owner 'station-<gs_id>' (a ground station's poll and results)"""

LOCAL_NOTE = """\
Talks to the DynamoDB of the running platform: locally the embedded AWS of 'make run'
(GROUNDLINK_AWS_ENDPOINT_URL, default http://127.0.0.1:4566, or http://127.0.0.1:$GROUNDLINK_MOTO_PORT);
with --stack NAME (before or after the command) to a deployed stage, e.g. --stack Groundlink-prod --region eu-west-1."""


def _stack_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    """--stack/--region/--profile: on the main parser (defaults None) and on every command (no default, so a
    command's copy never hides the main parser's value)."""
    parser.add_argument("--stack", default=default, metavar="NAME",
                        help="a deployed stack (e.g. Groundlink-dev): every table, bucket and URL from its outputs")
    parser.add_argument("--region", default=default, metavar="REGION",
                        help="the stack's AWS region (default: AWS_REGION or the profile's)")
    parser.add_argument("--profile", default=default, metavar="PROFILE",
                        help="the AWS profile whose credentials reach the stack (default: AWS_PROFILE)")


def _parser() -> argparse.ArgumentParser:
    stack_options = argparse.ArgumentParser(add_help=False)
    _stack_options(stack_options, argparse.SUPPRESS)

    def command(parent, name: str, summary: str, epilog: str):
        return parent.add_parser(name, help=summary, description=summary, epilog=epilog, parents=[stack_options],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)

    parser = argparse.ArgumentParser(
        prog="groundlink", description="Groundlink operator CLI: tokens, API tokens and catalogue imports.",
        epilog="Run 'groundlink COMMAND --help' for a command's arguments and an example.\n" + LOCAL_NOTE,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"groundlink {_version()}")
    _stack_options(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    tok = command(sub, "token", "print a bearer JWT this deployment accepts (signed with GROUNDLINK_JWT_SECRET)",
                  JWT_SCOPES + "\n\nexample:\n  groundlink token --subject demo --scopes 'passes:read contacts.view'\n"
                  "  curl -H \"Authorization: Bearer $(groundlink token --subject demo --scopes passes:read)\" "
                  "http://127.0.0.1:8000/orbapi/gs")
    tok.add_argument("--subject", required=True, metavar="SUB",
                     help="the account the token speaks for (its 'sub'; owns what it books)")
    tok.add_argument("--scopes", default="", metavar="'SCOPE …'", help="space-separated scopes (listed below)")
    tok.add_argument("--ttl", type=int, default=3600, metavar="SECONDS", help="lifetime in seconds (default 3600)")
    tok.add_argument("--service", action="store_true",
                     help="a service caller: sees every owner's resources, like 'admin'")

    from shared import cli_ingest

    cli_ingest.add_commands(sub, command, LOCAL_NOTE)
    imports = (
        ("import-stations", "import ground stations (JSON list, as shared/demo_data/stations.json)",
         "groundlink import-stations shared/demo_data/stations.json"),
        ("import-transmitters",
         "import transmitters (JSON list in SatNOGS shape, as shared/demo_data/transmitters.json)",
         "groundlink import-transmitters shared/demo_data/transmitters.json"),
        ("import-spacecraft", "import spacecraft registrations (JSON list, as shared/demo_data/spacecraft.json)",
         "groundlink import-spacecraft shared/demo_data/spacecraft.json"),
        ("import-satellites",
         "import satellite catalogue records (JSON list, as shared/demo_data/satellite_catalog.json)",
         "groundlink import-satellites shared/demo_data/satellite_catalog.json"),
        ("import-news", "import news articles (JSON list, stored by id)",
         "groundlink import-news shared/demo_data/news.json"),
    )
    for name, summary, example in imports:
        p = command(sub, name, summary,
                    "Prints a JSON report: stored, duplicates (already stored: importing a file again is safe) and "
                    "errors.\n" + LOCAL_NOTE + "\n\nexample:\n  " + example)
        p.add_argument("file", type=Path, metavar="FILE", help="the file to import")

    at = command(sub, "api-token", "manage orbapi dsn_live_ API tokens (create, list, revoke)",
                 API_TOKEN_SCOPES + "\n" + LOCAL_NOTE)
    at_sub = at.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = command(at_sub, "create", "create a token; its plaintext is printed once, only its SHA-256 is stored",
                API_TOKEN_SCOPES + "\n\nexample:\n  groundlink api-token create --owner client_123 "
                "--scopes 'passes:read bookings:create bookings:cancel' | jq -r .token")
    c.add_argument("--owner", required=True, metavar="OWNER",
                   help="the account that owns what the token books (letters, digits, _ . @ -)")
    c.add_argument("--scopes", required=True, metavar="'SCOPE …'", help="space-separated scopes (listed below)")
    c.add_argument("--name", default="", help="a label for the token (optional)")
    ls = command(at_sub, "list", "list tokens (never their secret): tokenId, owner, scopes, revoked …",
                 "example:\n  groundlink api-token list --owner client_123")
    ls.add_argument("--owner", metavar="OWNER", help="only this owner's tokens (default: every token)")
    rv = command(at_sub, "revoke", "revoke a token: it is refused from now on (revoking it again changes nothing)",
                 "example:\n  groundlink api-token revoke 3f2c9a0e1b7d4c55")
    rv.add_argument("token_id", metavar="TOKEN_ID", help="the tokenId printed by 'create' and 'list'")

    oc = command(sub, "oauth-client", "manage OAuth 2.0 clients (client-credentials grant at POST /oauth2/token)",
                 JWT_SCOPES + "\n" + LOCAL_NOTE)
    oc_sub = oc.add_subparsers(dest="action", required=True, metavar="ACTION")
    occ = command(oc_sub, "create", "register a client; its secret is printed once, only its SHA-256 is stored",
                  JWT_SCOPES + "\n\nexample:\n  groundlink oauth-client create --scopes 'contacts.view sites.view' "
                  "--name mission-ops\n  curl -u \"$CLIENT_ID:$CLIENT_SECRET\" -d grant_type=client_credentials "
                  "http://127.0.0.1:8000/oauth2/token")
    occ.add_argument("--scopes", required=True, metavar="'SCOPE …'",
                     help="space-separated scopes the client may be granted (listed below)")
    occ.add_argument("--name", default="", help="a label for the client (optional)")
    command(oc_sub, "list", "list clients (never their secret): clientId, name, scopes, revoked …",
            "example:\n  groundlink oauth-client list")
    ocr = command(oc_sub, "revoke", "revoke a client: it obtains no more tokens (revoking it again changes nothing)",
                  "example:\n  groundlink oauth-client revoke oauth-3f2c9a0e1b7d4c55aa01")
    ocr.add_argument("client_id", metavar="CLIENT_ID", help="the clientId printed by 'create' and 'list'")

    from shared.cli_deploy import add_deploy_commands
    from shared.station_agent.cli import add_station_command

    add_deploy_commands(sub, command)

    from shared.domain.webhooks.models import EVENT_TYPES

    types = "event types: " + ", ".join(f"'{t}'" for t in EVENT_TYPES)
    wh = command(sub, "webhook", "manage owners' webhooks (signed POSTs of their events)", types + "\n" + LOCAL_NOTE)
    wh_sub = wh.add_subparsers(dest="action", required=True, metavar="ACTION")
    wa = command(wh_sub, "add", "register a webhook for an owner; its signing secret is printed once (stored "
                 "encrypted)", types + "\nhttps:// to a public address; locally (GROUNDLINK_ENVIRONMENT=local) also "
                 "http:// to a loopback address.\n\nexample:\n  groundlink webhook add --owner client_123 "
                 "--url https://hooks.example.org/groundlink --event 'File State Change' --event 'Job State Change'")
    wa.add_argument("--owner", required=True, metavar="OWNER", help="the account whose events the webhook receives")
    wa.add_argument("--url", required=True, metavar="URL", help="the endpoint the events are POSTed to")
    wa.add_argument("--event", action="append", required=True, metavar="TYPE", dest="events",
                    help="an event type to receive (repeat for several)")
    wa.add_argument("--description", default=None, help="a label (optional)")
    wl = command(wh_sub, "list", "list webhooks (never their secret): webhookId, owner, url, enabled, "
                 "disabledReason …", "example:\n  groundlink webhook list --owner client_123")
    wl.add_argument("--owner", metavar="OWNER", help="only this owner's webhooks (default: every webhook)")
    wr = command(wh_sub, "remove", "remove a webhook: it receives nothing more",
                 "example:\n  groundlink webhook remove wh_3f2c9a0e1b7d4c55aa0122bb")
    wr.add_argument("webhook_id", metavar="WEBHOOK_ID", help="the webhookId printed by 'add' and 'list'")
    from shared.cli_registry import add_registry_command

    add_registry_command(add_station_command(sub, command), command, LOCAL_NOTE)
    return parser


def _webhook(args: argparse.Namespace) -> int:
    from shared.domain.errors import NotFound
    from shared.domain.identity import Principal
    from shared.surfaces.orbapi.webhooks_schema import created_view, webhook_view
    from shared.wiring.webhooks import webhook_service

    service = webhook_service()
    operator = Principal("groundlink-cli", kind="service")
    if args.action == "add":
        registered = service.register(args.owner, args.url, args.events, args.description)
        print(json.dumps(created_view(registered).model_dump(), indent=2))
        return 0
    if args.action == "list":
        print(json.dumps([webhook_view(w).model_dump() for w in service.listing(operator, args.owner)], indent=2))
        return 0
    try:
        removed = service.remove(args.webhook_id, operator)
    except NotFound:
        print(f"groundlink: no webhook with id {args.webhook_id}", file=sys.stderr)
        return 1
    print(json.dumps({"webhookId": removed.id, "owner": removed.owner, "deleted": True}))
    return 0


def _oauth_client(args: argparse.Namespace) -> int:
    from shared.domain.errors import NotFound
    from shared.surfaces.admin.oauth_clients import client_view, created_view
    from shared.wiring.identity import oauth_clients_service

    clients = oauth_clients_service()
    if args.action == "create":
        print(json.dumps(created_view(clients.register(args.scopes.split(), args.name)).model_dump(), indent=2))
        return 0
    if args.action == "list":
        print(json.dumps([client_view(r).model_dump() for r in clients.list_clients()], indent=2))
        return 0
    try:
        record = clients.revoke(args.client_id)
    except NotFound:
        print(f"groundlink: no OAuth client with id {args.client_id}", file=sys.stderr)
        return 1
    print(json.dumps({"clientId": record.client_id, "revoked": True,
                      "revokedAt": client_view(record).revokedAt}))
    return 0


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.stack:
        from shared.cli_stack import use_stack

        use_stack(args.stack, region=args.region, profile=args.profile)
    elif args.region or args.profile:
        print("groundlink: --region and --profile choose where a deployed stack is: give --stack NAME too",
              file=sys.stderr)
        return 2

    if args.command == "token":
        # The CLI's rule (see _local_defaults): outside AWS, an unset environment is the local one.
        os.environ.setdefault("GROUNDLINK_ENVIRONMENT", "local")
        from shared.auth import issue_jwt

        print(issue_jwt(args.subject, args.scopes.split(), ttl_s=args.ttl,
                        kind="service" if args.service else "user"))
        return 0

    if args.command == "station" and args.action == "registry":
        _local_defaults()
        from shared.cli_registry import run_registry_command

        return run_registry_command(args)
    if args.command == "station":  # a remote client of the broker's HTTP API: no AWS settings
        from shared.station_agent.cli import run_station_command

        return run_station_command(args)

    _local_defaults()
    if args.command in ("import-tle", "import-omm", "import-satcat"):
        from shared import cli_ingest

        return cli_ingest.run(args)
    if args.command.startswith("import-"):
        from shared.adapters.dynamo.catalog import catalog_repository
        from shared.catalog import importer

        repo = catalog_repository()
        try:
            text = args.file.read_text()
        except OSError as exc:
            print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            print(f"{args.file}: not valid JSON: {exc}", file=sys.stderr)
            return 2
        if args.command == "import-news":
            from shared.adapters.dynamo.news import news_repository

            return _print_report(importer.import_news(news_repository(), data))
        fn = {
            "import-stations": importer.import_stations,
            "import-transmitters": importer.import_transmitters,
            "import-spacecraft": importer.import_spacecraft,
            "import-satellites": importer.import_satellite_catalog,
        }[args.command]
        return _print_report(fn(repo, data))

    if args.command == "oauth-client":
        return _oauth_client(args)
    if args.command in ("admin", "smoke"):
        from shared.cli_deploy import run_deploy_command

        return run_deploy_command(args)
    if args.command == "webhook":
        return _webhook(args)

    from shared.auth import api_tokens
    from shared.domain.errors import NotFound

    tokens = api_tokens()
    if args.action == "create":
        issued = tokens.create(args.owner, args.scopes.split(), args.name)
        view = _token_view(issued.record)
        print(json.dumps({"token": issued.token,
                          **{k: view[k] for k in ("tokenId", "owner", "scopes", "name", "createdAt")}}, indent=2))
        return 0
    if args.action == "list":
        print(json.dumps([_token_view(r) for r in tokens.list_tokens(args.owner)], indent=2))
        return 0
    before = next((r for r in tokens.list_tokens() if r.token_id == args.token_id), None)
    if before is not None and before.revoked:
        print(json.dumps({"tokenId": args.token_id, "revoked": True, "alreadyRevoked": True,
                          "revokedAt": _token_view(before)["revokedAt"]}))
        print(f"groundlink: API token {args.token_id} was already revoked; nothing changed", file=sys.stderr)
        return 0
    try:
        tokens.revoke(args.token_id)
    except NotFound:
        print(f"groundlink: no API token with id {args.token_id}", file=sys.stderr)
        return 1
    print(json.dumps({"tokenId": args.token_id, "revoked": True, "alreadyRevoked": False}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
