"""A module without a router (views, schemas): the builder passes it by."""

from tests.integration.openapi_surfaces.spacego.contacts import router as contacts_router  # noqa: F401

NOT_A_ROUTER = object()
