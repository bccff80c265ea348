"""The largest pass analysis accepted: the API's own limits, checked before anything is recorded or started.

Work is split into chunks that each fit a worker's memory (``shared.domain.jobs.chunks``), so the bound of a
request is not a memory budget but the service's stated limits: at most ``MAX_SATELLITES`` satellites, any
polygon (decomposed into at most ``coverage.MAX_POINTS`` ground points), a window of at most
``MAX_WINDOW_DAYS`` days, a time resolution of at least ``MIN_TIME_RESOLUTION_S`` second. The largest such
request — 100 satellites × 400 points × 7 days — is about 34 chunks.
"""

from __future__ import annotations

from datetime import datetime

from shared.domain.errors import InvalidField

MAX_SATELLITES = 100
MAX_WINDOW_DAYS = 7
MIN_TIME_RESOLUTION_S = 1
BOUND_CODE = "REQUEST-BOUND-EXCEEDED"


def check_request_bounds(satellites: int, start: datetime, end: datetime, time_resolution_s: int) -> None:
    """``InvalidField`` naming the bound a pass analysis request exceeds (code ``REQUEST-BOUND-EXCEEDED``)."""
    if satellites > MAX_SATELLITES:
        raise InvalidField("norad_ids", f"at most {MAX_SATELLITES} satellites are analysed per request "
                                        f"({satellites} asked)", code=BOUND_CODE)
    days = (end - start).total_seconds() / 86400
    if days > MAX_WINDOW_DAYS:
        raise InvalidField("date", f"the analysis window may span at most {MAX_WINDOW_DAYS} days "
                                   f"({days:g} asked)", code=BOUND_CODE)
    if time_resolution_s < MIN_TIME_RESOLUTION_S:
        raise InvalidField("time_resolution", f"must be at least {MIN_TIME_RESOLUTION_S} second "
                                              f"({time_resolution_s} asked)", code=BOUND_CODE)
