"""A second, physically independent generator of element-set histories with known burns: FITTED element sets.

scenarios.py evolves mean elements with SGP4's own secular rates and adds noise per element, the family the
detector was tuned on. Here element sets are made the way a space-surveillance catalogue makes them:

1. **Truth**: Cowell integration (fixed-step RK4, 30 s) of every satellite at once as a (6, N) array of
   position (km) and velocity (km/s) in TEME (precession and nutation ignored): two-body + J2, J3, J4 zonal
   terms + drag in an atmosphere that turns with the Earth (exponential density by altitude band, times a
   solar-activity factor: a 27-day rotation and day-to-day variations of 20–40 %; ballistic coefficient per
   satellite). Burns are impulses added to the integrated velocity at their time step.
2. **Observations**: tracking passes of a few minutes (one position every 30 s, noise 50–300 m per axis and a
   small bias per pass), 4–9 passes a day, over the whole history.
3. **Element sets**: 1–3 a day, each an SGP4 element set (n, e, i, RAAN, argp, M, B*) fitted by
   Levenberg–Marquardt with finite-difference partials to the observations of a 1–2 day span ending at its
   epoch (the spans of consecutive sets overlap, as a catalogue's do; a span that straddles a burn gives what
   such a fit gives; one whose residuals are far above the sensors' noise is refitted to the latest passes,
   as a catalogue does after a burn). 3 % outlier sets: a fit to the few, badly biased observations of two or
   three passes, or a cross-tagged set (the observations were of a neighbouring object).

The returned :class:`Scenario` s are the same as scenarios.py's, so ``benchmark.py --generator fitted`` scores
them unchanged. ``checks`` (a list) receives one :class:`FitCheck` per set: what the fit says of itself and how
far the set is from the truth at its epoch."""

from __future__ import annotations

import math
import multiprocessing
from dataclasses import dataclass, field

import numpy as np
from groundlink_orbit import ElementSet, parse_tle
from sgp4.api import WGS72, Satrec, SatrecArray
from sgp4.exporter import export_tle

from scripts.maneuvers.scenarios import DAY, EPOCH0, Burn, Scenario, _make_burn

# The truth's Earth (EGM96-like zonal terms; SGP4's fit uses WGS72, as a catalogue does).
MU = 398600.4418  # km³/s²
RE = 6378.137  # km
J = {2: 1.08262668e-3, 3: -2.53265649e-6, 4: -1.61962159e-6}
FLATTENING = 1.0 / 298.257223563
OMEGA_EARTH = 7.292115e-5  # rad/s
MU72 = 398600.8  # km³/s², SGP4's WGS72
STEP_S = 30.0  # integration step, and the observations' spacing
MAX_DECAY_KM = 25.0  # drag lowers no orbit by more over its history (scenarios.py: 20 km at most)
EDIT_RMS = 3.0  # a fit's residual RMS over this many times the sensors' noise: its span is shortened
PRE_ROLL_DAYS = 2.0  # observations before the first set's epoch (its fit span)
_JD_1949 = 2433281.5
_JD_UNIX = 2440587.5
BSTAR_PER_BC = 0.15696615 / 2.0  # B* (1/Earth radii) per ballistic coefficient Cd·A/m (m²/kg)

# Exponential atmosphere (Vallado, table 8-4): base altitude km, density kg/m³ at it, scale height km.
_ATMOSPHERE = np.array(
    [
        (150, 2.070e-9, 22.523),
        (180, 5.464e-10, 29.740),
        (200, 2.789e-10, 37.105),
        (250, 7.248e-11, 45.546),
        (300, 2.418e-11, 53.628),
        (350, 9.518e-12, 53.298),
        (400, 3.725e-12, 58.515),
        (450, 1.585e-12, 60.828),
        (500, 6.967e-13, 63.822),
        (600, 1.454e-13, 71.835),
        (700, 3.614e-14, 88.667),
        (800, 1.170e-14, 124.64),
        (900, 5.245e-15, 181.05),
        (1000, 3.019e-15, 268.00),  # and above
    ]
)


