"""The catalogue use cases as a FastAPI dependency: a router asks for ``Catalog``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.domain.catalog.service import CatalogService
from shared.wiring.catalog import catalog_service

Catalog = Annotated[CatalogService, Depends(catalog_service)]
