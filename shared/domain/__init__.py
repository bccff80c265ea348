"""Groundlink's domain: one package per capability (catalog, ledger, files, jobs, stations, identity).

Each capability holds ``models.py`` (pydantic models / frozen dataclasses), ``ports.py`` (the Protocols it
needs from storage and the outside world) and ``service.py`` (the use cases). Nothing here imports
fastapi, starlette, boto3 or botocore, and nothing here knows a wire format: surfaces
(``shared.surfaces``) translate requests into calls and domain objects into wire bodies; adapters
(``shared.adapters``) implement the ports. Dependency direction: functions -> surfaces -> domain <- adapters.
"""
