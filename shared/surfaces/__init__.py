"""The four API surfaces (Space Go, orbapi, SSA, pipeline mechanics) and the admin endpoints: routers,
request/response schemas written from the seeds, and views mapping domain objects to the wire. A surface
only translates; the use cases live in ``shared.domain``."""
