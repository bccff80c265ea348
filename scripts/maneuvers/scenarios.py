"""Synthetic element-set histories with known burns, for training and benchmarking maneuver detection.

Each satellite's mean elements evolve with SGP4's own secular rates (J2/J4 RAAN, perigee and mean-anomaly
drift read from an initialised ``Satrec``) and a drag decay of the semi-major axis that follows a 27-day
solar cycle (quadratic along-track lag included). Impulsive burns change the mean elements through Gauss's
variational equations (near-circular form). Element sets are drawn 1–3 a day with TLE-like noise
(semi-major axis, inclination, RAAN, eccentricity vector, along-track phase; heavy-tailed for a third of the
sets; a slow wander of the fitted semi-major axis), 3 % outlier sets, and, after 30 % of the burns, a first
set within 0.3 day that straddles the burn (its semi-major axis part-way or past the new level). The
history spans the 30-day window plus margins either side (what a store holds around a requested window)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from groundlink_orbit import ElementSet, parse_tle
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_tle

MU = 398600.4418
RE = 6378.137
DAY = 86400.0
EPOCH0 = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
_JD_1949 = 2433281.5


@dataclass(frozen=True)
class Burn:
    t_unix: float
    kind: str  # "sma" in-plane, "inc" plane change
    dv_mps: float
    dv_rtn_mps: tuple[float, float, float]


@dataclass
class Scenario:
    norad_id: int
    sets: list[ElementSet]
    burns: list[Burn]
    window: tuple[float, float]  # unix seconds: [start, end)
    outliers: list[float] = field(default_factory=list)  # epochs of the outlier sets


@dataclass
class _State:
    a: float
    e: float
    i: float
    raan: float
    argp: float
    m: float


def _satrec(st: _State, t_unix: float, norad: int, bstar: float = 0.0, ndot: float = 0.0) -> Satrec:
    sat = Satrec()
    n = math.sqrt(MU / st.a**3) * 60.0  # rad/min
    sat.sgp4init(WGS72, "i", norad, t_unix / DAY + 2440587.5 - _JD_1949, bstar, ndot, 0.0, max(st.e, 1e-7),
                 st.argp % (2 * math.pi), st.i, st.m % (2 * math.pi), n, st.raan % (2 * math.pi))
    return sat


def _burn(st: _State, dv_rtn_kmps: np.ndarray) -> None:
    """Gauss's variational equations (near-circular) for an impulse at the current argument of latitude."""
    dr, dt, dn = (float(x) for x in dv_rtn_kmps)
    v = math.sqrt(MU / st.a)
    u = st.argp + st.m
    ex, ey = st.e * math.cos(st.argp), st.e * math.sin(st.argp)
    st.a += 2 * st.a * dt / v
    ex += (math.sin(u) * dr + 2 * math.cos(u) * dt) / v
    ey += (-math.cos(u) * dr + 2 * math.sin(u) * dt) / v
    di = math.cos(u) * dn / v
    draan = math.sin(u) * dn / (v * math.sin(st.i))
    lam = u - math.cos(st.i) * draan - 2 * dr / v
    st.i += di
    st.raan += draan
    st.e = max(math.hypot(ex, ey), 1e-7)
    st.argp = math.atan2(ey, ex)
    st.m = lam - st.argp


def _tle(st: _State, t_unix: float, norad: int, ndot_rev_day2: float) -> ElementSet:
    sat = _satrec(st, t_unix, norad, 0.0, ndot_rev_day2 * 2 * math.pi / 1440.0**2)
    sat.intldesg = "26001A"
    line1, line2 = export_tle(sat)
    return parse_tle(line1, line2)


