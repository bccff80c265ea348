"""Moved to ``shared.domain.catalog.service.CatalogService``; this name stays until Space Go contacts use it."""

from shared.domain.catalog.service import CatalogService as SpaceGoCatalog

__all__ = ["SpaceGoCatalog"]
