"""A small stand-in for ``shared.surfaces``: one package per surface with routers written the way the surface
packages write theirs, so the OpenAPI builder is tested on known routes."""
