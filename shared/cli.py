"""``groundlink`` — the operator's command line.

  groundlink token --subject SUB --scopes "SCOPE …" [--ttl 3600] [--service]
  groundlink import-tle FILE [--source NAME] [--uploaded-by WHO]   (TLE or 3LE text)
  groundlink import-omm FILE                                       (OMM JSON, CelesTrak/Space-Track)
  groundlink import-stations FILE | import-transmitters FILE | import-spacecraft FILE | import-satellites FILE
  groundlink import-news FILE                                      (news articles, JSON list, by id)
  groundlink api-token create --owner OWNER --scopes "…" [--name NAME] | list [--owner O] | revoke TOKEN_ID

Import and api-token commands talk to the DynamoDB configured by GROUNDLINK_* settings (locally the
endpoint printed by ``make run``: GROUNDLINK_AWS_ENDPOINT_URL=http://127.0.0.1:4566).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

LOCAL_ENDPOINT = "http://127.0.0.1:4566"  # ``make run``'s embedded AWS (GROUNDLINK_MOTO_PORT default)


def _local_defaults() -> None:
    """Outside AWS (GROUNDLINK_ENVIRONMENT unset or 'local') the CLI talks to the local platform."""
    if os.environ.get("GROUNDLINK_ENVIRONMENT", "local") != "local":
        return
    os.environ.setdefault("GROUNDLINK_AWS_ENDPOINT_URL", LOCAL_ENDPOINT)
    from infra.local.emulation import FAKE_CREDENTIALS

    for key, val in FAKE_CREDENTIALS.items():
        os.environ.setdefault(key, val)


def _print_report(report) -> int:
    print(json.dumps(report.as_dict(), indent=2))
    return 1 if report.errors and not report.stored and not report.duplicates else 0


def main(argv: list[str] | None = None) -> int:
    from shared.domain.errors import DomainError

    try:
        return _main(argv)
    except DomainError as exc:  # invalid input: the same message the API would give
        print(f"groundlink: {exc.message}", file=sys.stderr)
        return 2
    except Exception as exc:  # AWS unreachable, no credentials, missing table: one clear line, no trace
        from botocore.exceptions import BotoCoreError, ClientError

        if not isinstance(exc, (BotoCoreError, ClientError)):
            raise
        endpoint = os.environ.get("GROUNDLINK_AWS_ENDPOINT_URL", "AWS")
        print(f"groundlink: cannot use DynamoDB at {endpoint}: {exc}. Is the platform running "
              f"(make run), or GROUNDLINK_AWS_ENDPOINT_URL / AWS credentials set?", file=sys.stderr)
        return 3


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="groundlink", description="Groundlink operator CLI")
    sub = parser.add_subparsers(dest="command", required=True)

    tok = sub.add_parser("token", help="print a bearer JWT accepted by this deployment")
    tok.add_argument("--subject", required=True)
    tok.add_argument("--scopes", default="", help="space-separated permissions, e.g. 'passes:read contacts'")
    tok.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds")
    tok.add_argument("--service", action="store_true", help="a service (admin) caller")

    for name, helptext in (
        ("import-tle", "import TLE/3LE element sets"),
        ("import-omm", "import OMM JSON element sets"),
        ("import-stations", "import ground stations (JSON list)"),
        ("import-transmitters", "import transmitters (JSON list)"),
        ("import-spacecraft", "import spacecraft registrations (JSON list)"),
        ("import-satellites", "import satellite catalogue records (JSON list)"),
        ("import-news", "import news articles (JSON list, stored by id; re-import is idempotent)"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("file", type=Path)
        if name in ("import-tle", "import-omm"):
            p.add_argument("--source", default="import")
            p.add_argument("--uploaded-by", default=os.environ.get("USER", "operator"))

    at = sub.add_parser("api-token", help="manage dsn_live_ API tokens")
    at_sub = at.add_subparsers(dest="action", required=True)
    c = at_sub.add_parser("create")
    c.add_argument("--owner", required=True)
    c.add_argument("--scopes", required=True)
    c.add_argument("--name", default="")
    ls = at_sub.add_parser("list")
    ls.add_argument("--owner")
    rv = at_sub.add_parser("revoke")
    rv.add_argument("token_id")

    args = parser.parse_args(argv)

    if args.command == "token":
        from shared.auth import issue_jwt

        print(issue_jwt(args.subject, args.scopes.split(), ttl_s=args.ttl,
                        kind="service" if args.service else "user"))
        return 0

    _local_defaults()
    if args.command.startswith("import-"):
        from shared.adapters.dynamo.catalog import catalog_repository
        from shared.catalog import importer

        repo = catalog_repository()
        try:
            text = args.file.read_text()
        except OSError as exc:
            print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
        if args.command == "import-tle":
            return _print_report(importer.import_tle_text(repo, text, source=args.source,
                                                          uploaded_by=args.uploaded_by))
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            print(f"{args.file}: not valid JSON: {exc}", file=sys.stderr)
            return 2
        if args.command == "import-news":
            from shared.adapters.dynamo.news import news_repository

            return _print_report(importer.import_news(news_repository(), data))
        if args.command == "import-omm":
            return _print_report(importer.import_omm_json(repo, data, source=args.source,
                                                          uploaded_by=args.uploaded_by))
        fn = {
            "import-stations": importer.import_stations,
            "import-transmitters": importer.import_transmitters,
            "import-spacecraft": importer.import_spacecraft,
            "import-satellites": importer.import_satellite_catalog,
        }[args.command]
        return _print_report(fn(repo, data))

    from shared.auth import api_tokens
    from shared.domain.errors import NotFound

    tokens = api_tokens()
    if args.action == "create":
        issued = tokens.create(args.owner, args.scopes.split(), args.name)
        record = issued.record
        print(json.dumps({"token": issued.token, "tokenId": record.token_id, "owner": record.owner,
                          "scopes": record.scopes, "name": record.name}, indent=2))
        return 0
    if args.action == "list":
        records = tokens.list_tokens(args.owner)
        print(json.dumps([r.model_dump(mode="json", exclude={"token_hash"}) for r in records], indent=2))
        return 0
    try:
        tokens.revoke(args.token_id)
    except NotFound:
        print(f"no API token with id {args.token_id}", file=sys.stderr)
        return 1
    print(json.dumps({"revoked": args.token_id}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
