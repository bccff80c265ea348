"""Posting webhook deliveries over HTTP(S), and resolving endpoint hosts.

Outside the local environment the transport resolves the host itself and refuses to connect when any address
is not public (``shared.domain.webhooks.urls.is_public``): a name that resolved to a public address at
registration cannot later be pointed into the platform's own network. Redirects are not followed."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from shared.domain.webhooks.models import PostResult
from shared.domain.webhooks.urls import is_public


class DnsResolver:
    def addresses(self, host: str) -> list[str]:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError):
            return []
        return sorted({str(info[4][0]) for info in infos})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


class HttpTransport:
    def __init__(self, *, allow_private: bool, resolver: DnsResolver | None = None) -> None:
        self.allow_private = allow_private
        self.resolver = resolver or DnsResolver()
        self._opener = urllib.request.build_opener(_NoRedirect)

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> PostResult:
        if not self.allow_private:
            host = urlsplit(url).hostname or ""
            addresses = self.resolver.addresses(host)
            if not addresses:
                return PostResult(ok=False, reason=f"host {host} does not resolve")
            private = [a for a in addresses if not is_public(a)]
            if private:
                return PostResult(ok=False, reason=f"host {host} resolves to a non-public address ({private[0]})")
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=timeout_s) as resp:
                status = resp.status
        except urllib.error.HTTPError as err:
            status = err.code
            err.close()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return PostResult(ok=False, reason=f"no answer from the endpoint ({reason})"[:500])
        if 200 <= status < 300:
            return PostResult(ok=True, status=status)
        return PostResult(ok=False, status=status, reason=f"the endpoint answered HTTP {status}")
