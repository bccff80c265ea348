"""The Groundlink station agent (``groundlink station run --config FILE``): a remote client of the station
command broker's HTTP API that flies the station's contacts with Hamlib's ``rotctld`` and ``rigctld``.

It imports nothing of the platform's domain, adapters or wiring (import-linter enforces it): it only speaks
HTTP to the broker and TCP to the Hamlib daemons, and uses the orbit core (``groundlink_orbit``) for tracking.
"""
