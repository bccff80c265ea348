"""Signed webhooks: owners' HTTPS endpoints receiving their own domain events."""
