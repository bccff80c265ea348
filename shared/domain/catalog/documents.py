"""The documents the catalogue ingests, as CelesTrak and Space-Track publish them, read into records:

* ``tle``    — TLE / 3LE text (``FORMAT=tle`` / ``3le``);
* ``omm``    — OMM as JSON (a list of objects, numbers or strings) or CSV (a header row of OMM keywords);
* ``satcat`` — the SATCAT as CSV (``FORMAT=csv``) or JSON.

A document that is not what it is said to be (JSON given as TLE, an HTML error page, binary data, a CSV
without the needed columns…) is refused as a whole with :class:`UnreadableDocument`, naming the source and
what was found; nothing of it is stored. Records are named for rejections by file line (TLE), list item
(JSON) or CSV row (the header is row 1), with their NORAD id and name when the record gives them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from shared.domain.errors import InvalidRequest

if TYPE_CHECKING:
    from groundlink_orbit import ParseReport

Kind = Literal["tle", "omm", "satcat"]
KINDS: tuple[Kind, ...] = ("tle", "omm", "satcat")
OMM_COLUMNS = ("NORAD_CAT_ID", "EPOCH", "MEAN_MOTION")
SATCAT_COLUMNS = ("NORAD_CAT_ID", "OBJECT_NAME")


class UnreadableDocument(InvalidRequest):
    """The whole document is refused (wrong format, not text, no records)."""


@dataclass
class ElementSetDocument:
    parsed: ParseReport
    labels: Callable[[int, str], str]


def _text(source: str, data: bytes) -> str:
    if data[:2] == b"\x1f\x8b":
        import gzip

        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise UnreadableDocument(f"{source}: a damaged gzip file ({exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(f"{source}: not text (byte {exc.start} is not UTF-8)") from None
    if "\x00" in text:
        raise UnreadableDocument(f"{source}: not text (it contains NUL bytes)")
    return text


def _looks(text: str) -> str:
    """What the document looks like, for an error message."""
    head = text.lstrip()[:200].lower()
    if not head:
        return "an empty document"
    if head.startswith(("<!doctype html", "<html")) or "<html" in head:
        return "an HTML page"
    if head.startswith("<"):
        return "an XML document"
    if head.startswith(("{", "[")):
        return "JSON"
    if head.startswith(("1 ", "0 ")) or "\n1 " in head:
        return "TLE text"
    if "," in head.splitlines()[0]:
        return "CSV"
    return "text in no known format"


def _json(source: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableDocument(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                                 f"{exc.msg})") from None


def _csv_rows(source: str, text: str, needed: tuple[str, ...], what: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in needed if c not in header]
    if missing:
        raise UnreadableDocument(f"{source}: {_looks(text)}, not {what} (no column {', '.join(missing)})")
    reader.fieldnames = header
    return [{k: v for k, v in row.items() if k is not None} for row in reader]


def _label(kind: str, number: int, record: Any) -> str:
    if not isinstance(record, dict):
        return f"{kind} {number}"
    norad = record.get("NORAD_CAT_ID")
    name = record.get("OBJECT_NAME")
    named = ", ".join(str(p) for p in (f"NORAD {norad}" if norad not in (None, "") else None, name) if p)
    return f"{kind} {number} ({named})" if named else f"{kind} {number}"


def read_element_sets(kind: Kind, source: str, data: bytes) -> ElementSetDocument:
    """A TLE/3LE or OMM (JSON or CSV) document parsed by the orbit core."""
    from groundlink_orbit import parse_omm, parse_tle_text

    text = _text(source, data)
    looks = _looks(text)
    if kind == "tle":
        if looks not in ("TLE text", "text in no known format") or not text.strip():
            hint = "; OMM goes to import-omm" if looks in ("JSON", "CSV", "an XML document") else ""
            raise UnreadableDocument(f"{source}: {looks}, not TLE/3LE text{hint}")
        parsed = parse_tle_text(text)
        if not parsed.element_sets and not parsed.errors:
            raise UnreadableDocument(f"{source}: no element set found (TLE lines start with '1 ' and '2 ')")
        lines = text.splitlines()

        def tle_label(index: int, message: str) -> str:
            # "line 6: checksum 3 != 5" -> "line 6 (NORAD 43013, NOAA 20): checksum 3 != 5"
            where, _, reason = message.partition(": ")
            try:
                at = int(where.split()[1]) - 1
            except (IndexError, ValueError):
                return message
            for back in (0, 1, 2):
                line = lines[at - back] if 0 <= at - back < len(lines) else ""
                if line.startswith("1 ") and len(line) > 7:
                    name = lines[at - back - 1].strip() if at - back >= 1 else ""
                    name = name[2:] if name.startswith("0 ") else name
                    name = "" if name.startswith(("1 ", "2 ")) else name
                    ident = f"NORAD {line[2:7].strip()}" + (f", {name}" if name else "")
                    return f"{where} ({ident}): {reason}"
            return message

        return ElementSetDocument(parsed, tle_label)
    if looks == "JSON":
        records = _json(source, text)
        if isinstance(records, dict):
            records = [records]
        if not isinstance(records, list):
            raise UnreadableDocument(f"{source}: JSON {type(records).__name__}, not a list of OMM records")
        what = "item"
    elif looks == "CSV":
        records = [{k: v for k, v in row.items() if v not in ("", None)}  # an empty cell is an absent keyword
                   for row in _csv_rows(source, text, OMM_COLUMNS, "OMM CSV")]
        what = "row"
    else:
        hint = "; TLE goes to import-tle" if looks == "TLE text" else ""
        xml = "; OMM XML is not read: ask for FORMAT=json or csv" if looks == "an XML document" else ""
        raise UnreadableDocument(f"{source}: {looks}, not OMM JSON or CSV{hint}{xml}")
    if not records:
        raise UnreadableDocument(f"{source}: no OMM record found")
    offset = 2 if what == "row" else 1  # CSV: the header is row 1

    def omm_label(index: int, message: str) -> str:
        reason = message.partition(": ")[2] or message
        return f"{_label(what, index + offset, records[index])}: {reason}"

    return ElementSetDocument(parse_omm(records), omm_label)


def read_satcat(source: str, data: bytes) -> list[tuple[str, dict[str, Any]]]:
    """SATCAT records (CSV or JSON), each with its label."""
    text = _text(source, data)
    looks = _looks(text)
    if looks == "JSON":
        records = _json(source, text)
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise UnreadableDocument(f"{source}: JSON that is not a list of SATCAT records")
        if records and "NORAD_CAT_ID" not in records[0]:
            raise UnreadableDocument(f"{source}: JSON records without NORAD_CAT_ID, not SATCAT")
        labelled = [(_label("item", i + 1, r), r) for i, r in enumerate(records)]
    elif looks == "CSV":
        rows = _csv_rows(source, text, SATCAT_COLUMNS, "SATCAT CSV")
        if rows and "EPOCH" in rows[0] and "MEAN_MOTION" in rows[0]:
            raise UnreadableDocument(f"{source}: OMM CSV (element sets), not SATCAT; it goes to import-omm")
        labelled = [(_label("row", i + 2, r), r) for i, r in enumerate(rows)]
    else:
        raise UnreadableDocument(f"{source}: {looks}, not SATCAT CSV or JSON")
    if not labelled:
        raise UnreadableDocument(f"{source}: no SATCAT record found")
    return labelled
