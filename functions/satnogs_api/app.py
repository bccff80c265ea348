"""The SatNOGS-compatible station API (``/satnogs/api``): what satnogs-client polls and uploads to."""

from shared.http import create_app
from shared.surfaces.satnogs.station_api import router

app = create_app("satnogs", "Groundlink SatNOGS station API")
app.include_router(router)
