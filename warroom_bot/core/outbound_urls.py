"""Outbound URLs the service fetches on a campaign manager's word (a pull source): which are refused
before any fetch, and how such a URL is shown and logged. `warroom_bot.metrics.pull` does the fetch
and checks the addresses a host resolves to with `is_public`."""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

import httpx

from warroom_bot.core.i18n import N_

_HOSTNAME = re.compile(r"[A-Za-z0-9_.-]+")
_NUMERIC_IPV4 = re.compile(r"[0-9A-Fa-fXx.]+")  # `2130706433`, `0x7f.1`, `127.1`: what inet_aton reads
# Where IPv6 addresses carry an IPv4 one: NAT64 (64:ff9b::/96), and the IPv4-compatible ::/96.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


# Why a URL is refused, in English (logs keep it so); marked for the catalog, shown with `tr(reason)`.
NOT_HTTP = N_("it is not a valid http(s) URL")
CREDENTIALS = N_("it carries a user name or password, which would be shown to the channel and logged")
BAD_HOST = N_("its host is not a valid name or address")
NOT_PUBLIC = N_("it names a loopback, private, link-local or otherwise non-public address")


class RefusedUrl(ValueError):
    """A pull URL that is never fetched; `reason` completes "It cannot be a pull source: …"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def shown(url: str) -> str:
    """The URL as the bot shows and logs it: no user name or password, no query string, no fragment."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(not a valid URL)"
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{'…@' if '@' in parts.netloc else ''}{host}{parts.path}{'?…' if parts.query else ''}"


def is_public(address: Address) -> bool:
    """Whether an address is on the public internet: what a pull source may be."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        embedded = [address.sixtofour, address.teredo[1] if address.teredo else None]
        if address in _NAT64 or address in _IPV4_COMPATIBLE:
            embedded.append(ipaddress.IPv4Address(address.packed[12:]))
        if any(inner is not None and not is_public(inner) for inner in embedded):
            return False
        if address.is_site_local:
            return False
    return address.is_global and not (
        address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
    )


def literal_address(host: str) -> Address | None:
    """The address a host names without DNS: `10.0.0.1`, `::1`, and the forms the resolver also reads
    as IPv4 (`2130706433`, `0x7f.1`, `127.1`)."""
    host = host.rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_IPV4.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def check_url(url: str, *, allow_private: bool) -> httpx.URL:
    """Parse a pull URL and refuse what is never fetched: not http(s), a user name or password in it,
    a host that is not a plain name or address, and (unless `allow_private`) a host that names a
    loopback, private or other non-public address without DNS (`localhost`, `10.0.0.1`, `0x7f.1`)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise RefusedUrl(NOT_HTTP) from None
    host = parsed.raw_host.decode("ascii", "replace")
    if parsed.scheme not in ("http", "https") or not host:
        raise RefusedUrl(NOT_HTTP)
    if parsed.userinfo:
        raise RefusedUrl(CREDENTIALS)
    address = literal_address(host)
    if address is None and not _HOSTNAME.fullmatch(host):
        raise RefusedUrl(BAD_HOST)
    if allow_private:
        return parsed
    name = host.rstrip(".").lower()
    if (address is not None and not is_public(address)) or name == "localhost" or name.endswith(".localhost"):
        raise RefusedUrl(NOT_PUBLIC)
    return parsed
