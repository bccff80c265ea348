"""orbapi pass search (seed 001)."""

from __future__ import annotations

from functions.orbapi_passes.logic import PassSearch
from functions.orbapi_passes.models import PassSearchRequest
from shared.dal.catalog import catalog_repository
from shared.http import caller, create_app

app = create_app("orbapi", "Groundlink orbapi pass search")


@app.post("/orbapi/passes/search", dependencies=[caller("passes:read")])
def search_passes(request: PassSearchRequest) -> dict:
    return PassSearch(catalog_repository()).search(request)
