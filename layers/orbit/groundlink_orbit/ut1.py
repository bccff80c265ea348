"""UT1 − UTC from a daily table shipped with the package (IERS finals2000A, Bulletin A).

The table starts on 2017-01-01 (the last leap second), so UT1 − UTC is continuous across it and
linear interpolation between daily values is exact to the IERS precision.  Before the first and
after the last row the end value is held; :func:`ut1_table_coverage` tells callers so, and the
pass finder reports it in ``PassTable.ut1_extrapolated``.

Refresh the table (a scheduled job can run this) from an IERS ``finals2000A.all`` file::

    python -m groundlink_orbit.ut1 [path/to/finals2000A.all]

Without a path it reads the copy shipped by the ``astropy-iers-data`` package.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

TABLE_PATH = Path(__file__).with_name("data") / "ut1_utc.csv"
_MJD_UNIX_EPOCH = 40587.0
_FIRST_MJD = 57754  # 2017-01-01, after the last leap second (2016-12-31)


@dataclass(frozen=True)
class Ut1Table:
    unix_s: np.ndarray  # midnight UTC of each row
    ut1_minus_utc_s: np.ndarray
    first_predicted_unix_s: float  # rows from here on are IERS predictions

    @property
    def start_unix_s(self) -> float:
        return float(self.unix_s[0])

    @property
    def end_unix_s(self) -> float:
        return float(self.unix_s[-1])


@lru_cache(maxsize=1)
def load_table(path: Path = TABLE_PATH) -> Ut1Table:
    mjd, dut1, predicted = [], [], []
    for row in path.read_text().splitlines():
        if not row or row.startswith("#") or row.startswith("mjd"):
            continue
        a, b, c = row.split(",")
        mjd.append(float(a))
        dut1.append(float(b))
        predicted.append(c.strip() == "P")
    mjd_arr = np.array(mjd)
    unix = (mjd_arr - _MJD_UNIX_EPOCH) * 86400.0
    pred = np.array(predicted)
    first_pred = float(unix[pred][0]) if pred.any() else float("inf")
    return Ut1Table(unix, np.array(dut1), first_pred)


def ut1_minus_utc_s(unix_s: np.ndarray | float) -> np.ndarray:
    """UT1 − UTC in seconds at the given UTC instants (end values held outside the table)."""
    table = load_table()
    return np.interp(unix_s, table.unix_s, table.ut1_minus_utc_s)


def ut1_table_coverage(start_unix_s: float, end_unix_s: float) -> bool:
    """True when [start, end] lies inside the table (no value had to be held)."""
    table = load_table()
    return table.start_unix_s <= start_unix_s and end_unix_s <= table.end_unix_s


def parse_finals2000a(text: str) -> list[tuple[int, float, str]]:
    """Rows (mjd, UT1−UTC s, 'I' or 'P') of an IERS finals2000A.all file from 2017-01-01 on."""
    rows = []
    for line in text.splitlines():
        if len(line) < 68:
            continue
        flag = line[57]
        value = line[58:68].strip()
        if flag not in "IP" or not value:
            continue
        mjd = int(float(line[7:15]))
        if mjd >= _FIRST_MJD:
            rows.append((mjd, float(value), flag))
    return rows


def refresh(source: Path | None = None, target: Path = TABLE_PATH) -> int:
    """Rewrite the shipped table from a finals2000A.all file; returns the number of rows."""
    if source is None:
        import astropy_iers_data  # dev dependency; the Lambda layer only reads the table

        source = Path(astropy_iers_data.__file__).with_name("data") / "finals2000A.all"
    rows = parse_finals2000a(Path(source).read_text())
    if not rows:
        raise ValueError(f"{source}: no UT1-UTC rows found (is it an IERS finals2000A.all file?)")
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# UT1-UTC (s), IERS Bulletin A, from {Path(source).name}; I = final/interim, P = predicted"]
    lines.append("mjd,ut1_utc_s,flag")
    lines += [f"{mjd},{value:.7f},{flag}" for mjd, value, flag in rows]
    target.write_text("\n".join(lines) + "\n")
    load_table.cache_clear()
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    source = Path(argv[0]) if argv else None
    count = refresh(source)
    table = load_table()
    print(f"wrote {count} rows to {TABLE_PATH} (predictions from unix {table.first_predicted_unix_s:.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
