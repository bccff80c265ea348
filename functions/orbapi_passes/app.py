"""orbapi pass search (seed 001)."""

from shared.http import create_app
from shared.surfaces.orbapi.passes import router

app = create_app("orbapi", "Groundlink orbapi pass search")
app.include_router(router)
