"""Stations: the command broker they poll (that poll is their heartbeat) and the results they report."""
