"""A real element-set history moved in time, for tests that need a RECENT history (the maneuver API looks back
at most 30 days) while the real fixtures are from 2023.

This is a shift of real data, not a simulation: every element set keeps its orbit (line 2 is copied verbatim) and
its epoch's time of day (the fractional day is copied digit for digit); only the epoch's year and day of year move
by one whole number of days, the same for every set, and line 1's checksum is recomputed. The spacing of the
sets, the steps of the real burns in them and their sizes are those of the source. Anything fitted to the real
calendar (solar activity in the drag terms, the Earth's orientation at the original epochs) is not moved with
it: these are real orbits at made-up dates, fit for plots and maneuver detection, not for predicting where the
satellite is today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The 2023-02-20 ISS reboost (Progress MS-22, 1.8 m/s): 139 real sets, 2023-02-05 .. 2023-03-01
# (tests/fixtures/tle/history/README.md).
ISS_2023_02 = ROOT / "tests/fixtures/tle/history/25544_iss_2023-02.tle"


def tle_checksum(line: str) -> str:
    """The mod-10 checksum digit of a TLE line's first 68 characters (digits count their value, '-' counts 1)."""
    return str(sum(int(c) if c.isdigit() else c == "-" for c in line[:68]) % 10)


def epoch_of(line1: str) -> datetime:
    """A line 1's epoch (columns 19-32: two-digit year, day of year with its fraction) in UTC."""
    yy, day = int(line1[18:20]), float(line1[20:32])
    year = 2000 + yy if yy < 57 else 1900 + yy
    return datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=day - 1)


def shift_line1(line1: str, days: int) -> str:
    """Line 1 with its epoch ``days`` whole days later: the fraction of the day is kept as written."""
    yy, doy, fraction = int(line1[18:20]), int(line1[20:23]), line1[23:32]
    year = 2000 + yy if yy < 57 else 1900 + yy
    day = date(year, 1, 1) + timedelta(days=doy - 1 + days)
    if not 1957 <= day.year <= 2056:
        raise ValueError(f"a shift of {days} days takes the epoch to {day.year}, outside the TLE's two-digit years")
    shifted = f"{line1[:18]}{day.year % 100:02d}{day.timetuple().tm_yday:03d}{fraction}{line1[32:68]}"
    return shifted + tle_checksum(shifted)


@dataclass(frozen=True)
class ShiftedHistory:
    text: str  # the shifted 2-line sets, one per two lines, in the source's order
    days: int  # how far every epoch moved
    first_epoch: datetime
    last_epoch: datetime

    def moved(self, original: datetime) -> datetime:
        """Where a moment of the source (a published burn time, say) lands after the shift."""
        return original + timedelta(days=self.days)


def shift_history(text: str, *, last_day: date) -> ShiftedHistory:
    """The 2-line history ``text`` with every epoch moved by the same whole number of days so that its last set
    falls on the UTC day ``last_day``. Lines other than TLE lines 1 and 2 are refused (the fixtures have none)."""
    lines = [line.rstrip("\n") for line in text.splitlines() if line.strip()]
    if len(lines) % 2 or not lines:
        raise ValueError("expected pairs of TLE lines")
    for i in range(0, len(lines), 2):
        if not (lines[i].startswith("1 ") and lines[i + 1].startswith("2 ")):
            raise ValueError(f"lines {i + 1}-{i + 2} are not a TLE line 1 and line 2")
        for line in lines[i:i + 2]:
            if len(line) != 69 or tle_checksum(line) != line[68]:
                raise ValueError(f"not a valid 69-character TLE line: {line!r}")
    epochs = [epoch_of(lines[i]) for i in range(0, len(lines), 2)]
    days = (last_day - max(epochs).date()).days
    out: list[str] = []
    for i in range(0, len(lines), 2):
        out += [shift_line1(lines[i], days), lines[i + 1]]
    return ShiftedHistory("\n".join(out) + "\n", days, min(epochs) + timedelta(days=days),
                          max(epochs) + timedelta(days=days))


def recent_iss_history(now: datetime) -> ShiftedHistory:
    """The real ISS history of February 2023 (the 2023-02-20 reboost) ending yesterday (UTC): all 139 sets fall
    within the maneuver API's 30-day look-back, none in the future."""
    return shift_history(ISS_2023_02.read_text(), last_day=(now.astimezone(UTC) - timedelta(days=1)).date())


if __name__ == "__main__":  # python -m tests.support.shifted_history > iss-recent.tle (see README: the console)
    import sys

    moved = recent_iss_history(datetime.now(UTC))
    sys.stdout.write(moved.text)
    print(f"the ISS element sets of 2023-02-05..2023-03-01, epochs moved by {moved.days} days: "
          f"{moved.first_epoch:%Y-%m-%d} to {moved.last_epoch:%Y-%m-%d}", file=sys.stderr)
