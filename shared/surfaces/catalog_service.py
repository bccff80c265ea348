"""The catalogue use cases as a FastAPI dependency. A router asks for ``Catalog``; the
function's app, which assembles routers, provides it with its adapter:

    app.dependency_overrides[catalog_service] = lambda: CatalogService(catalog_repository())
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.domain.catalog.service import CatalogService


def catalog_service() -> CatalogService:
    raise RuntimeError("the app including this router provides catalog_service (dependency_overrides)")


Catalog = Annotated[CatalogService, Depends(catalog_service)]
