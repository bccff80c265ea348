"""The pass finder's micro-optimisations, each with the measurement that keeps it.

None of them changes a result: every function here returns exactly what its plain numpy
counterpart (named in its docstring) returns.  Figures are CPU times on the benchmark machine
(one core, numpy 2, glibc); the whole-run figures refer to 100 satellites × 10 stations × 7 days.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sgp4.api import Satrec  # type: ignore[import-untyped]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

_MMAP_THRESHOLD_B = 32 << 20  # glibc's own ceiling for its dynamic threshold
_TRIM_THRESHOLD_B = 64 << 20
_malloc_tuned = False


def tune_malloc() -> None:
    """Once per process (glibc only): keep numpy's freed work arrays in the heap.

    The pass finder makes thousands of 0.1–2 MB temporaries.  With glibc's defaults the heap top is
    trimmed back to the kernel whenever more than ~2× the last large block is free, so the next
    temporaries are fresh pages again: a page fault per 4 KB (~3 µs each here) made many single
    numpy operations 20–40× slower than their arithmetic (~15 ms of a 150 ms run).  Raising the mmap
    and trim thresholds keeps up to 64 MB of freed memory for reuse; peak memory is unchanged.  It is
    process-wide (every later allocation follows it); ``GROUNDLINK_ORBIT_MALLOPT=0`` opts out.
    """
    global _malloc_tuned
    if _malloc_tuned:
        return
    _malloc_tuned = True
    if not sys.platform.startswith("linux") or os.environ.get("GROUNDLINK_ORBIT_MALLOPT", "1") == "0":
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt  # absent outside glibc (musl): nothing to tune
        mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    except (OSError, AttributeError):
        return
    mallopt(-3, _MMAP_THRESHOLD_B)  # M_MMAP_THRESHOLD
    mallopt(-1, _TRIM_THRESHOLD_B)  # M_TRIM_THRESHOLD


def take_rows(a: FloatArray, index: IntArray) -> FloatArray:
    """``a[index]`` for a contiguous ``K×3`` array (``np.take`` is ~3× faster than fancy indexing)."""
    return np.take(a, index, axis=0)


def row_dot(a: FloatArray, b: FloatArray) -> FloatArray:
    """Row-wise dot product of ``…×3`` arrays (strided columns: ~2× faster than ``einsum``)."""
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]


def component_dot(a: FloatArray, b: FloatArray) -> FloatArray:
    """Dot product of component-major ``3×K`` arrays (~4× faster than ``einsum`` on ``K×3`` rows)."""
    dot: FloatArray = a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
    return dot


def select(condition: BoolArray, if_true: FloatArray, if_false: FloatArray) -> FloatArray:
    """``np.where(condition, if_true, if_false)`` for finite values, by 0/1 weights.

    ``x·1 + y·0`` is exactly ``x`` for finite ``x`` and ``y``; ``np.where`` was ~20× slower on the
    unpredictable masks of the Newton loops (branch mispredictions).
    """
    selected: FloatArray = if_true * condition + if_false * ~condition
    return selected


def truncate_to_index(values: FloatArray) -> IntArray:
    """``np.floor(values).astype(np.intp)`` for non-negative values (``//`` and ``floor`` of small
    quotients are ~30× slower than this truncation)."""
    return values.astype(np.intp)


def rotate_by_small_angle(cos_a: FloatArray, sin_a: FloatArray, angle: FloatArray) -> tuple[FloatArray, FloatArray]:
    """cos and sin of ``a + angle`` from those of ``a``, for ``|angle| < 0.05`` rad.

    Angle addition with Taylor series exact to < 1e-17 at 0.05 rad (``np.cos``/``np.sin`` cost
    ~15 ns per item; this is a few plain products).
    """
    d2 = angle * angle
    sin_d = angle * (1.0 - d2 * (1.0 / 6.0) * (1.0 - d2 * (1.0 / 20.0) * (1.0 - d2 * (1.0 / 42.0))))
    cos_d = 1.0 - d2 * 0.5 * (1.0 - d2 * (1.0 / 12.0) * (1.0 - d2 * (1.0 / 30.0) * (1.0 - d2 * (1.0 / 56.0))))
    return cos_a * cos_d - sin_a * sin_d, sin_a * cos_d + cos_a * sin_d


def stable_argsort(key: FloatArray) -> IntArray:
    """``np.argsort(key, kind="stable")`` via the fast unstable (SIMD) sort; equal keys keep input order."""
    order = np.argsort(key)
    ordered = key[order]
    tie = np.zeros(ordered.size, bool)
    equal_next = ordered[1:] == ordered[:-1]
    tie[1:] |= equal_next
    tie[:-1] |= equal_next
    if tie.any():
        tied = np.flatnonzero(tie)
        run = np.cumsum(np.r_[True, ~equal_next])[tied]  # run id of each tied position
        order[tied] = order[tied][np.lexsort((order[tied], run))]
    return order


def lexsort_by_group_time_flag(
    group: IntArray, t: FloatArray, flag: BoolArray, window: tuple[float, float]
) -> IntArray:
    """``np.lexsort((flag, t, group))`` for times ``t`` inside ``window`` (start, end).

    One (SIMD) argsort of the composite float key ``group·(end − start + 10) + (t − start)``,
    verified exactly; ``np.lexsort`` (three stable passes, ~10× slower) only if the key's rounding
    misordered something.
    """
    start, end = window
    order = np.argsort(group * (end - start + 10.0) + (t - start))
    g, tt, f = group[order], t[order], flag[order]
    same_group = g[1:] == g[:-1]
    ordered = (
        (g[1:] > g[:-1]) | (same_group & (tt[1:] > tt[:-1])) | (same_group & (tt[1:] == tt[:-1]) & (f[1:] >= f[:-1]))
    )
    return order if ordered.all() else np.lexsort((flag, t, group))


_SGP4_INTO_BUFFERS = hasattr(Satrec, "_sgp4")  # the C method behind sgp4_array (sgp4 2.x)


def sgp4_grouped(
    satrecs: Sequence[Satrec], sats: IntArray, julian_date: tuple[FloatArray, FloatArray]
) -> tuple[npt.NDArray[np.uint8], FloatArray, FloatArray]:
    """Error codes, TEME r and v of ``satrecs[sats[k]]`` at ``julian_date[k]`` (``sats`` grouped):
    ``Satrec.sgp4_array`` per satellite, written into one set of buffers.

    The one place sgp4's private API is used: ``Satrec._sgp4`` is the C method that the public
    ``sgp4_array`` calls after allocating three result arrays; called directly it writes into our
    buffers, without the temporaries and the copy.  The polish makes ~400 such calls per
    100 × 10 × 7-day run (~210 items each).  Measured on that run (2026-12-02, one process, the two
    calls alternating, 40 runs each, CPU time of the whole ``find_passes``; shared machine at load
    ~15): public call min 178.3 / median 198.4 ms, this call 175.2 / 192.6 ms — the public call
    costs 3 ms at the minimum and 6 ms (3 %) at the median, more than ``make bench`` may lose.
    Falls back to the public call if an sgp4 release drops the method.
    """
    jd, fr = julian_date
    count = len(sats)
    r = np.empty((count, 3))
    v = np.empty((count, 3))
    err = np.empty(count, dtype=np.uint8)
    cuts = (np.flatnonzero(sats[1:] != sats[:-1]) + 1).tolist()
    for a, b in zip([0, *cuts], [*cuts, count], strict=True):
        if _SGP4_INTO_BUFFERS:
            satrecs[sats[a]]._sgp4(jd[a:b], fr[a:b], err[a:b], r[a:b], v[a:b])
        else:
            err[a:b], r[a:b], v[a:b] = satrecs[sats[a]].sgp4_array(jd[a:b], fr[a:b])
    return err, r, v
