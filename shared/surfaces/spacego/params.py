"""Space Go's query-parameter rules (seed 000): array parameters repeat (``?acronym=ESR&acronym=WGS``), and
the catalogue listings take at most one of their parameters per request."""

from __future__ import annotations

from fastapi import Request

from shared.domain.errors import InvalidRequest


def query_lists(request: Request) -> dict[str, list[str]]:
    """Every query parameter with all its values, in the order given."""
    params: dict[str, list[str]] = {}
    for key, val in request.query_params.multi_items():
        params.setdefault(key, []).append(val)
    return params


def single_filter(params: dict[str, list[str]], allowed: tuple[str, ...]) -> tuple[str, list[str]] | None:
    """Seed 000: only one query parameter per request; unknown parameters are refused too. None when no
    parameter (or only empty values) is given."""
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise InvalidRequest(f"unknown query parameter '{unknown[0]}' (allowed: {', '.join(allowed)})")
    if len(params) > 1:
        raise InvalidRequest(
            f"only one query parameter may be given per request, got {len(params)}: {', '.join(sorted(params))}"
        )
    if not params:
        return None
    name, values = next(iter(params.items()))
    values = [v for v in values if v != ""]
    return (name, values) if values else None
