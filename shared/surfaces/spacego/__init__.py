"""Space Go (seed 000): base path ``/api/v1``, errors ``application/problem+json``."""
