"""A campaign's optional pull source: a URL (`/warroom config pull.url …`) fetched before each
digest, answering JSON readings in the REST batch format (`{"readings": [...]}` or a bare list).

The URL is set by a campaign manager and fetched by the service, so it is treated as hostile:

- the whole fetch (resolving, connecting, the answer's headers and body) has one deadline,
  `PULL_TIMEOUT_SECONDS`, not a timeout per read: a source that drips a byte at a time is cut off;
- the body is read as a stream and cut off past `MAX_WIRE_BYTES` as sent and `MAX_BODY_BYTES` once
  inflated (gzip or deflate, inflated here a bounded piece at a time: a gzip bomb is refused, not
  unpacked), and JSON nested deeper than `MAX_JSON_DEPTH` is refused; the JSON is parsed in a thread,
  off the event loop;
- the host is resolved and every address it has must be public (not loopback, private, link-local,
  shared, multicast, unspecified or reserved, IPv4 embedded in IPv6 included); the request then goes
  to the checked address itself, with the original `Host` header and TLS server name, so DNS cannot
  answer differently between the check and the connection. Redirects are not followed, proxies from
  the environment are not used. `WARROOM_PULL_ALLOW_PRIVATE` lifts the address rule (tests, demos);
- a URL with a user name or password in it is refused, and the URL is shown and logged without its
  query string (`?…`), where an API key may be;
- at most `MAX_CONCURRENT_PULLS` fetches run at once in a process, which bounds the memory they take.

Every failure, whatever its cause, becomes a short sentence the digest shows (`Pulled.problem`, in
the language being written: the caller speaks the campaign's); it names a category (no answer in
time, too large, not JSON, refused address…), never the HTTP status, an error from the network, or
anything the source answered. The log has it in English, with the detail.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import socket
import ssl
import weakref
import zlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx

from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.outbound_urls import RefusedUrl, check_url, is_public, shown

if TYPE_CHECKING:
    from warroom_bot.core.runtime import Runtime

log = logging.getLogger(__name__)

PULL_TIMEOUT_SECONDS = 10.0  # the whole fetch: resolving, connecting, headers and body
MAX_WIRE_BYTES = 2 * 1024 * 1024  # the body as sent (compressed or not)
MAX_BODY_BYTES = 2 * 1024 * 1024  # the body once inflated: the batch limit, 10,000 readings, at 200 bytes each
MAX_JSON_DEPTH = 16  # nesting of arrays and objects; `{"readings": [{...}]}` needs 3
MAX_CONCURRENT_PULLS = 4  # fetches at once in one process (the tick's and `/warroom digest`'s together)
MANUAL_DIGEST_INTERVAL = timedelta(seconds=60)  # `/warroom digest` of a campaign with a pull source
TLS_VERIFY: ssl.SSLContext | bool = True  # https sources' certificates: certifi's CAs (tests put their own here)

# The problems, as message ids: `{seconds}`, `{megabytes}` and `{depth}` are filled in by `_say`.
NO_ANSWER = N_("no answer within {seconds} s")
TOO_LARGE = N_("its answer is larger than {megabytes} MB")
NOT_JSON = N_("it did not answer JSON")
TOO_DEEP = N_("its JSON is nested deeper than {depth} levels")
NO_LIST = N_('its JSON has no list of readings (expected {{"readings": [...]}})')
HTTP_ERROR = N_("it answered with an HTTP error status (not 2xx; redirects are not followed)")
BAD_ENCODING = N_("its answer is compressed in a way that cannot be read (gzip and deflate can)")
UNREACHABLE = N_("it could not be reached")
RESOLVES_PRIVATE = N_("its host resolves to a loopback, private, link-local or otherwise non-public address")
UNEXPECTED = N_("it failed in an unexpected way (the service's log has the details)")
REFUSED = N_("its URL is refused: {reason}")


def _say(problem: str, *, english: bool = False) -> str:
    """A problem with its figures: in English for the log, else in the language being written."""
    figures = {
        "seconds": f"{PULL_TIMEOUT_SECONDS:g}",
        "megabytes": MAX_BODY_BYTES // (1024 * 1024),
        "depth": MAX_JSON_DEPTH,
    }
    return problem.format(**figures) if english else tr(problem, **figures)


def _refused(reason: str, *, english: bool = False) -> str:
    """`its URL is refused: …`, the reason (a message id of `outbound_urls` or of this module) translated."""
    if english:
        return REFUSED.format(reason=reason)
    return tr(REFUSED, reason=tr(reason))


@dataclass(frozen=True)
class Pulled:
    url: str
    rows: list[dict[str, Any]]
    problem: str | None = None


class _Failed(Exception):
    """A fetch that failed: `problem` (a message id) for the digest, `detail` for the log only;
    `refused` when the problem is why the URL is refused."""

    def __init__(self, problem: str, detail: str = "", *, refused: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.detail = detail
        self.refused = refused


async def fetch(url: str, *, allow_private: bool = False) -> Pulled:
    """Fetch and parse a pull source; never raises (but for cancellation): a failure is `problem`."""
    try:
        async with asyncio.timeout(PULL_TIMEOUT_SECONDS):
            body = await _download(url, allow_private)
        value = await asyncio.to_thread(_parse, body)
    except _Failed as failed:
        problem, detail, refused = failed.problem, failed.detail, failed.refused
    except RefusedUrl as refusal:
        problem, detail, refused = refusal.reason, "", True
    except (TimeoutError, httpx.TimeoutException):
        problem, detail, refused = NO_ANSWER, "", False
    except (httpx.HTTPError, OSError) as error:
        problem, detail, refused = UNREACHABLE, f"{type(error).__name__}: {error}", False
    except Exception:
        log.warning("pull source %s failed unexpectedly", shown(url), exc_info=True)
        return Pulled(url, [], _say(UNEXPECTED))
    else:
        rows = value.get("readings") if isinstance(value, dict) else value
        if isinstance(rows, list):
            return Pulled(url, rows)
        problem, detail, refused = NO_LIST, "", False
    say = _refused if refused else _say
    log.warning("pull source %s failed: %s%s", shown(url), say(problem, english=True), f" ({detail})" if detail else "")
    return Pulled(url, [], say(problem))


async def _resolve(host: str, port: int) -> list[str]:
    """The addresses of `host`, in the resolver's order (off the event loop: getaddrinfo blocks)."""
    answers = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


