"""orbapi pass search (seed 001)."""

from __future__ import annotations

from functions.orbapi_passes.logic import PassSearch
from functions.orbapi_passes.models import PassSearchRequest
from shared.adapters.dynamo.catalog import catalog_repository
from shared.errors import JSONResponse
from shared.http import caller, create_app

app = create_app("orbapi", "Groundlink orbapi pass search")


@app.post("/orbapi/passes/search", dependencies=[caller("passes:read")])
def search_passes(request: PassSearchRequest) -> JSONResponse:
    # the body is plain JSON types already: rendered directly, without FastAPI's per-value encoder walk
    return JSONResponse(PassSearch(catalog_repository()).search(request))
