"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="spacego_contacts",
    surface="spacego",
    description="Space Go contacts, availability and post-contact reports on the antenna-time ledger",
    routes=routes(
        "GET /api/v1/contacts",
        "POST /api/v1/contacts",
        "GET /api/v1/contacts/availability",
        "GET /api/v1/contacts/{contact_id}",
        "DELETE /api/v1/contacts/{contact_id}",
        "GET /api/v1/post-contact-reports/{contact_id}",
    ),
    tables={"catalog": "read", "identity": "read", "ledger": "write",
            "stations": "read", "profiles": "read",  # the station registry's rules (masks, windows, bands)
            "events": "write", "ratelimit": "write",
            "files": "read"},  # a post-contact report's data products: the contact's downlinked files
    needs_orbit_layer=True,
    memory_mb=1769,  # one full vCPU: CPU-bound orbit work
    reserved_concurrency=15,  # heavy: bounded so a burst cannot starve the other functions
)