async def _download(url: str, allow_private: bool) -> bytes:
    target = check_url(url, allow_private=allow_private)
    host = target.raw_host.decode("ascii")
    try:
        addresses = await _resolve(host, target.port or (443 if target.scheme == "https" else 80))
    except (OSError, UnicodeError) as error:
        raise _Failed(UNREACHABLE, f"resolving the host: {error}") from None
    if not addresses:
        raise _Failed(UNREACHABLE, "the host has no address")
    private = [address for address in addresses if not is_public(ipaddress.ip_address(address.partition("%")[0]))]
    if private and not allow_private:
        # Which address stays in the log: the service's resolver may know internal names.
        raise _Failed(RESOLVES_PRIVATE, f"{host} resolves to {', '.join(private)}", refused=True)
    headers = {
        "Host": target.netloc.decode("ascii"),
        "Accept": "application/json",
        "Accept-Encoding": "gzip, deflate",
        "User-Agent": "warroom-bot pull source",
    }
    timeouts = dict.fromkeys(("connect", "read", "write", "pool"), PULL_TIMEOUT_SECONDS)
    # The transport, not a client: no redirects, cookies or proxies from the environment, and no
    # client log line with the URL's query string in it.
    async with httpx.AsyncHTTPTransport(verify=TLS_VERIFY, trust_env=False) as transport:
        for attempt, address in enumerate(addresses, start=1):
            # To the checked address itself; the host name goes in the Host header and TLS's SNI
            # (and the certificate is checked against it).
            request = httpx.Request(
                "GET",
                target.copy_with(host=address.partition("%")[0]),
                headers=headers,
                extensions={"timeout": timeouts, "sni_hostname": host},
            )
            try:
                response = await transport.handle_async_request(request)
            except httpx.ConnectError:
                if attempt == len(addresses):
                    raise
                continue
            try:
                return await _read(response)
            finally:
                await response.aclose()
    raise AssertionError("unreachable")  # pragma: no cover


async def _read(response: httpx.Response) -> bytes:
    """The body, inflated, at most MAX_BODY_BYTES of it; refused once past a limit, not read to its end."""
    if not 200 <= response.status_code < 300:
        raise _Failed(HTTP_ERROR, f"HTTP {response.status_code}")
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_WIRE_BYTES:
        raise _Failed(TOO_LARGE, f"Content-Length {length}")
    inflater = _Inflater.for_encoding(response.headers.get("content-encoding", ""))
    body = bytearray()
    sent = 0
    async for chunk in response.aiter_raw():
        sent += len(chunk)
        if sent > MAX_WIRE_BYTES:
            raise _Failed(TOO_LARGE, f"more than {MAX_WIRE_BYTES} bytes sent")
        body += inflater.feed(chunk, MAX_BODY_BYTES - len(body))
    body += inflater.finish(MAX_BODY_BYTES - len(body))
    return bytes(body)


