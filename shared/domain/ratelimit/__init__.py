"""Per-principal rate limits: a token bucket per caller and scope class."""
