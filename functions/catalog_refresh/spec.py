"""Deployment spec of the scheduled catalogue refresh (an EventBridge schedule invokes it; no HTTP routes)."""

from shared.resources import FunctionSpec

SPEC = FunctionSpec(
    name="catalog_refresh",
    surface="admin",
    description="Scheduled catalogue refresh: pulls the configured element-set sources (CelesTrak GP groups, "
                "Space-Track GP) through the catalogue's ingestion",
    # the reservations of satellites whose orbit advanced are predicted again (ledger), with their events
    tables={"catalog": "write", "ledger": "write", "stations": "read", "files": "write", "events": "write"},
    needs_orbit_layer=True,  # the element sets are parsed and checked by the orbit core (sgp4)
    needs_jwt_secret=False,
    memory_mb=1024,  # the whole GP catalogue (~30,000 sets) parsed and held at once
    timeout_s=900,
)
