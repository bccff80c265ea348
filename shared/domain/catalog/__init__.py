"""catalog capability."""
