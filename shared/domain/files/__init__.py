"""files capability."""
