"""Free-form JSON that will be stored in DynamoDB: bounded and representable, or a clear 4xx.

DynamoDB map keys must be non-empty, numbers have 38 significant digits, an item holds 400 KB, and JSON
``NaN`` is not JSON at all. Values accepted here round-trip through the repositories unchanged.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

from pydantic import AfterValidator

MAX_DEPTH = 10
MAX_NUMBER = 10**30


def check_storable(value: Any, max_bytes: int = 32 * 1024) -> Any:
    def walk(v: Any, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(v, dict):
            for k, item in v.items():
                if not isinstance(k, str) or not k:
                    raise ValueError("object keys must be non-empty strings")
                walk(item, depth + 1)
        elif isinstance(v, list):
            for item in v:
                walk(item, depth + 1)
        elif isinstance(v, bool) or v is None or isinstance(v, str):
            return
        elif isinstance(v, int):
            if abs(v) >= MAX_NUMBER:
                raise ValueError(f"numbers must be smaller than 1e30 in magnitude (got {str(v)[:20]}…)")
        elif isinstance(v, float):
            if not math.isfinite(v):
                raise ValueError("numbers must be finite (no NaN or Infinity)")
        else:
            raise ValueError(f"unsupported JSON value of type {type(v).__name__}")

    walk(value, 0)
    try:
        size = len(json.dumps(value, separators=(",", ":"), allow_nan=False).encode())
    except (ValueError, UnicodeEncodeError) as exc:
        raise ValueError(f"not storable JSON: {exc}") from None
    if size > max_bytes:
        raise ValueError(f"{size} bytes of JSON exceeds the limit of {max_bytes} bytes")
    return value


StorableJson = Annotated[Any, AfterValidator(check_storable)]
