"""Bounded HTTP for the resolvers: short timeouts, a size cap, errors a person can act on.

Every failure becomes ``InvalidInput`` naming the service, so the editor can
show it beside the identifier box instead of a server error.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from readings.core.exceptions import InvalidInput

DEFAULTS: dict[str, Any] = {
    "crossref": "https://api.crossref.org",
    "openlibrary": "https://openlibrary.org",
    "pubmed": "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
    "timeout_seconds": 8.0,
    "max_bytes": 2 * 1024 * 1024,
    "max_redirects": 3,
    "allow_loopback": False,
    "contact_email": "",
}
SERVICE_NAMES = {
    "crossref": "Crossref",
    "openlibrary": "Open Library",
    "pubmed": "PubMed",
    "page": "the web page",
}


def invalid(message: str, **values: Any) -> InvalidInput:
    """An error about the pasted identifier, shown beside the box it was typed in."""
    return InvalidInput({"identifier": [message % values if values else message]})


def config(key: str) -> Any:
    """One resolver setting from READINGS_RESOLVERS, falling back to the defaults above."""
    configured = getattr(settings, "READINGS_RESOLVERS", None) or {}
    return configured.get(key, DEFAULTS[key])


def base_url(service: str) -> str:
    return str(config(service)).rstrip("/")


def user_agent() -> str:
    # Crossref and NCBI ask callers to identify themselves ("polite pool").
    contact = config("contact_email")
    return f"Readings/1.0 (reading lists; mailto:{contact})" if contact else "Readings/1.0"


@dataclass(frozen=True)
class Fetched:
    status: int
    url: str
    content_type: str
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class ResponseTooLarge(requests.RequestException):
    """The answer passed the size limit (a page or a service sending far too much)."""


class NotFoundAtService(Exception):
    """The service answered, and has no such record (HTTP 404/410)."""


def get(url: str, *, service: str, params: dict[str, str] | None = None) -> Fetched:
    """GET a service URL without following redirects; raise InvalidInput when it fails."""
    name = SERVICE_NAMES.get(service, service)
    timeout = float(config("timeout_seconds"))
    try:
        response = _send(url, params=params, timeout=timeout, accept="application/json")
    except ResponseTooLarge as exc:
        raise invalid(
            _("%(service)s sent far more data than a record holds."), service=name
        ) from exc
    except requests.Timeout as exc:
        raise invalid(
            _("%(service)s did not answer within %(seconds)s seconds; try again later.")
            % {"service": name, "seconds": f"{timeout:g}"}
        ) from exc
    except requests.RequestException as exc:
        raise invalid(
            _("%(service)s cannot be reached just now; try again later."), service=name
        ) from exc
    if response.status in (404, 410):
        raise NotFoundAtService()
    if response.status >= 400:
        raise invalid(
            _("%(service)s refused the request (HTTP %(status)s)."),
            service=name,
            status=response.status,
        )
    return response


def get_json(url: str, *, service: str, params: dict[str, str] | None = None) -> Any:
    fetched = get(url, service=service, params=params)
    try:
        return json.loads(fetched.body)
    except (ValueError, UnicodeDecodeError) as exc:
        name = SERVICE_NAMES.get(service, service)
        raise invalid(_("%(service)s sent an answer that cannot be read."), service=name) from exc


def fetch_page(url: str) -> Fetched:
    """Fetch a web page a person pasted: http(s) only, public addresses only, few redirects."""
    with _public_only_session() as session:
        current = url
        for _attempt in range(int(config("max_redirects")) + 1):
            check_public_http_url(current)
            response = _fetch_page_once(current, shown=url, session=session)
            if response.status in (301, 302, 303, 307, 308) and response.url:
                current = response.url
                continue
            if response.status in (404, 410):
                raise invalid(
                    _("There is no page at %(url)s (HTTP %(status)s)."),
                    url=_short(url),
                    status=response.status,
                )
            if response.status >= 400:
                raise invalid(
                    _("The page at %(url)s refused (HTTP %(status)s)."),
                    url=_short(url),
                    status=response.status,
                )
            return response
    raise invalid(_("The page at %(url)s redirects too many times."), url=_short(url))


def _fetch_page_once(url: str, *, shown: str, session: requests.Session) -> Fetched:
    timeout = float(config("timeout_seconds"))
    try:
        return _send(
            url, timeout=timeout, accept="text/html,application/xhtml+xml", session=session
        )
    except RefusedAddress as exc:
        raise invalid(
            _("Readings does not look up pages at '%(host)s' (a private address)."),
            host=str(exc),
        ) from exc
    except ResponseTooLarge as exc:
        raise invalid(_("The page at %(url)s is too large to read."), url=_short(shown)) from exc
    except requests.Timeout as exc:
        raise invalid(
            _("The page at %(url)s did not answer within %(seconds)s seconds.")
            % {"url": _short(shown), "seconds": f"{timeout:g}"}
        ) from exc
    except requests.RequestException as exc:
        raise invalid(_("The page at %(url)s cannot be reached."), url=_short(shown)) from exc


def check_public_http_url(url: str) -> None:
    """Refuse non-http(s) links and hosts on private networks (no fetching the intranet)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise invalid(
            _(
                "Only web addresses starting with http:// or https:// can be looked up "
                "(not '%(scheme)s')."
            ),
            scheme=parts.scheme or url[:20],
        )
    host = parts.hostname
    if not host:
        raise invalid(_("The web address has no host name."))
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        raise invalid(_("The host '%(host)s' cannot be found."), host=host) from exc
    if not all(_may_fetch(_address(info)) for info in infos):
        raise invalid(
            _("Readings does not look up pages at '%(host)s' (a private address)."), host=host
        )


