"""Running method ``ml`` on a generated history as the benchmark scores it."""

from scripts.maneuvers.scenarios import Scenario
from shared.domain.jobs.analysis.maneuvers import Candidate, learned


def learned_in_window(sc: Scenario) -> list[Candidate]:
    """What method ``ml`` keeps of ``sc``, timed inside its window (the sets either side only judge its edges)."""
    return [c for c in learned(sc.sets, within=sc.window) if sc.window[0] <= c.time_unix < sc.window[1]]