def generate(rng: np.random.Generator, norad_id: int, *, days: float = 30.0, margin_days: float = 4.0,
             burn_rate: float = 1.3, outlier_rate: float = 0.03,
             kinds: tuple[str, ...] = ("sma", "inc"),
             burns_at: list[tuple[float, str, float]] | None = None,
             noise: float = 1.0, drag: float = 1.0, cadence: tuple[float, float] = (1.0, 3.0)) -> Scenario:
    """One satellite's history: ``days`` of window plus ``margin_days`` either side; ``burns_at`` (days into
    the window, kind, Δv m/s) instead of random burns; ``noise`` and ``drag`` scale the fits' noise and the
    decay, ``cadence`` bounds the sets a day (validation and benchmark histories vary them)."""
    alt = rng.uniform(350.0, 1400.0)
    st = _State(a=RE + alt, e=10 ** rng.uniform(-4, -2.5), i=math.radians(rng.uniform(15.0, 99.0)),
                raan=rng.uniform(0, 2 * math.pi), argp=rng.uniform(0, 2 * math.pi), m=rng.uniform(0, 2 * math.pi))
    decay0 = -drag * rng.uniform(0.3, 2.5) * 0.12 * math.exp(-(alt - 400.0) / 90.0)  # km/day
    solar = (rng.uniform(0.1, 0.5), rng.uniform(0, 2 * math.pi))  # drag follows the Sun's 27-day rotation
    sig_a = noise * rng.uniform(0.005, 0.03)  # km
    sig_i = noise * math.radians(rng.uniform(0.0004, 0.0015))
    sig_raan = noise * math.radians(rng.uniform(0.0005, 0.002))
    sig_e = noise * rng.uniform(3e-6, 1.5e-5)
    sig_s = noise * rng.uniform(0.1, 0.8)  # km along track
    t0 = EPOCH0 + rng.uniform(0, 200) * DAY
    w0, w1 = t0 + margin_days * DAY, t0 + (margin_days + days) * DAY
    t_end = w1 + margin_days * DAY
    per_day = rng.uniform(*cadence)
    epochs: list[float] = []
    t = t0 + rng.uniform(0, DAY / per_day)
    while t < t_end:
        if rng.random() > 0.05:  # an occasional missing set
            epochs.append(t)
        t += DAY / per_day * rng.uniform(0.6, 1.4)
    burns: list[Burn] = []
    n_burns = rng.poisson(burn_rate) if burns_at is None else 0
    times = sorted(rng.uniform(w0, w1, n_burns).tolist())
    for tb in times:
        if burns and tb - burns[-1].t_unix < 1.0 * DAY:
            continue
        kind = kinds[rng.integers(len(kinds))]
        burns.append(_make_burn(rng, tb, kind))
        if rng.random() < 0.15 and tb + 0.7 * DAY < w1:  # a small trim burn half a day later
            burns.append(_make_burn(rng, tb + rng.uniform(0.4, 0.7) * DAY, "sma", dv=rng.uniform(0.25, 0.6)))
    for day, kind, dv in burns_at or []:
        burns.append(_make_burn(rng, w0 + day * DAY, kind, dv=dv))
    events = sorted([(e, "set") for e in epochs] + [(b.t_unix, "burn") for b in burns]
                    + [(x, "step") for x in np.arange(t0, t_end, 0.25 * DAY).tolist()])
    sets: list[ElementSet] = []
    outliers: list[float] = []
    now = t0
    burn_iter = iter(burns)
    settling: tuple[float, float] | None = None
    wander_days, wander_phase = rng.uniform(5.0, 20.0), rng.uniform(0, 2 * math.pi)
    for te, what in events:
        dt = te - now
        if dt > 0:
            decay = decay0 * (1 + solar[0] * math.sin(2 * math.pi * (now - t0) / (27 * DAY) + solar[1]))
            sat = _satrec(st, now, norad_id)
            n0 = math.sqrt(MU / st.a**3)
            a1 = st.a + decay * dt / DAY
            n1 = math.sqrt(MU / a1**3)
            st.m += sat.mdot / 60.0 * dt + 0.5 * (n1 - n0) * dt
            st.raan += sat.nodedot / 60.0 * dt
            st.argp += sat.argpdot / 60.0 * dt
            st.a = a1
            now = te
        if what == "burn":
            b = next(burn_iter)
            a_before = st.a
            _burn(st, np.array(b.dv_rtn_mps) / 1000.0)
            settling = (te, st.a - a_before) if rng.random() < 0.3 else None
        elif what == "set":
            heavy = math.sqrt(3.0 / rng.chisquare(3.0)) if rng.random() < 0.3 else 1.0  # heavy-tailed fits
            wander = 2.0 * sig_a * math.sin(2 * math.pi * (te - t0) / (wander_days * DAY) + wander_phase)
            ref = _State(st.a, st.e, st.i, st.raan, st.argp, st.m)
            if settling is not None and te - settling[0] < 0.3 * DAY:  # a fit straddling the burn
                ref.a -= settling[1] * rng.uniform(-0.3, 0.6)
            noisy = _State(ref.a + wander + heavy * rng.normal(0, sig_a), st.e, st.i + heavy * rng.normal(0, sig_i),
                           st.raan + heavy * rng.normal(0, sig_raan), st.argp, st.m)
            settling = None
            ex = st.e * math.cos(st.argp) + rng.normal(0, sig_e)
            ey = st.e * math.sin(st.argp) + rng.normal(0, sig_e)
            lam = st.argp + st.m + heavy * rng.normal(0, sig_s / st.a)
            if rng.random() < outlier_rate:
                outliers.append(te)
                _corrupt(rng, noisy, sig_a, sig_i)
                lam += rng.normal(0, 20.0 / st.a)
            noisy.e = max(math.hypot(ex, ey), 1e-7)
            noisy.argp = math.atan2(ey, ex)
            noisy.m = lam - noisy.argp
            ndot = -1.5 * math.sqrt(MU / st.a**3) * 86400 / (2 * math.pi) * decay0 / st.a / 2  # rev/day²/2
            sets.append(_tle(noisy, te, norad_id, ndot))
    return Scenario(norad_id, sets, burns, (w0, w1), outliers)


def _corrupt(rng: np.random.Generator, st: _State, sig_a: float, sig_i: float) -> None:
    what = rng.integers(3)
    if what == 0:
        st.a += rng.choice([-1, 1]) * rng.uniform(0.3, 3.0)
    elif what == 1:
        st.i += rng.choice([-1, 1]) * math.radians(rng.uniform(0.01, 0.05))
    else:
        st.a += rng.choice([-1, 1]) * rng.uniform(0.2, 2.0)
        st.i += rng.choice([-1, 1]) * math.radians(rng.uniform(0.005, 0.03))
        st.raan += rng.choice([-1, 1]) * math.radians(rng.uniform(0.005, 0.03))


def _make_burn(rng: np.random.Generator, tb: float, kind: str, dv: float | None = None) -> Burn:
    if kind == "sma":
        dv = dv if dv is not None else 10 ** rng.uniform(math.log10(0.05), 1.0)
        phi = math.radians(rng.uniform(-10, 10))
        sign = 1.0 if rng.random() < 0.7 else -1.0
        rtn = (dv * math.sin(phi), sign * dv * math.cos(phi), 0.0)
    else:
        dv = dv if dv is not None else 10 ** rng.uniform(math.log10(0.3), 1.0)
        rtn = (0.0, 0.0, float(rng.choice([-1.0, 1.0])) * dv)
    return Burn(tb, kind, float(dv), rtn)


def scenarios(seed: int, count: int, **kwargs: object) -> list[Scenario]:
    rng = np.random.default_rng(seed)
    return [generate(rng, 90000 + k, **kwargs) for k in range(count)]  # type: ignore[arg-type]
