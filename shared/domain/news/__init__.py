"""news capability."""
