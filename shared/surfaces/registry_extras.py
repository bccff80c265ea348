"""The station registry's extra fields where stations are listed (orbapi ground stations, Space Go sites, the pass
search): beyond the seeds, so the seeds' own fields and enums stay as they are."""

from __future__ import annotations

from shared.domain.stations.registry import RegistryEntry


def registry_extras(entry: RegistryEntry | None, status_key: str) -> dict[str, object]:
    """The registry's extra fields of a listed station: its operator status and its antennas' bands."""
    if entry is None:
        return {}
    out: dict[str, object] = {}
    if entry.status:
        out[status_key] = entry.status
    if entry.antennas:
        out["bands"] = [f"{b.label()} ({a.id})" for a, b in entry.bands()]
    return out