def _address(info: tuple) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(str(info[4][0]).split("%")[0])


def _may_fetch(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return bool(config("allow_loopback"))
    return address.is_global and not address.is_multicast


def _send(
    url: str,
    *,
    timeout: float,
    accept: str,
    params: dict[str, str] | None = None,
    session: requests.Session | None = None,
) -> Fetched:
    deadline = time.monotonic() + timeout
    headers = {"Accept": accept, "User-Agent": user_agent()}
    with (session or requests).get(
        url,
        params=params,
        headers=headers,
        timeout=(timeout, timeout),
        allow_redirects=False,
        stream=True,
    ) as response:
        location = response.headers.get("Location", "")
        limit = int(config("max_bytes"))
        chunks, size = [], 0
        # The read timeout applies per chunk; a server trickling bytes is cut off here.
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge()
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise requests.Timeout()
        return Fetched(
            status=response.status_code,
            url=urljoin(response.url, location) if response.is_redirect else response.url,
            content_type=response.headers.get("Content-Type", ""),
            body=b"".join(chunks),
        )


class RefusedAddress(Exception):
    """A host resolved, at connection time, to an address pages may not be fetched from."""


def _pinned_address(host: str, port: int) -> str:
    """Resolve once, check every address, and return the one to connect to."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    if not infos or not all(_may_fetch(_address(info)) for info in infos):
        raise RefusedAddress(host)
    return str(infos[0][4][0])


# The check in check_public_http_url happens before requests resolves the host
# again; a DNS answer changed in between (rebinding) could still reach the
# intranet. These connections connect to the address they checked themselves.
# TLS still verifies the certificate against the host name (urllib3 uses
# ``host`` for SNI and matching, ``_dns_host`` only to open the socket).
class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self):
        self._dns_host = _pinned_address(self._dns_host, self.port)
        return super()._new_conn()


class _CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self):
        self._dns_host = _pinned_address(self._dns_host, self.port)
        return super()._new_conn()


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


def _public_only_session() -> requests.Session:
    session = requests.Session()
    # No proxy from the environment: the address checked must be the one connected to.
    session.trust_env = False
    adapter = _PublicOnlyAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "…"
