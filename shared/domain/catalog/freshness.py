"""How fresh an element set is, and the one policy every answer computed from one applies.

SGP4 propagates a two-line element set away from its epoch with an error that grows with the age of the set:
for a satellite in low Earth orbit, mostly along-track, of roughly 1-3 km per day (drag, the unmodelled
part of it, dominates; more when the Sun is active), so a week-old set may put a pass a few seconds early or
late and a two-week-old one tens of kilometres off — more than a narrow antenna beam and enough to clip the
edges of a short pass. Operators refresh LEO sets at least daily; Groundlink therefore

* warns (``warn_age_days``, default 3 days: a few kilometres, seconds of timing) on every answer computed from
  an older set, and
* refuses bookings and contacts (``max_age_days``, default 14 days: tens of kilometres) of a satellite whose
  current set is older.

Deployments set both (``GROUNDLINK_TLE_WARN_AGE_DAYS``, ``GROUNDLINK_TLE_MAX_AGE_DAYS``); the local runtime's
demo catalogue, older than any sensible limit and impossible to refresh offline, relaxes the maximum
(``GROUNDLINK_TLE_DEMO_MAX_AGE_DAYS``) and every warning says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from shared.domain.errors import InvalidField

DEFAULT_WARN_AGE_DAYS = 3.0
DEFAULT_MAX_AGE_DAYS = 14.0
SECONDS_PER_DAY = 86_400.0


def _iso(dt: datetime) -> str:
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class FreshnessPolicy:
    """When an element set's age earns a warning, and beyond which age bookings are refused. ``demo``: the
    maximum is relaxed for a demo catalogue, and every warning says so."""

    warn_age_days: float = DEFAULT_WARN_AGE_DAYS
    max_age_days: float = DEFAULT_MAX_AGE_DAYS
    demo: bool = False

    def __post_init__(self) -> None:
        if not (0 < self.warn_age_days and 0 < self.max_age_days):
            raise ValueError("element-set age thresholds must be positive")

    @classmethod
    def configured(cls, warn_age_days: float, max_age_days: float,
                   demo_max_age_days: float | None = None) -> FreshnessPolicy:
        """The deployment's thresholds; a ``demo_max_age_days`` replaces the maximum and marks the relaxation."""
        if demo_max_age_days is not None:
            return cls(warn_age_days, demo_max_age_days, demo=True)
        return cls(warn_age_days, max_age_days)

    def of(self, epoch: datetime, now: datetime) -> Freshness:
        """The freshness of a set of ``epoch`` at ``now`` (a set from the future has a negative age)."""
        age_days = (now - epoch).total_seconds() / SECONDS_PER_DAY
        warning = None
        if age_days > self.warn_age_days:
            warning = (f"the element set's epoch {_iso(epoch)} is {age_days:.1f} days old (more than "
                       f"{self.warn_age_days:g} days): SGP4 predictions drift by roughly 1-3 km a day along-track "
                       f"in low Earth orbit; import a current element set")
            if age_days > self.max_age_days:
                warning += f"; bookings are refused beyond {self.max_age_days:g} days"
            if self.demo:
                warning += (f"; the booking limit is relaxed to {self.max_age_days:g} days for the demo "
                            f"catalogue")
        return Freshness(epoch=epoch, age_days=age_days, stale=warning is not None,
                         expired=age_days > self.max_age_days, warning=warning)

    def require_bookable(self, epoch: datetime, now: datetime, *, field: str, subject: str) -> Freshness:
        """The freshness of a set a booking relies on; ``InvalidField(field)`` naming the epoch and the limit
        when it is older than the maximum. ``subject`` names whose set it is ("satellite 25544")."""
        fresh = self.of(epoch, now)
        if fresh.expired:
            raise InvalidField(field, f"the current element set of {subject} has epoch {_iso(epoch)}, "
                                      f"{fresh.age_days:.1f} days old: older than the {self.max_age_days:g}-day "
                                      "limit for bookings; import a current element set first")
        return fresh


@dataclass(frozen=True)
class Freshness:
    """An element set's epoch and age (days, at the moment of the answer); ``stale`` when past the warning
    threshold (then ``warning`` says why), ``expired`` when past the booking limit."""

    epoch: datetime
    age_days: float
    stale: bool
    expired: bool
    warning: str | None

    @property
    def epoch_iso(self) -> str:
        return _iso(self.epoch)

    @property
    def age_days_rounded(self) -> float:
        return round(self.age_days, 3)


STRICT = FreshnessPolicy()
