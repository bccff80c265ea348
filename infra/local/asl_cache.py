"""moto's Step Functions parses a state machine's definition with ANTLR again for every execution it starts (and
every time a definition is created or updated): about 45 ms of CPU for the jobs state machine, on the cores the
job's steps compute on. ``cache_parse_trees()`` keeps each definition's parse tree (read-only once built) and runs
only moto's preprocessor on it per call, so every execution still gets its own, fresh evaluation components. A
definition with syntax errors is not cached: it raises as before."""

from __future__ import annotations

import threading
from typing import Any

_MAX_DEFINITIONS = 64
_trees: dict[str, Any] = {}
_lock = threading.Lock()
_original: Any = None


def _parse(definition: str) -> tuple[Any, Any]:
    from moto.stepfunctions.parser.asl.parse.asl_parser import Preprocessor

    with _lock:
        tree = _trees.get(definition)
    if tree is None:
        program, tree = _original(definition)  # raises ASLParserException on a syntax error, nothing cached
        with _lock:
            if len(_trees) >= _MAX_DEFINITIONS:
                _trees.clear()
            _trees[definition] = tree
        return program, tree
    return Preprocessor().visit(tree), tree


def cache_parse_trees() -> None:
    """Make moto's ``AmazonStateLanguageParser.parse`` reuse parse trees (idempotent)."""
    global _original
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    with _lock:
        if _original is None:
            _original = AmazonStateLanguageParser.parse
            AmazonStateLanguageParser.parse = staticmethod(_parse)  # type: ignore[method-assign]


def uncache_parse_trees() -> None:
    """Restore moto's own parser and forget the trees."""
    global _original
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    with _lock:
        if _original is not None:
            AmazonStateLanguageParser.parse = staticmethod(_original)  # type: ignore[method-assign]
            _original = None
        _trees.clear()
