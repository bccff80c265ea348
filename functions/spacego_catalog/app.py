"""Space Go catalogue (seed 000): sites, spacecraft, their current TLE and service configurations."""

from __future__ import annotations

from shared.adapters.dynamo.catalog import catalog_repository
from shared.domain.catalog.service import CatalogService
from shared.http import create_app
from shared.surfaces.catalog_service import catalog_service
from shared.surfaces.spacego import catalog, tle

app = create_app("spacego", "Groundlink Space Go catalogue")
app.include_router(catalog.router)
app.include_router(tle.view_router)
app.dependency_overrides[catalog_service] = lambda: CatalogService(catalog_repository())
