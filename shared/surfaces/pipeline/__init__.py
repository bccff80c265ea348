"""The pipeline mechanics surface (seeds 003/004): routers, schemas and views."""