class _Inflater:
    """Undoes the content encoding a bounded piece at a time: never more than `room` bytes out."""

    def __init__(self, decompressor: Any | None) -> None:
        self._decompressor = decompressor

    @classmethod
    def for_encoding(cls, header: str) -> _Inflater:
        codings = [coding.strip().lower() for coding in header.split(",") if coding.strip()]
        codings = [coding for coding in codings if coding != "identity"]
        if not codings:
            return cls(None)
        if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
            return cls(zlib.decompressobj(wbits=zlib.MAX_WBITS | 32))  # gzip or zlib header, detected
        raise _Failed(BAD_ENCODING, f"Content-Encoding {header}")

    def feed(self, data: bytes, room: int) -> bytes:
        if self._decompressor is None:
            out = data
        elif self._decompressor.eof:
            return b""  # whatever follows the compressed stream is ignored
        else:
            try:
                out = self._decompressor.decompress(data, room + 1)
            except zlib.error as error:
                raise _Failed(BAD_ENCODING, str(error)) from None
        if len(out) > room:
            raise _Failed(TOO_LARGE, f"more than {MAX_BODY_BYTES} bytes once inflated")
        return out

    def finish(self, room: int) -> bytes:
        if self._decompressor is None or self._decompressor.eof:
            return b""
        try:
            out = self._decompressor.flush()
        except zlib.error as error:
            raise _Failed(BAD_ENCODING, str(error)) from None
        if len(out) > room:
            raise _Failed(TOO_LARGE, f"more than {MAX_BODY_BYTES} bytes once inflated")
        return out


def _parse(body: bytes) -> Any:
    """JSON, refused when nested deeper than MAX_JSON_DEPTH (run in a thread: it takes a while on 2 MB)."""
    try:
        value = json.loads(body)
    except RecursionError:
        raise _Failed(TOO_DEEP, "deeper than the parser's recursion limit") from None
    except ValueError as error:  # including UnicodeDecodeError and integers too long to read
        raise _Failed(NOT_JSON, type(error).__name__) from None
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise _Failed(TOO_DEEP)
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit` (without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class Puller:
    """One service's pull-source work, in process: fetches at most MAX_CONCURRENT_PULLS at a time,
    runs the tick's digests of campaigns with a pull source in the background (one per campaign at a
    time), and limits `/warroom digest` of such a campaign to once per MANUAL_DIGEST_INTERVAL."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_PULLS)
        self._running: dict[int, asyncio.Task[None]] = {}
        self._asked: dict[int, datetime] = {}

    async def fetch(self, url: str) -> Pulled:
        async with self._slots:
            return await fetch(url, allow_private=self.allow_private)

    def start(self, campaign_id: int, work: Callable[[], Coroutine[Any, Any, None]]) -> bool:
        """Run `work` in the background unless the campaign's is still running; whether it started."""
        if campaign_id in self._running:
            return False
        task = asyncio.create_task(work())
        self._running[campaign_id] = task
        task.add_done_callback(lambda _: self._running.pop(campaign_id, None))
        return True

    def running(self, campaign_id: int) -> bool:
        return campaign_id in self._running

    async def settle(self) -> None:
        """Wait until no background work is left (tests). A service stopping does not wait: a digest
        whose task is cancelled before it claimed its slot is posted when the service is back."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    def ask(self, campaign_id: int, now: datetime) -> timedelta | None:
        """Take the campaign's manual digest turn at `now`; or how long until the next one is free."""
        last = self._asked.get(campaign_id)
        if last is not None and now < last + MANUAL_DIGEST_INTERVAL:
            return last + MANUAL_DIGEST_INTERVAL - now
        self._asked[campaign_id] = now
        return None


_PULLERS: dict[int, Puller] = {}


def puller(runtime: Runtime) -> Puller:
    """The runtime's `Puller` (a Runtime is a dataclass, not hashable: kept by id until it is freed)."""
    key = id(runtime)
    found = _PULLERS.get(key)
    if found is None:
        found = _PULLERS[key] = Puller(runtime.settings.pull_allow_private)
        weakref.finalize(runtime, _PULLERS.pop, key, None)
    return found
