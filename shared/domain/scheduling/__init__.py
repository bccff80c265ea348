"""Pass prediction for scheduling: pass windows (``windows``, pure Python) and the orbit-core predictor
(``passes``, numpy + sgp4: imported only where orbits are propagated)."""

from shared.domain.scheduling.windows import EDGE_TOLERANCE_S, PassWindow, containing_pass, free_intervals

__all__ = ["EDGE_TOLERANCE_S", "PassWindow", "containing_pass", "free_intervals"]
