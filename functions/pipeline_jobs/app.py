"""Pipeline mechanics (seeds 003/004) over the jobs: initiate, check-status/get-status, retrieve, list; every
other path and method of the surface answered by the fallback (404, 405 with Allow, OPTIONS)."""

from shared.http import create_app
from shared.surfaces.pipeline.mechanics import fallback_router
from shared.surfaces.pipeline.pipelines import router

app = create_app("pipeline", "Groundlink pipelines")
app.include_router(router)
app.include_router(fallback_router)  # last: reached only when no route above serves the request
