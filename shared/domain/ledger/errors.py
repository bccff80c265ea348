"""The ledger's own refusals."""

from __future__ import annotations

from shared.domain.errors import Conflict
from shared.domain.ledger.models import Window
from shared.timefmt import iso_ms


class SlotTaken(Conflict):
    """A requested window overlaps another reservation of the same station."""

    def __init__(self, window: Window, taken: Window) -> None:
        super().__init__(
            f"ground station {window.gs_id} is already reserved from {iso_ms(taken.start)} to {iso_ms(taken.end)}, "
            f"overlapping the requested {iso_ms(window.start)}–{iso_ms(window.end)}"
        )
        self.window, self.taken = window, taken


def check_windows(windows: list[Window], max_window_s: float) -> None:
    """The ledger's own rules on a reservation's windows, whichever API asks: at least one, each bounded and
    ordered, none overlapping another of the same reservation at one station."""
    from shared.domain.errors import InvalidRequest

    if not windows:
        raise InvalidRequest("a reservation needs at least one window")
    by_station: dict[str, list[Window]] = {}
    for w in windows:
        if not w.start < w.end or (w.end - w.start).total_seconds() > max_window_s:
            raise InvalidRequest(f"window {iso_ms(w.start)}–{iso_ms(w.end)} must have end after start and last at "
                                 f"most {max_window_s / 3600:g} hours")
        by_station.setdefault(w.gs_id, []).append(w)
    for gs, ws in by_station.items():
        ws.sort(key=lambda w: w.start)
        for a, b in zip(ws, ws[1:], strict=False):
            if b.start < a.end:
                raise InvalidRequest(f"windows of one reservation overlap each other at ground station {gs}")
