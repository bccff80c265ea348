"""jobs capability."""
