"""orbapi uplink and downlink file metadata (seed 001)."""

from shared.http import create_app
from shared.surfaces.orbapi.files import router

app = create_app("orbapi", "Groundlink orbapi files")
app.include_router(router)