@dataclass(frozen=True)
class FitCheck:
    """One fitted set judged against the truth: residual RMS per axis (m), position error at the epoch in the
    truth's radial / along-track / cross-track frame (m), observations used, LM iterations, whether the fit
    span (after any editing) held a burn, whether it is an outlier set, and whether its span was shortened."""

    norad_id: int
    epoch_unix: float
    span_start_unix: float
    rms_m: float
    error_rtn_m: tuple[float, float, float]
    n_obs: int
    iterations: int
    straddles: bool
    outlier: bool
    edited: bool = False  # the span was shortened (residuals far above the noise)

    @property
    def error_m(self) -> float:
        return math.hypot(*self.error_rtn_m)


@dataclass
class _Plan:
    """What is drawn for one satellite before the truth is integrated (times are integration steps)."""

    norad_id: int
    t_start: float  # unix s of step 0 (the pre-roll's start)
    window: tuple[float, float]
    state0: np.ndarray  # (6,) km, km/s at step 0
    ballistic_m2_kg: float
    solar: np.ndarray  # density factor per day since t_start (one more than the days)
    burns: list[Burn]
    burn_steps: list[int]
    epoch_steps: np.ndarray
    spans_days: np.ndarray
    outlier_kind: list[str]  # "" (none), "biased" or "crosstag", per epoch
    obs_steps: np.ndarray  # sorted steps of every observation
    obs_pass: np.ndarray  # the pass each observation belongs to
    obs_error_km: np.ndarray  # (M, 3) noise + the pass's bias
    sigma_km: float  # the observations' noise per axis (what the catalogue knows of its sensors)
    records: dict[int, int] = field(default_factory=dict)  # step -> row of the recorded truth


