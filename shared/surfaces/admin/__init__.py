"""Groundlink's own administration endpoints (orbapi error body)."""
