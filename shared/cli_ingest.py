"""``groundlink import-tle | import-omm | import-satcat (FILE | --url URL)``: the catalogue's bulk ingestion
(``shared.domain.catalog.ingestion``) from the command line.

Prints the JSON report on stdout, a summary on stderr (stored / unchanged / rejected, each rejection naming
its record and the reason) and a progress bar on stderr when it is a terminal. Exit status: 0 when every
record was stored or unchanged, 1 when any was rejected, 2 when the document was refused as a whole, 3 when
the source or the database could not be reached, 130 on Ctrl-C — which keeps what was stored and prints the
summary so far (importing the same file again completes it and changes nothing else).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SHOWN_REJECTIONS = 20
EXAMPLES = {
    "import-tle": "groundlink import-tle shared/demo_data/samples/amateur.tle --source sample\n"
                  "  groundlink import-tle --url 'https://celestrak.org/NORAD/elements/gp.php?GROUP=active&FORMAT=tle'"
                  " --source celestrak",
    "import-omm": "groundlink import-omm --url 'https://celestrak.org/NORAD/elements/gp.php?GROUP=active&FORMAT=json'"
                  " --source celestrak\n  groundlink import-omm gp.csv --source celestrak",
    "import-satcat": "groundlink import-satcat --url 'https://celestrak.org/pub/satcat.csv' --source celestrak-satcat\n"
                     "  groundlink import-satcat satcat.csv",
}
SUMMARIES = {
    "import-tle": "import TLE or 3LE element sets (text), from a file or a URL",
    "import-omm": "import OMM element sets, JSON or CSV (CelesTrak or Space-Track), from a file or a URL",
    "import-satcat": "import CelesTrak SATCAT records (CSV or JSON): COSPAR ids, status (decayed objects are "
                     "'re-entered'), owner, launch and decay dates, orbit class",
}
KINDS = {"import-tle": "tle", "import-omm": "omm", "import-satcat": "satcat"}


def add_commands(sub: Any, command: Callable[..., argparse.ArgumentParser], local_note: str) -> None:
    for name, kind in KINDS.items():
        p = command(sub, name, SUMMARIES[name],
                    "Prints a JSON report (stored, unchanged, rejected with each record and reason; importing the "
                    "same document again changes nothing) and a summary on stderr; exit status 1 if any record "
                    "was rejected, 130 after Ctrl-C (what was stored stays).\n" + local_note
                    + "\n\nexample:\n  " + EXAMPLES[name])
        where = p.add_mutually_exclusive_group(required=True)
        where.add_argument("file", type=Path, nargs="?", metavar="FILE", help="the file to import")
        where.add_argument("--url", metavar="URL", help="fetch the document from this http(s) URL instead")
        p.add_argument("--source", default=None, metavar="NAME",
                       help="where the records come from, kept with each element set (default: 'import', or the "
                            "URL's host)")
        if kind != "satcat":
            p.add_argument("--uploaded-by", default=os.environ.get("USER", "operator"), metavar="WHO",
                           help="who imported them (default $USER)")


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int | None], None]]:
    """``update(description, done, total)``; a rich progress bar on stderr, or nothing."""
    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    except ImportError:  # installed without the "cli" extra
        enabled = False
    if not enabled:
        yield lambda description, done, total: None
        return

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(description: str, done: int, total: int | None) -> None:
            if description not in tasks:
                tasks[description] = bar.add_task(description, total=total)
            bar.update(tasks[description], completed=done, total=total)

        yield update


def _read(args: argparse.Namespace) -> tuple[str, bytes]:
    from shared.adapters.http_documents import fetch_document

    if args.url:
        return args.url, fetch_document(args.url)
    try:
        return str(args.file), args.file.read_bytes()
    except OSError as exc:
        from shared.domain.errors import InvalidRequest

        raise InvalidRequest(f"cannot read {args.file}: {exc.strerror}") from None


def _logs_to_stderr() -> None:
    """Structured log lines (Powertools writes them to stdout, as Lambda wants) go to stderr here: stdout carries
    the JSON report alone, so that it can be piped."""
    import logging

    from shared.observability import PLATFORM, SERVICE  # creates the loggers

    for name in (SERVICE, *logging.root.manager.loggerDict):
        if name == SERVICE or name.startswith(f"{PLATFORM}."):
            for handler in logging.getLogger(name).handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
                    handler.setStream(sys.stderr)


def run(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    from shared.adapters.http_documents import SourceRefused, SourceUnavailable
    from shared.domain.catalog.documents import read_element_sets, read_satcat
    from shared.domain.catalog.ingestion import IngestReport
    from shared.wiring.catalog import catalog_ingestion

    _logs_to_stderr()
    kind = KINDS[args.command]
    source = args.source or (urlsplit(args.url).hostname if args.url else None) or "import"
    try:
        label, data = _read(args)
    except (SourceUnavailable, SourceRefused) as exc:
        print(f"groundlink: {exc.message}; nothing was imported", file=sys.stderr)
        return 3
    report = IngestReport("satcat" if kind == "satcat" else "element_sets", label)
    ingestion = catalog_ingestion()
    try:
        with _progress(sys.stderr.isatty()) as update:
            reading = f"reading {Path(label).name if not args.url else 'document'}"
            update(reading, 0, None)
            if kind == "satcat":
                rows = read_satcat(label, data)
                update(reading, 1, 1)
                ingestion.ingest_satcat(rows, source=source, report=report,
                                        progress=lambda done, total: update("storing", done, total))
            else:
                document = read_element_sets(kind, label, data)  # type: ignore[arg-type]
                update(reading, 1, 1)
                ingestion.ingest_parsed(document.parsed, source=source, uploaded_by=args.uploaded_by,
                                        labels=document.labels, report=report,
                                        progress=lambda done, total: update("storing", done, total))
    except KeyboardInterrupt:
        report.interrupted = True
    print(json.dumps(report.as_dict(), indent=2))
    _summary(report)
    if report.interrupted:
        return 130
    return 1 if report.rejected else 0


def _summary(report: Any) -> None:
    what = "element sets" if report.kind == "element_sets" else "SATCAT records"
    advanced = f" ({len(report.advanced)} became current)" if report.kind == "element_sets" else ""
    head = "interrupted (Ctrl-C) — so far" if report.interrupted else "done"
    print(f"groundlink: {report.source}: {head}: {report.read} {what} read, {report.stored} stored{advanced}, "
          f"{report.unchanged} unchanged, {len(report.rejected)} rejected", file=sys.stderr)
    if report.unchanged:
        print(f"groundlink: {report.unchanged} {what} already stored, left as they were "
              f"(importing the same file again is safe and changes nothing)", file=sys.stderr)
    for rejection in report.rejected[:SHOWN_REJECTIONS]:
        print(f"  rejected {rejection}", file=sys.stderr)
    if len(report.rejected) > SHOWN_REJECTIONS:
        print(f"  … and {len(report.rejected) - SHOWN_REJECTIONS} more (all in the report's \"errors\")",
              file=sys.stderr)
    if report.interrupted:
        print("groundlink: what was stored stays; importing the same document again completes the import",
              file=sys.stderr)
