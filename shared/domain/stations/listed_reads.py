"""Registry reads for displays: every entry read through the store's listing (kept in memory for the
catalogue's TTL where the store caches it), instead of a read per request.

The pass search shows passes cut to each station's horizon mask and without its maintenance and unavailability
windows; that answer may be as old as the listing (another process's change is seen within the catalogue TTL,
this process's own writes at once). A reservation never reads through this: the ledger checks it against the
registry as it is (``StationRules`` on the store itself).
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.domain.stations.ports import RegistryTransform, StationRegistryStore
from shared.domain.stations.registry import RegistryEntry


class ListedRegistryReads:
    """A ``StationRegistryStore`` whose ``get`` and ``get_many`` answer from ``list_entries``."""

    def __init__(self, store: StationRegistryStore) -> None:
        self.store = store

    def get(self, gs_id: str) -> RegistryEntry | None:
        return self.get_many([gs_id])[gs_id]

    def get_many(self, gs_ids: Sequence[str]) -> dict[str, RegistryEntry | None]:
        listed = {e.gs_id: e for e in self.store.list_entries()}
        return {i: listed.get(i) for i in gs_ids}

    def list_entries(self) -> list[RegistryEntry]:
        return self.store.list_entries()

    def update(self, gs_id: str, transform: RegistryTransform) -> RegistryEntry | None:
        return self.store.update(gs_id, transform)