def fitted_scenarios(
    seed: int,
    count: int,
    *,
    days: float = 30.0,
    margin_days: float = 4.0,
    burn_rate: float = 1.3,
    outlier_rate: float = 0.03,
    kinds: tuple[str, ...] = ("sma", "inc"),
    burns_at: list[tuple[float, str, float]] | None = None,
    cadence: tuple[float, float] = (1.0, 3.0),
    altitude_km: tuple[float, float] = (350.0, 1400.0),
    checks: list[FitCheck] | None = None,
    maneuver_editing: bool = True,
    workers: int = 2,
) -> list[Scenario]:
    """``count`` histories (NORAD ids 90000 + k): ``days`` of window plus ``margin_days`` either side, sets
    fitted to simulated observations of an integrated truth. ``burns_at`` (days into the window, kind, Δv m/s)
    instead of random burns, as scenarios.generate; ``cadence`` bounds the sets a day; ``checks`` collects one
    :class:`FitCheck` per set; ``maneuver_editing`` False keeps every fit's whole span however badly a burn inside
    it breaks the fit (see :func:`_history`); ``workers`` processes fit the sets (the truth is integrated in
    one, all satellites at once)."""
    rng = np.random.default_rng(seed)
    plans = [
        _plan(rng, 90000 + k, days, margin_days, burn_rate, outlier_rate, kinds, burns_at, cadence, altitude_km)
        for k in range(count)
    ]
    n_steps = int(round((PRE_ROLL_DAYS + days + 2 * margin_days) * DAY / STEP_S))
    truth = _integrate(plans, n_steps)
    seeds = rng.integers(0, 2**63, count).tolist()  # each satellite's fits draw from their own stream
    jobs = [(seed_k, p, truth[k], maneuver_editing) for k, (seed_k, p) in enumerate(zip(seeds, plans, strict=True))]
    if workers > 1 and count > 1:  # the fits are independent per satellite: spread them over the cores
        with multiprocessing.get_context("fork").Pool(min(workers, count)) as pool:
            done = pool.starmap(_history, jobs, chunksize=max(1, count // (4 * workers)))
    else:
        done = [_history(*job) for job in jobs]
    if checks is not None:
        checks.extend(c for *_, ours in done for c in ours)
    return [
        Scenario(p.norad_id, [parse_tle(*lines) for lines in tles], p.burns, p.window, outliers)
        for p, (tles, outliers, _) in zip(plans, done, strict=True)
    ]


# --- what is drawn ------------------------------------------------------------------------------------------


def _plan(
    rng: np.random.Generator,
    norad: int,
    days: float,
    margin_days: float,
    burn_rate: float,
    outlier_rate: float,
    kinds: tuple[str, ...],
    burns_at: list[tuple[float, str, float]] | None,
    cadence: tuple[float, float],
    altitude_km: tuple[float, float],
) -> _Plan:
    """One satellite's orbit, drag, solar activity, burns, set epochs and tracking passes."""
    t0 = EPOCH0 + rng.uniform(0, 200) * DAY  # the history's first day, as scenarios.py
    t_start = t0 - PRE_ROLL_DAYS * DAY
    w0, w1 = t0 + margin_days * DAY, t0 + (margin_days + days) * DAY
    t_end = w1 + margin_days * DAY
    total_days = (t_end - t_start) / DAY
    a = RE + rng.uniform(*altitude_km)
    state0 = _cartesian(
        a,
        10 ** rng.uniform(-4, math.log10(3e-3)),
        math.radians(rng.uniform(15.0, 99.0)),
        *rng.uniform(0, 2 * math.pi, 3),
    )
    step = lambda t: int(round((t - t_start) / STEP_S))  # noqa: E731
    burns, burn_steps = _burns(rng, w0, w1, burn_rate, kinds, burns_at, t_start)
    epochs, spans, outliers = _epochs(rng, t0, t_end, cadence, outlier_rate)
    obs_steps, obs_pass, obs_error, sigma_km = _passes(rng, total_days)
    solar = _solar(rng, total_days)
    return _Plan(
        norad,
        t_start,
        (w0, w1),
        state0,
        _ballistic(rng, a, float(solar.mean()), total_days),
        solar,
        burns,
        burn_steps,
        np.array([step(t) for t in epochs], dtype=int),
        spans,
        outliers,
        obs_steps,
        obs_pass,
        obs_error,
        sigma_km,
    )


def _burns(
    rng: np.random.Generator,
    w0: float,
    w1: float,
    burn_rate: float,
    kinds: tuple[str, ...],
    burns_at: list[tuple[float, str, float]] | None,
    t_start: float,
) -> tuple[list[Burn], list[int]]:
    """Poisson burns (≥ 1 day apart, 15 % followed by a trim 0.4–0.7 day later), each on an integration step."""
    snap = lambda t: t_start + round((t - t_start) / STEP_S) * STEP_S  # noqa: E731
    burns: list[Burn] = []
    n_burns = rng.poisson(burn_rate) if burns_at is None else 0
    for tb in sorted(rng.uniform(w0, w1, n_burns).tolist()):
        if burns and tb - burns[-1].t_unix < 1.0 * DAY:
            continue
        burns.append(_make_burn(rng, snap(tb), kinds[rng.integers(len(kinds))]))
        if rng.random() < 0.15 and tb + 0.7 * DAY < w1:
            burns.append(_make_burn(rng, snap(tb + rng.uniform(0.4, 0.7) * DAY), "sma", dv=rng.uniform(0.25, 0.6)))
    for day, kind, dv in burns_at or []:
        burns.append(_make_burn(rng, snap(w0 + day * DAY), kind, dv=dv))
    burns.sort(key=lambda b: b.t_unix)
    return burns, [int(round((b.t_unix - t_start) / STEP_S)) for b in burns]


def _epochs(
    rng: np.random.Generator, t0: float, t_end: float, cadence: tuple[float, float], outlier_rate: float
) -> tuple[list[float], np.ndarray, list[str]]:
    """Set epochs 1–3 a day (jittered, 5 % missing), each set's fit span (days) and outlier kind."""
    per_day = rng.uniform(*cadence)
    epochs: list[float] = []
    t = t0 + rng.uniform(0, DAY / per_day)
    while t < t_end:
        if rng.random() > 0.05:
            epochs.append(t)
        t += DAY / per_day * rng.uniform(0.6, 1.4)
    span_lo = rng.uniform(1.0, 1.5)  # a catalogue's span for this object, varying a little set to set
    spans = span_lo + rng.uniform(0.0, 0.5, len(epochs))
    kinds = [("biased" if rng.random() < 0.5 else "crosstag") if rng.random() < outlier_rate else "" for _ in epochs]
    return epochs, spans, kinds


def _passes(rng: np.random.Generator, total_days: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Tracking passes over the whole history: 4–9 a day, 3–8 minutes each, a position every step with noise
    50–300 m per axis (this object's sensors) and a bias per pass of a third of it."""
    rate = rng.uniform(4.0, 9.0)
    sigma_km = rng.uniform(0.05, 0.3)
    n_steps = int(total_days * DAY / STEP_S)
    n_pass = rng.poisson(rate * total_days)
    starts = np.sort(rng.integers(0, n_steps - 20, n_pass))
    lengths = rng.integers(6, 17, n_pass)  # steps of 30 s
    steps = np.concatenate([s + np.arange(n) for s, n in zip(starts, lengths, strict=True)])
    which = np.repeat(np.arange(n_pass), lengths)
    bias = rng.normal(0, sigma_km / 3.0, (n_pass, 3))
    error = rng.normal(0, sigma_km, (len(steps), 3)) + bias[which]
    order = np.argsort(steps, kind="stable")
    return steps[order], which[order], error[order], sigma_km


def _ballistic(rng: np.random.Generator, a_km: float, solar_mean: float, total_days: float) -> float:
    """Cd·A/m (m²/kg), log-uniform 0.004–0.03, but at most what lowers the orbit by MAX_DECAY_KM over the history
    (a satellite that would decay faster is one its operators keep up, or one that has re-entered)."""
    per_rev_m = 2 * math.pi * float(density(np.array([a_km - RE]))[0]) * (a_km * 1e3) ** 2  # Δa per unit B
    revs = total_days * DAY / (2 * math.pi * math.sqrt(a_km**3 / MU))
    return min(
        10 ** rng.uniform(math.log10(0.004), math.log10(0.03)), MAX_DECAY_KM * 1e3 / (per_rev_m * revs * solar_mean)
    )


def _solar(rng: np.random.Generator, total_days: float) -> np.ndarray:
    """Density factor per day: the Sun's 27-day rotation (amplitude 10–50 %) times day-to-day variations
    (log-normal, 20–40 %), mean level 0.6–1.6."""
    d = np.arange(int(total_days) + 2)
    level = rng.uniform(0.6, 1.6)
    rotation = 1 + rng.uniform(0.1, 0.5) * np.sin(2 * np.pi * d / 27.0 + rng.uniform(0, 2 * np.pi))
    return level * rotation * np.exp(rng.normal(0, rng.uniform(0.2, 0.4), len(d)))


def _cartesian(a: float, e: float, i: float, raan: float, argp: float, m: float) -> np.ndarray:
    """Osculating Keplerian elements (km, rad) to a TEME state (km, km/s)."""
    ea = m
    for _ in range(8):
        ea = m + e * math.sin(ea)
    nu = math.atan2(math.sqrt(1 - e * e) * math.sin(ea), math.cos(ea) - e)
    p = a * (1 - e * e)
    r = p / (1 + e * math.cos(nu))
    r_pf = np.array([r * math.cos(nu), r * math.sin(nu), 0.0])
    v_pf = math.sqrt(MU / p) * np.array([-math.sin(nu), e + math.cos(nu), 0.0])
    rot = _rz(raan) @ _rx(i) @ _rz(argp)
    return np.concatenate([rot @ r_pf, rot @ v_pf])


def _rz(x: float) -> np.ndarray:
    c, s = math.cos(x), math.sin(x)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def _rx(x: float) -> np.ndarray:
    c, s = math.cos(x), math.sin(x)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


# --- the truth ------------------------------------------------------------------------------------------


def acceleration(pos: np.ndarray, vel: np.ndarray, drag_per_km: np.ndarray) -> np.ndarray:
    """(3, N) km/s² at positions and velocities (3, N) (km, km/s): point mass + J2–J4 zonal terms + drag in an
    atmosphere that turns with the Earth. The zonal terms are the gradient of −μ/r Σ J_n (R/r)^n P_n(sin φ),
    written as a = μ/r² (radial r̂ + polar ẑ) with radial and polar polynomials in s = sin φ = z/r (Horner in
    R/r: the integration is bound by numpy's per-call cost, not arithmetic). Drag is −``drag_per_km`` |v_rel|
    v_rel, with ``drag_per_km`` = ½ ρ Cd·A/m in 1/km (see :func:`drag_per_km`)."""
    ir2 = 1.0 / np.einsum("ij,ij->j", pos, pos)
    ir = np.sqrt(ir2)
    s = pos[2] * ir
    s2 = s * s
    q = RE * ir
    q2 = q * q
    u = 7.5 * s2 - 1.5
    st = s * (17.5 * s2 - 7.5)
    radial = (J[2] * u + q * (J[3] * st + q * (J[4] * ((39.375 * s2 - 26.25) * s2 + 1.875)))) * q2 - 1.0
    polar = (3.0 * J[2] * s + q * (J[3] * u + q * (J[4] * st))) * q2
    g = MU * ir2
    acc = (g * radial * ir) * pos
    acc[2] -= g * polar
    v_rel = vel.copy()
    v_rel[0] += OMEGA_EARTH * pos[1]
    v_rel[1] -= OMEGA_EARTH * pos[0]
    acc -= (drag_per_km * np.sqrt(np.einsum("ij,ij->j", v_rel, v_rel))) * v_rel
    return acc


def drag_per_km(state: np.ndarray, density_factor: np.ndarray, ballistic_m2_kg: np.ndarray) -> np.ndarray:
    """½ ρ Cd·A/m in 1/km for states (6, N): the exponential atmosphere at the height above the ellipsoid (near
    enough), times the solar-activity factor."""
    r = np.sqrt(state[0] ** 2 + state[1] ** 2 + state[2] ** 2)
    s = state[2] / r
    height = r - RE * (1 - FLATTENING * s * s)
    return 0.5e3 * density(height) * density_factor * ballistic_m2_kg  # ρ (kg/m³) B (m²/kg): 1/m, ×1000: 1/km


def density(height_km: np.ndarray) -> np.ndarray:
    """Exponential atmosphere, kg/m³, by altitude band."""
    k = np.clip(np.searchsorted(_ATMOSPHERE[:, 0], height_km, side="right") - 1, 0, len(_ATMOSPHERE) - 1)
    base, rho0, scale = _ATMOSPHERE[k].T
    return rho0 * np.exp(-(height_km - base) / scale)


def _rk4(y: np.ndarray, h: float, drag: np.ndarray) -> np.ndarray:
    """One classical Runge–Kutta step (h s) of states (6, N); the drag coefficient is held over the step (the
    density changes little in 30 s, and drag is a small force)."""
    r, v = y[:3], y[3:]
    a1 = acceleration(r, v, drag)
    v2 = v + 0.5 * h * a1
    a2 = acceleration(r + 0.5 * h * v, v2, drag)
    v3 = v + 0.5 * h * a2
    a3 = acceleration(r + 0.5 * h * v2, v3, drag)
    v4 = v + h * a3
    a4 = acceleration(r + h * v3, v4, drag)
    return np.concatenate([r + h / 6.0 * (v + 2 * (v2 + v3) + v4), v + h / 6.0 * (a1 + 2 * (a2 + a3) + a4)])


def _integrate(plans: list[_Plan], n_steps: int) -> list[np.ndarray]:
    """Integrate every satellite at once; return, per satellite, its state (km, km/s) at each step it needs
    (observations and epochs), rows in the order of ``plan.records``."""
    need = []
    for k, p in enumerate(plans):
        steps = np.unique(np.concatenate([p.obs_steps, p.epoch_steps]))
        steps = steps[(steps >= 0) & (steps <= n_steps)]
        p.records = {int(s): row for row, s in enumerate(steps)}
        need.append(np.column_stack([steps, np.full(len(steps), k), np.arange(len(steps))]))
    table = np.concatenate(need)
    table = table[np.argsort(table[:, 0], kind="stable")]
    starts = np.searchsorted(table[:, 0], np.arange(n_steps + 2)).tolist()
    out = [np.zeros((len(p.records), 6)) for p in plans]
    flat = np.zeros((len(table), 6))
    kicks: dict[int, list[tuple[int, Burn]]] = {}
    for k, p in enumerate(plans):
        for b, s in zip(p.burns, p.burn_steps, strict=True):
            kicks.setdefault(s, []).append((k, b))
    y = np.stack([p.state0 for p in plans], axis=1)  # (6, N)
    bc = np.array([p.ballistic_m2_kg for p in plans])
    solar = np.stack([p.solar for p in plans])
    for step in range(n_steps + 1):
        for k, b in kicks.get(step, []):
            y[3:, k] += _rtn_to_teme(y[:3, k], y[3:, k]) @ (np.array(b.dv_rtn_mps) / 1000.0)
        lo, hi = starts[step], starts[step + 1]
        if hi > lo:
            flat[lo:hi] = y[:, table[lo:hi, 1]].T
        if step == n_steps:
            break
        day = step * STEP_S / DAY
        d0 = int(day)
        factor = solar[:, d0] + (solar[:, d0 + 1] - solar[:, d0]) * (day - d0)
        y = _rk4(y, STEP_S, drag_per_km(y, factor, bc))
    for row, (_, k, r) in zip(flat, table, strict=True):
        out[k][r] = row
    return out


def _rtn_to_teme(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Columns: the radial, along-track (transverse) and orbit-normal unit vectors."""
    rh = r / np.linalg.norm(r)
    nh = np.cross(r, v)
    nh /= np.linalg.norm(nh)
    return np.column_stack([rh, np.cross(nh, rh), nh])


# --- the fits -------------------------------------------------------------------------------------------


def _history(
    seed: int, p: _Plan, truth: np.ndarray, maneuver_editing: bool
) -> tuple[list[tuple[str, str]], list[float], list[FitCheck]]:
    """Fit every set of one satellite, in epoch order (each starts B* from the previous fit). With
    ``maneuver_editing``, a fit whose residual RMS is over EDIT_RMS times the sensors' noise is refitted to the
    latest half, then quarter, of its span (what a catalogue does when a burn breaks the arc); without, every
    fit keeps its whole span. Returns the sets' TLE lines (plain text crosses the process boundary, a parsed set's
    Satrec does not), the outlier sets' epochs and each set's :class:`FitCheck`."""
    rng = np.random.default_rng(seed)
    checks: list[FitCheck] = []
    tles: list[tuple[str, str]] = []
    outliers: list[float] = []
    bstar = BSTAR_PER_BC * p.ballistic_m2_kg
    obs_t = p.t_start + p.obs_steps * STEP_S
    obs_truth = truth[[p.records[int(s)] for s in p.obs_steps]]
    obs_r = obs_truth[:, :3] + p.obs_error_km
    for step, span, kind in zip(p.epoch_steps.tolist(), p.spans_days.tolist(), p.outlier_kind, strict=True):
        epoch = p.t_start + step * STEP_S
        lo = epoch - span * DAY
        sel = np.flatnonzero((obs_t > lo) & (obs_t <= epoch))
        while len(sel) < 40 and lo > p.t_start:  # too few passes: a longer span
            lo -= 0.5 * DAY
            sel = np.flatnonzero((obs_t > lo) & (obs_t <= epoch))
        if len(sel) > 150:  # keep the fit fast: an even thinning
            sel = sel[np.linspace(0, len(sel) - 1, 150).round().astype(int)]
        t_fit, r_fit = obs_t[sel], obs_r[sel]
        if kind == "biased":
            t_fit, r_fit = _biased(rng, t_fit, r_fit, p.obs_pass[sel])
        elif kind == "crosstag":
            r_fit = _cross_tagged(rng, t_fit, obs_truth[sel], epoch) + p.obs_error_km[sel]
        x0 = _osculating_to_mean(truth[p.records[step]], epoch, p.norad_id, bstar)
        prior_km = 1.0 if kind == "biased" else 0.0  # few observations: lean on the B* carried over
        x, rms_km, iterations = _fit(t_fit, r_fit, x0, epoch, p.norad_id, bstar, prior_km)
        edited = False
        for part in (0.5, 0.25) if not kind and maneuver_editing else ():
            if rms_km < EDIT_RMS * p.sigma_km:
                break
            # residuals far above the sensors' noise: the catalogue suspects a maneuver and refits to the most
            # recent passes of the span (at least two), as orbit determination does after one
            keep = t_fit > epoch - part * (epoch - lo)
            if len(np.unique(p.obs_pass[sel][keep])) < 2:
                break
            lo = epoch - part * (epoch - lo)
            sel, t_fit, r_fit = sel[keep], t_fit[keep], r_fit[keep]
            x, rms_km, more = _fit(t_fit, r_fit, x0, epoch, p.norad_id, bstar, prior_km)
            iterations += more
            edited = True
        if not kind:
            bstar = float(np.clip(x[6], -0.05, 0.05))
        sat = _satrec(x, epoch, p.norad_id)
        sat.intldesg = "26001A"
        line1, line2 = export_tle(sat)
        es = parse_tle(line1, line2)
        tles.append((line1, line2))
        if kind:
            outliers.append(es.epoch_unix_s)
        state = truth[p.records[step]]
        checks.append(_check(p, es, (line1, line2), state, lo, rms_km, len(t_fit), iterations, bool(kind), edited))
    return tles, outliers, checks


def _biased(rng: np.random.Generator, t: np.ndarray, r: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The last two or three passes alone, each with a bias of 1–5 km in a random direction."""
    keep = np.unique(which)[-int(rng.integers(2, 4)) :]
    sel = np.isin(which, keep)
    r = r[sel].copy()
    for k in keep:
        d = rng.normal(size=3)
        r[which[sel] == k] += rng.uniform(1.0, 5.0) * d / np.linalg.norm(d)
    return t[sel], r


def _cross_tagged(rng: np.random.Generator, t: np.ndarray, states: np.ndarray, epoch: float) -> np.ndarray:
    """Positions of a neighbouring object: semi-major axis 0.5–3 km off (so drifting along track at the
    matching rate), 0.1–1° ahead or behind at the epoch, its plane tilted 0.005–0.03° about the node line."""
    r, v = states[:, :3], states[:, 3:]
    rn = np.linalg.norm(r, axis=1)
    da = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 3.0)
    n = np.sqrt(MU / rn**3)
    angle = math.radians(rng.uniform(-1.0, 1.0)) - 1.5 * n * da / rn * (t - epoch)
    h = np.cross(r, v)
    h /= np.linalg.norm(h, axis=1)[:, None]
    along = np.cross(h, r)
    moved = (r * np.cos(angle)[:, None] + along * np.sin(angle)[:, None]) * ((rn + da) / rn)[:, None]
    node = np.cross([0.0, 0.0, 1.0], h)
    node /= np.linalg.norm(node, axis=1)[:, None]
    tilt = math.radians(rng.choice([-1.0, 1.0]) * rng.uniform(0.005, 0.03))
    return _rotate(moved, node, tilt)


def _rotate(x: np.ndarray, axis: np.ndarray, angle: float) -> np.ndarray:
    """Rodrigues' rotation of each row of ``x`` about the matching unit ``axis``."""
    c, s = math.cos(angle), math.sin(angle)
    dot = np.einsum("ij,ij->i", axis, x)[:, None]
    return x * c + np.cross(axis, x) * s + axis * dot * (1 - c)


def _elements(state: np.ndarray) -> np.ndarray:
    """Osculating elements of a TEME state, in the fit's non-singular form: mean motion (rad/min, WGS72 μ),
    e·cos ω, e·sin ω, inclination, RAAN, mean argument of latitude ω + M (rad)."""
    r, v = state[:3], state[3:]
    rn = float(np.linalg.norm(r))
    h = np.cross(r, v)
    i = math.acos(h[2] / np.linalg.norm(h))
    raan = math.atan2(h[0], -h[1])
    e_vec = ((v @ v - MU72 / rn) * r - (r @ v) * v) / MU72
    a = 1.0 / (2.0 / rn - (v @ v) / MU72)
    p_hat = np.array([math.cos(raan), math.sin(raan), 0.0])
    q_hat = np.cross(h / np.linalg.norm(h), p_hat)
    ex, ey = float(e_vec @ p_hat), float(e_vec @ q_hat)
    e = math.hypot(ex, ey)
    argp = math.atan2(ey, ex)
    nu = math.atan2(r @ q_hat, r @ p_hat) - argp
    ea = math.atan2(math.sqrt(1 - e * e) * math.sin(nu), e + math.cos(nu))
    m = ea - e * math.sin(ea)
    return np.array([math.sqrt(MU72 / a**3) * 60.0, ex, ey, i, raan, argp + m])


def _satrec(x: np.ndarray, epoch_unix: float, norad: int) -> Satrec:
    """An SGP4 satellite of the fit's parameters (n rad/min, e·cos ω, e·sin ω, i, RAAN, ω + M, B*)."""
    n, ex, ey, i, raan, lam, bstar = (float(v) for v in x)
    e = min(max(math.hypot(ex, ey), 1e-7), 0.5)
    argp = math.atan2(ey, ex)
    sat = Satrec()
    sat.sgp4init(
        WGS72,
        "i",
        norad,
        epoch_unix / DAY + _JD_UNIX - _JD_1949,
        bstar,
        0.0,
        0.0,
        e,
        argp % (2 * math.pi),
        i,
        (lam - argp) % (2 * math.pi),
        n,
        raan % (2 * math.pi),
    )
    return sat  # ndot is left 0: SGP4 does not use it, B* carries the drag


def _osculating_to_mean(state: np.ndarray, epoch: float, norad: int, bstar: float) -> np.ndarray:
    """The fit's first guess (what an initial orbit determination gives): mean elements whose SGP4 state at
    the epoch has the osculating elements of ``state`` (a fixed-point iteration on the elements)."""
    target = _elements(state)
    x = np.append(target, bstar)
    jd, fr = _jd(np.array([epoch]))
    for _ in range(4):
        err, r, v = _satrec(x, epoch, norad).sgp4_array(jd, fr)
        if err[0]:
            break
        diff = target - _elements(np.concatenate([r[0], v[0]]))
        diff[3:] = (diff[3:] + math.pi) % (2 * math.pi) - math.pi
        x[:6] += diff
    return x


def _jd(t_unix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    days = t_unix / DAY
    whole = np.floor(days)
    return whole + _JD_UNIX, days - whole


_FD = np.array([1e-9, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6, 1e-5])  # finite-difference steps (~10 m of position)


def _fit(
    t: np.ndarray, r_obs: np.ndarray, x0: np.ndarray, epoch: float, norad: int, bstar_prior: float, prior_km: float
) -> tuple[np.ndarray, float, int]:
    """Levenberg–Marquardt differential correction of the 7 SGP4 parameters to observed positions (km), with
    forward-difference partials; B* is held near ``bstar_prior`` by a weak prior (a 1–2 day span says little
    of the drag of a high orbit). Returns the parameters, the residual RMS per axis (km) and the iterations."""
    jd, fr = _jd(t)
    sigma_bstar = max(abs(bstar_prior), 1e-4)
    weight = (prior_km or 0.05) * math.sqrt(len(t)) / sigma_bstar  # km per unit B*
    best: tuple[float, np.ndarray, np.ndarray, np.ndarray] | None = None  # cost, x, J, residual
    x, damping, iterations = x0.copy(), 1e-3, 0
    for iterations in range(1, 9):  # noqa: B007
        trial = np.vstack([x, x + np.diag(_FD)])
        err, pos, _ = SatrecArray([_satrec(v, epoch, norad) for v in trial]).sgp4(jd, fr)
        res = np.append((r_obs - pos[0]).ravel(), -weight * (x[6] - bstar_prior))
        cost = float(res @ res) if not err[0].any() else math.inf
        if best is not None and cost >= best[0]:  # rejected: more damping from the best point
            damping *= 10.0
        else:
            jac = np.vstack(
                [((pos[1:] - pos[0]) / _FD[:, None, None]).reshape(7, -1).T, np.append(np.zeros(6), weight)]
            )
            converged = best is not None and best[0] - cost < 1e-4 * cost
            best = (cost, x, jac, res)
            damping = max(damping / 10.0, 1e-7)
            if converged:
                break
        _, xb, jac, res = best
        a = jac.T @ jac
        step = np.linalg.solve(a + damping * np.diag(np.diag(a)), jac.T @ res)
        x = xb + step
    cost, x, _, res = best
    return x, math.sqrt(float(res[:-1] @ res[:-1]) / (len(res) - 1)), iterations


def _check(
    p: _Plan,
    es: ElementSet,
    lines: tuple[str, str],
    state: np.ndarray,
    span_start: float,
    rms_km: float,
    n_obs: int,
    iterations: int,
    outlier: bool,
    edited: bool,
) -> FitCheck:
    """The exported set propagated by SGP4 to its epoch against the truth there, in the truth's RTN frame."""
    sat = Satrec.twoline2rv(*lines, WGS72)
    jd, fr = _jd(np.array([es.epoch_unix_s]))
    _, r, _ = sat.sgp4_array(jd, fr)
    # the TLE's epoch is rounded to 1e-8 day; compare at the truth's own time, moved by the rounding
    truth_r = state[:3] + state[3:] * (
        es.epoch_unix_s - (p.t_start + round((es.epoch_unix_s - p.t_start) / STEP_S) * STEP_S)
    )
    err = _rtn_to_teme(state[:3], state[3:]).T @ (r[0] - truth_r) * 1000.0
    straddles = any(span_start < b.t_unix <= es.epoch_unix_s for b in p.burns)
    return FitCheck(
        p.norad_id,
        es.epoch_unix_s,
        span_start,
        rms_km * 1000.0,
        tuple(float(v) for v in err),
        n_obs,
        iterations,
        straddles,
        outlier,
        edited,
    )
