"""The scheduled refresh's sources (``shared.domain.catalog.ports.CatalogueSource``): documents at URLs
(CelesTrak GP groups, SATCAT) and Space-Track's GP class, configured as one line of text
(``GROUNDLINK_REFRESH_SOURCES``): ``omm:https://celestrak.org/NORAD/elements/gp.php?GROUP=active&FORMAT=json
tle:https://… satcat:https://celestrak.org/pub/satcat.csv spacetrack:gp``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from shared.adapters.http_documents import fetch_document
from shared.domain.catalog.documents import KINDS
from shared.domain.errors import InvalidRequest, Unavailable

SPACETRACK_GP = "spacetrack:gp"


@dataclass(frozen=True)
class UrlSource:
    kind: str
    url: str

    @property
    def name(self) -> str:
        return self.url

    def fetch(self) -> bytes:
        return fetch_document(self.url)


@dataclass(frozen=True)
class SpaceTrackGp:
    """Space-Track's GP class through ``shared.adapters.spacetrack.SpaceTrackClient`` (one login, one query)."""

    client: Callable[[], object] | None  # builds the client (credentials read on use); None: not configured
    kind: str = "omm"
    name: str = SPACETRACK_GP

    def fetch(self) -> bytes:
        if self.client is None:
            raise Unavailable(f"{self.name}: Space-Track credentials are not configured")
        document = self.client().gp_document()  # type: ignore[attr-defined]
        return bytes(document)


def parse_sources(text: str, spacetrack: Callable[[], object] | None) -> list[UrlSource | SpaceTrackGp]:
    out: list[UrlSource | SpaceTrackGp] = []
    for entry in re.split(r"[\s,]+", text.strip()):
        if not entry:
            continue
        if entry == SPACETRACK_GP:
            out.append(SpaceTrackGp(spacetrack))
            continue
        kind, _, url = entry.partition(":")
        if kind not in KINDS or not url.startswith(("http://", "https://")):
            raise InvalidRequest(f"refresh source {entry!r}: expected '<{'|'.join(KINDS)}>:<http(s) URL>' "
                                 f"or '{SPACETRACK_GP}'")
        out.append(UrlSource(kind, url))
    return out
