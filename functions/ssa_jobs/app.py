"""SSA jobs (seed 002): pass analyzer, maneuver detection, task status, query history."""

from shared.http import create_app
from shared.surfaces.ssa.jobs import router

app = create_app("ssa", "Groundlink SSA jobs")
app.include_router(router)
