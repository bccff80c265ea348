"""Which endpoint URLs a webhook may have.

In AWS: ``https://`` only, to a host whose every address is public (no loopback, private, link-local,
shared, reserved or multicast address — the platform must not be made to call into its own network). On a
developer's machine (``GROUNDLINK_ENVIRONMENT=local``) also ``http://`` to a loopback address, so a local
receiver can be used; https there may name any host."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from shared.domain.errors import InvalidField
from shared.domain.webhooks.models import MAX_URL_LENGTH
from shared.domain.webhooks.ports import AddressResolver

LOOPBACK_NAMES = ("localhost",)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def is_public(address: str) -> bool:
    ip = _ip(address)
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def is_loopback(host: str) -> bool:
    ip = _ip(host)
    return host.lower() in LOOPBACK_NAMES if ip is None else ip.is_loopback


class UrlPolicy:
    def __init__(self, *, local: bool, resolver: AddressResolver | None = None) -> None:
        self.local = local
        self.resolver = resolver

    def check(self, url: str) -> str:
        """The URL as stored, or ``InvalidField("url", why)``."""
        if len(url) > MAX_URL_LENGTH:
            raise InvalidField("url", f"must be at most {MAX_URL_LENGTH} characters")
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            parts.port  # noqa: B018 (raises ValueError for a port out of range)
        except ValueError as exc:
            raise InvalidField("url", f"is not a valid URL ({exc})") from None
        if parts.scheme not in ("https", "http") or not host:
            raise InvalidField("url", "must be an absolute https:// URL")
        if parts.username or parts.password:
            raise InvalidField("url", "must not carry credentials (user:password@)")
        if parts.fragment:
            raise InvalidField("url", "must not have a #fragment")
        if parts.scheme == "http":
            if not self.local:
                raise InvalidField("url", "must use https://")
            if not is_loopback(host):
                raise InvalidField("url", "http:// is only allowed to a loopback address (127.0.0.1, ::1, localhost) "
                                          "in the local environment; use https://")
            return url
        if self.local:
            return url
        self._public(host)
        return url

    def _public(self, host: str) -> None:
        literal = _ip(host)
        if literal is not None:
            addresses = [str(literal)]
        elif host.lower() in LOOPBACK_NAMES or host.lower().endswith((".localhost", ".internal", ".local")):
            raise InvalidField("url", f"host {host} is not a public address")
        else:
            addresses = self.resolver.addresses(host) if self.resolver else []
            if self.resolver is not None and not addresses:
                raise InvalidField("url", f"host {host} does not resolve")
        private = [a for a in addresses if not is_public(a)]
        if private:
            raise InvalidField("url", f"host {host} resolves to a private, loopback or link-local address "
                                      f"({private[0]}); webhooks must reach a public address")
