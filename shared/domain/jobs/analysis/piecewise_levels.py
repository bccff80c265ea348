"""All the steps of one series measured at once: a joint piecewise fit over every good set of the history.

Once the change points are chosen, the series is fitted as one level per segment (the sets between two
consecutive change points) plus one smooth function of time shared by all segments — the drag that is left
after detrending and the slow wander of the fits — by Huber-weighted least squares. The smooth function is a
uniform cubic B-spline whose knot spacing is chosen per history (Bayesian information criterion over
``KNOT_DAYS``): a quiet history gets a near-cubic curve, one that wanders over a few days a spline that follows
it. Each step is then the difference of two segment levels: every set between two burns informs both steps,
not only the few either side of each gap, and the drag is one curve, not a slope re-estimated per gap."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

KNOT_DAYS = (16.0, 8.0, 5.0, 3.5, 2.5)  # spline knot spacings tried, days
HUBER_C = 2.0  # residuals beyond this many noise units weigh less
_DAY = 86400.0


@dataclass(frozen=True)
class JointFit:
    """The fit of one series: segment levels, the spline and its knot spacing."""

    levels: np.ndarray  # one per segment (the smooth curve is added to it)
    coef: np.ndarray  # spline coefficients
    t0: float  # unix s: the spline's origin
    knot_s: float  # knot spacing, s
    n_basis: int

    def smooth(self, t: float | np.ndarray) -> np.ndarray:
        return np.asarray(_basis(np.atleast_1d(np.asarray(t, dtype=float)), self.t0, self.knot_s, self.n_basis)
                          @ self.coef)

    def step(self, k: int, t: float) -> tuple[float, float, float]:
        """The levels before and after change point ``k`` at time ``t`` and the smooth curve's slope there
        (per day): the (before, after, slope) triple of ``level_shifts.Gap.levels``."""
        here = float(self.smooth(t)[0])
        slope = float(self.smooth(t + 1800.0)[0] - self.smooth(t - 1800.0)[0]) / 3600.0 * _DAY
        return float(self.levels[k]) + here, float(self.levels[k + 1]) + here, slope


def _bspline3(x: np.ndarray) -> np.ndarray:
    """The uniform cubic B-spline on [0, 4)."""
    out = np.zeros_like(x)
    pieces: tuple[tuple[int, Callable[[np.ndarray], np.ndarray]], ...] = (
        (0, lambda u: u**3), (1, lambda u: -3 * u**3 + 12 * u**2 - 12 * u + 4),
        (2, lambda u: 3 * u**3 - 24 * u**2 + 60 * u - 44), (3, lambda u: (4 - u) ** 3))
    for lo, poly in pieces:
        inside = (x >= lo) & (x < lo + 1)
        out[inside] = poly(x[inside]) / 6.0
    return out


def _basis(t: np.ndarray, t0: float, knot_s: float, n_basis: int) -> np.ndarray:
    u = (t - t0) / knot_s
    return np.stack([_bspline3(u - j + 3) for j in range(n_basis)], axis=1)


def _huber_fit(design: np.ndarray, y: np.ndarray, scale: float) -> tuple[np.ndarray, float]:
    """Huber IRLS; the coefficients and the Huber loss (in squared noise units) at them."""
    w = np.ones(len(y))
    coef = np.zeros(design.shape[1])
    for _ in range(12):
        sw = np.sqrt(w)
        coef, *_ = np.linalg.lstsq(design * sw[:, None], y * sw, rcond=None)
        r = np.abs(y - design @ coef) / scale
        w_new = np.minimum(1.0, HUBER_C / np.maximum(r, 1e-12))
        if np.allclose(w_new, w, atol=1e-4):
            break
        w = w_new
    r = np.abs(y - design @ coef) / scale
    loss = float(np.sum(np.where(r <= HUBER_C, r**2, 2 * HUBER_C * r - HUBER_C**2)))
    return coef, loss


def _separable(design: np.ndarray) -> bool:
    """The levels and the spline can be told apart: the design has full rank, well conditioned (a short segment
    at the history's edge, under spline pieces that only its sets hold, cannot)."""
    cols = design / np.maximum(np.linalg.norm(design, axis=0), 1e-12)
    sv = np.linalg.svd(cols, compute_uv=False)
    return bool(len(sv) == design.shape[1] and sv[-1] > MIN_CONDITION * sv[0])


MIN_CONDITION = 1e-7  # smallest singular value of the column-normalised design, relative to the largest


def joint_fit(t: np.ndarray, x: np.ndarray, rows: np.ndarray, cuts: Sequence[int], scale: float) -> JointFit | None:
    """The joint fit of ``x`` over the sets ``rows`` (indices, time order) with change points after the row
    positions ``cuts``; ``scale`` is the set-to-set noise (Huber's residual scale). None when not even the
    stiffest spline can be told from the segment levels."""
    tr, y = t[rows], x[rows]
    seg = np.searchsorted(np.asarray(sorted(cuts)), np.arange(len(rows)), side="left")
    n_seg = len(cuts) + 1
    indicator = np.zeros((len(rows), n_seg))
    indicator[np.arange(len(rows)), seg] = 1.0
    n = len(rows)
    best: tuple[float, JointFit] | None = None
    span = float(tr[-1] - tr[0]) if n else 0.0
    for days in KNOT_DAYS:
        knot_s = days * _DAY
        n_basis = int(math.ceil(span / knot_s)) + 3
        if n_seg + n_basis - 1 > n - 3:
            break  # more parameters than the sets can carry
        spline = _basis(tr, float(tr[0]), knot_s, n_basis)
        # the B-splines sum to one, like the segment indicators: the last spline column is left out so the levels
        # carry the constant
        design = np.concatenate([indicator, spline[:, :-1]], axis=1)
        if not _separable(design):
            break  # finer splines only less so
        coef, loss = _huber_fit(design, y, max(scale, 1e-12))
        k = design.shape[1]
        bic = n * math.log(max(loss, 1e-9) / n) + k * math.log(n)
        fit = JointFit(coef[:n_seg], np.concatenate([coef[n_seg:], [0.0]]), float(tr[0]), knot_s, n_basis)
        if best is None or bic < best[0]:
            best = (bic, fit)
    return best[1] if best is not None else None
