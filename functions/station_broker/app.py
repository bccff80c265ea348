"""Station command broker (``/stations/v1``) and the orbapi station status (seed 001)."""

from shared.http import create_app
from shared.surfaces.orbapi.stations import router

app = create_app("orbapi", "Groundlink station command broker")
app.include_router(router)
