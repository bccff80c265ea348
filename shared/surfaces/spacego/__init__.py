"""Space Go (seed 000, contact scheduling): base path /api/v1, errors application/problem+json."""
