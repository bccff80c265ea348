"""The learned scorer behind method ``"ml"``: logistic regression over per-gap features, trained by
``scripts/maneuvers/train_model.py`` on generated histories, then calibrated (isotonic regression of the
score on held-out histories generated with other noise, drag and cadence), shipped as ``maneuver_model.json``
(about 2 kB; loads in well under a millisecond). The calibrated value is the reported ``probability`` for
every method (reliability table in the README); ``"ml"`` keeps a gap when it is at least ``ML_THRESHOLD``."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("maneuver_model.json")
ML_THRESHOLD = 0.5
FEATURES = ("log_z_a", "log_z_plane", "log_z_max", "log_dv", "n_min", "spread", "edge", "log_gap_h",
            "dv_agreement", "log_miss", "outliers_near", "log_dv_vs_neighbour")


def features(z_a: float, z_plane: float, dv_mps: float, n_left: int, n_right: int, spread: float, edge: bool,
             gap_s: float, sgp4_dv_mps: float, miss_km: float, outliers_near: int,
             neighbour_dv_mps: float) -> list[float]:
    """The feature vector of one candidate gap, in ``FEATURES`` order."""
    return [
        math.log1p(abs(z_a)), math.log1p(abs(z_plane)), math.log1p(max(abs(z_a), abs(z_plane))),
        math.log10(max(dv_mps, 1e-3)), float(min(n_left, n_right, 6)), min(spread, 10.0), float(edge),
        math.log10(max(gap_s / 3600.0, 0.1)),
        min(abs(math.log((sgp4_dv_mps + 0.02) / (dv_mps + 0.02))), 5.0),
        math.log10(max(miss_km, 1e-3)), float(min(outliers_near, 5)),
        max(math.log10(max(neighbour_dv_mps, 1e-3) / max(dv_mps, 1e-3)), 0.0),  # a larger burn close by
    ]


@lru_cache(maxsize=1)
def _weights() -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray, np.ndarray]:
    doc = json.loads(MODEL_PATH.read_text())
    if tuple(doc["features"]) != FEATURES:
        raise ValueError("maneuver_model.json was trained on other features: rerun scripts/maneuvers/train_model.py")
    calibration = doc.get("calibration", {"score": [0.0, 1.0], "probability": [0.0, 1.0]})
    return (np.asarray(doc["mean"], dtype=float), np.asarray(doc["scale"], dtype=float),
            np.asarray(doc["weights"], dtype=float), float(doc["bias"]),
            np.asarray(calibration["score"], dtype=float), np.asarray(calibration["probability"], dtype=float))


def score(x: Sequence[float]) -> float:
    """The logistic model's output, before calibration."""
    mean, scale, w, b, _, _ = _weights()
    s = float(((np.asarray(x, dtype=float) - mean) / scale) @ w + b)
    return 1.0 / (1.0 + math.exp(-max(min(s, 40.0), -40.0)))


def probability(x: Sequence[float]) -> float:
    """The calibrated probability that the gap holds a burn: the score mapped through the isotonic
    calibration fitted on held-out histories (linear between its steps)."""
    *_, knots, values = _weights()
    return float(np.interp(score(x), knots, values))


def save(path: Path, mean: np.ndarray, scale: np.ndarray, weights: np.ndarray, bias: float,
         meta: Mapping[str, object], calibration: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    doc: dict[str, object] = {
        "features": list(FEATURES), "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale], "weights": [round(float(v), 6) for v in weights],
        "bias": round(bias, 6), **meta}
    if calibration is not None:
        doc["calibration"] = {"score": [round(float(v), 5) for v in calibration[0]],
                              "probability": [round(float(v), 4) for v in calibration[1]]}
    if "bend_calibration" not in doc and MODEL_PATH.exists() and path == MODEL_PATH:  # kept through a retraining
        kept = json.loads(MODEL_PATH.read_text()).get("bend_calibration")
        if kept is not None:
            doc["bend_calibration"] = kept
    path.write_text(json.dumps(doc, indent=1) + "\n")
    _weights.cache_clear()
    _bend_table.cache_clear()


BEND_Z_REF = 8.0  # bends are scored as 1 − BEND_Z_REF/|z| (0 at the threshold, towards 1 for clear ones)


def bend_probability(z_bend: float) -> float:
    """The probability that an along-track bend of ``z_bend`` standard errors is a burn (method ``ml``'s second
    look, ``maneuvers._with_bends``): isotonic regression on held-out histories, as for the gaps
    (``train_model.py --bends``)."""
    knots, values = _bend_table()
    return float(np.interp(1.0 - BEND_Z_REF / max(abs(z_bend), BEND_Z_REF), knots, values))


@lru_cache(maxsize=1)
def _bend_table() -> tuple[np.ndarray, np.ndarray]:
    doc = json.loads(MODEL_PATH.read_text())
    if "bend_calibration" not in doc:
        raise ValueError("maneuver_model.json has no bend calibration: rerun scripts/maneuvers/train_model.py --bends")
    table = doc["bend_calibration"]
    return np.asarray(table["score"], dtype=float), np.asarray(table["probability"], dtype=float)
