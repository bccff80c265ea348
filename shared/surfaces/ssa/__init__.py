"""SSA backend surface (seed 002): routers, schemas and views."""
