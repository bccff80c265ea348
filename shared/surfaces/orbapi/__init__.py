"""orbapi surface (seed 001): routers, schemas and views."""
