"""The SatNOGS-compatible station API (base path ``/satnogs/api``): what the open SatNOGS client
(``satnogs-client`` on PyPI) talks to — ``GET jobs/`` and ``PUT observations/{id}/`` — with the SatNOGS
Network API's ``Authorization: Token <key>`` and its error body ``{"detail": "..."}``."""
