"""Pipeline mechanics (seeds 003/004) over the jobs: initiate, check-status, retrieve, list."""

from shared.http import create_app
from shared.surfaces.pipeline.pipelines import router

app = create_app("pipeline", "Groundlink pipelines")
app.include_router(router)
