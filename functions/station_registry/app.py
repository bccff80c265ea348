"""Station registry administration (``/admin/stations/{gsId}/registry``; orbapi error format; ``admin`` scope)."""

from shared.http import create_app
from shared.surfaces.admin.stations import router

app = create_app("orbapi", "Groundlink station registry administration")
app.include_router(router)
