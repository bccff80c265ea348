"""SSA catalogue (seed 002, "Satellite Operations"): listing, NORAD database search, flexible search and
the per-country distinct values."""

from __future__ import annotations

from shared.adapters.dynamo.catalog import catalog_repository
from shared.domain.catalog.service import CatalogService
from shared.http import create_app
from shared.surfaces.catalog_service import catalog_service
from shared.surfaces.ssa.catalog import router

app = create_app("ssa", "Groundlink SSA catalogue")
app.include_router(router)
app.dependency_overrides[catalog_service] = lambda: CatalogService(catalog_repository())
