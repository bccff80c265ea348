"""orbapi bookings (seed 001)."""

from shared.http import create_app
from shared.surfaces.orbapi.bookings import router

app = create_app("orbapi", "Groundlink orbapi bookings")
app.include_router(router)
