"""orbapi reference data (seed 001): satellites, TLEs, ground stations, transmitters."""

from __future__ import annotations

from shared.adapters.dynamo.catalog import catalog_repository
from shared.domain.catalog.service import CatalogService
from shared.http import create_app
from shared.surfaces.catalog_service import catalog_service
from shared.surfaces.orbapi.catalog import router

app = create_app("orbapi", "Groundlink orbapi reference data")
app.include_router(router)
app.dependency_overrides[catalog_service] = lambda: CatalogService(catalog_repository())
