"""The learned scorer behind method ``"ml"``: logistic regression over per-gap features, trained by
``scripts/maneuvers/train_model.py`` on generated histories and shipped as ``maneuver_model.json`` (a few
hundred bytes; loads in well under a millisecond). Its output is the reported ``probability`` (calibrated on
held-out histories: reliability table in the README) for every method; ``"ml"`` keeps a gap when it is at least
``ML_THRESHOLD``."""

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
def _weights() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    doc = json.loads(MODEL_PATH.read_text())
    if tuple(doc["features"]) != FEATURES:
        raise ValueError("maneuver_model.json was trained on other features: rerun scripts/maneuvers/train_model.py")
    return (np.asarray(doc["mean"], dtype=float), np.asarray(doc["scale"], dtype=float),
            np.asarray(doc["weights"], dtype=float), float(doc["bias"]))


def probability(x: Sequence[float]) -> float:
    mean, scale, w, b = _weights()
    s = float(((np.asarray(x, dtype=float) - mean) / scale) @ w + b)
    return 1.0 / (1.0 + math.exp(-max(min(s, 40.0), -40.0)))


def save(path: Path, mean: np.ndarray, scale: np.ndarray, weights: np.ndarray, bias: float,
         meta: Mapping[str, object]) -> None:
    doc = {"features": list(FEATURES), "mean": [round(float(v), 6) for v in mean],
           "scale": [round(float(v), 6) for v in scale], "weights": [round(float(v), 6) for v in weights],
           "bias": round(bias, 6), **meta}
    path.write_text(json.dumps(doc, indent=1) + "\n")
    _weights.cache_clear()
