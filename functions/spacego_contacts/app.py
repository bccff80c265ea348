"""Space Go contacts, availability and post-contact reports (seed 000)."""

from shared.http import create_app
from shared.surfaces.spacego.contacts import router

app = create_app("spacego", "Groundlink Space Go contacts")
app.include_router(router)
