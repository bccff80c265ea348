"""A flown contact as the broker's result (``POST /stations/v1/contacts/{bookingId}/result``): the outcome and
its reason, the antenna metrics (seed 000 ``Metric``: commanded and reported azimuth/elevation, pointing error,
downlink frequency) and the per-channel figures (seed 000 ``SignalChannelReport``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.station_agent.contact import Flight, Sample, iso, separation_deg

MAX_POINTS = 60  # per metric series: the broker stores at most 32 KB of metrics


def pointing_errors(samples: list[Sample]) -> list[float]:
    return [separation_deg(s.cmd_az, s.cmd_el, s.rep_az, s.rep_el) for s in samples
            if s.rep_az is not None and s.rep_el is not None]


def update_rate_hz(times: list[float]) -> float:
    """Frequency updates per second over the pass (each one set and read back)."""
    if len(times) < 2:
        return 0.0
    return (len(times) - 1) / (times[-1] - times[0])


def _stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    a = np.asarray(values)
    return {"mean": round(float(a.mean()), 3), "median": round(float(np.median(a)), 3),
            "p95": round(float(np.percentile(a, 95)), 3), "max": round(float(a.max()), 3)}


def _series(name: str, unit: str, samples: list[Sample], value: Any) -> dict[str, Any]:
    step = max(1, -(-len(samples) // MAX_POINTS))
    values = []
    for s in samples[::step]:
        v = value(s)
        if v is not None:
            values.append({"value": round(float(v), 3), "time": iso(s.t)})
    return {"name": name, "unit": unit, "values": values}


def outcome(flight: Flight, uploaded: bool, upload_error: str | None) -> tuple[str, str]:
    """(status, message): ``completed`` only with no daemon, recorder or upload error; ``failed`` when nothing
    usable came of the pass; ``partial`` otherwise. The message names every reason."""
    reasons = [f"{src}: {flight.error_counts[src]} error(s), first: {msgs[0]}" for src, msgs in flight.errors.items()]
    if upload_error:
        reasons.append(f"upload: {upload_error}")
    tracked = any(s.rep_az is not None for s in flight.samples)
    tuned = any(s.down_rep_hz is not None for s in flight.samples)
    if not reasons:
        return "completed", f"tracked {len(flight.samples)} updates, recording uploaded"
    if uploaded and (tracked or tuned):
        return "partial", "; ".join(reasons)[:1000]
    return "failed", "; ".join(reasons)[:1000]


def build_result(flight: Flight, uploaded: dict[str, Any] | None, upload_error: str | None) -> dict[str, Any]:
    p, samples = flight.prepared, flight.samples
    status, message = outcome(flight, uploaded is not None, upload_error)
    errors = pointing_errors(samples)
    metrics = [
        _series("commanded_azimuth", "deg", samples, lambda s: s.cmd_az),
        _series("commanded_elevation", "deg", samples, lambda s: s.cmd_el),
        _series("reported_azimuth", "deg", samples, lambda s: s.rep_az),
        _series("reported_elevation", "deg", samples, lambda s: s.rep_el),
        _series("pointing_error", "deg", samples, lambda s: None if s.rep_az is None or s.rep_el is None
                else separation_deg(s.cmd_az, s.cmd_el, s.rep_az, s.rep_el)),
        _series("downlink_frequency", "Hz", samples, lambda s: s.down_rep_hz),
    ]
    radio_errors = flight.error_counts.get("rigctld", 0)
    channel: dict[str, Any] = {
        "channel_number": 1, "description": f"{p.mode} downlink {p.downlink_hz or 0:.0f} Hz (Doppler-corrected)",
        "rf_band": band(p.downlink_hz), "polarization": "RHCP",
        "unrecoverable_error": status == "failed" or uploaded is None,
        "metrics": {
            "mount_mode": p.plan.mode, "clamped_samples": p.plan.clamped_samples,
            "samples": len(samples), "pointing_error_deg": _stats(errors),
            "frequency_updates": len(flight.radio_updates),
            "frequency_update_rate_hz": round(update_rate_hz(flight.radio_updates), 3),
            "frequency_readback_mismatches": sum(1 for s in samples if s.down_rep_hz is not None
                                                 and abs(s.down_rep_hz - (s.down_cmd_hz or 0)) > 1),
            "radio_errors": radio_errors, "rotator_errors": flight.error_counts.get("rotctld", 0),
            "recorder_exit": flight.recorder_exit,
            "data_product": ({"name": uploaded["s3Key"], "size": uploaded["size"], "transfer_successful": True}
                             if uploaded else {"name": None, "transfer_successful": False, "error": upload_error}),
        },
    }
    channels = [channel]
    if p.uplink_hz:
        channels.append({"channel_number": 2, "description": f"uplink {p.uplink_hz:.0f} Hz (Doppler-corrected)",
                         "rf_band": band(p.uplink_hz), "unrecoverable_error": radio_errors > 0,
                         "tc_statistics": {"tc_radiated": 0, "tc_received": len(p.uplink_files)}})
    return {"status": status, "message": message, "metrics": metrics, "channels": channels}


def band(hz: float | None) -> str | None:
    if not hz:
        return None
    for limit, name in ((300e6, "VHF"), (1e9, "UHF"), (2e9, "L"), (4e9, "S"), (8e9, "C"), (12e9, "X"),
                        (18e9, "Ku"), (27e9, "K"), (40e9, "Ka")):
        if hz < limit:
            return name
    return "EHF"
