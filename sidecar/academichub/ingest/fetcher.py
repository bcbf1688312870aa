"""Polite HTTP downloads of feeds: conditional GET, timeouts, retries, one request at a time per host.

arXiv asks for one request every three seconds and a single connection at a time; every other publisher
gets a shorter gap. The fetcher enforces both for every caller, so the refresh can start all sources at
once and backfill can page the export API without either knowing about the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import errno
import ipaddress
import socket
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType

import aiohttp
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

from .. import USER_AGENT

MB = 1024 * 1024

# Seconds between the end of one request and the start of the next to the same host.
POLITE_GAPS: dict[str, float] = {"arxiv.org": 3.0, "rss.arxiv.org": 3.0, "export.arxiv.org": 3.0}
DEFAULT_GAP = 1.0

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CONNECT_TIMEOUT = getattr(aiohttp, "ConnectionTimeoutError", ())  # aiohttp 3.10+; before, a plain timeout


class FetchError(Exception):
    """A download that failed; `reason` says why in words a user can act on."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class Offline(FetchError):
    """The host's name could not be looked up: most often no network at all (a laptop on a train). Not
    retried: ten sources times three tries of a lookup that cannot succeed only delay saying so."""


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str  # after redirects
    status: int
    body: bytes | None  # None for 304 Not Modified: nothing to parse
    etag: str | None
    last_modified: str | None
    elapsed: float  # seconds from the first try to the last byte, waits and retries included
    tries: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds to wait: either delay-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _seconds(value: float) -> str:
    return f"{value:g} s"


def private_address(address: str) -> bool:
    """Loopback, link-local, private, or otherwise not a public internet address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))
    except ValueError:
        return False
    return not ip.is_global


class PrivateAddress(OSError):
    """A feed's host (or a redirect's) is on this machine or the local network, not added by the user."""


class _PublicResolver(ThreadedResolver):
    """Resolves as usual, but a name the user did not add must not lead to a private address: a public feed
    (or its redirect, or a DNS answer) cannot point the sidecar at the router or another local service."""

    def __init__(self, trusted: set[str]):
        super().__init__()
        self.trusted = trusted

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await super().resolve(host, port, family)
        if host.lower() not in self.trusted and any(private_address(r["host"]) for r in results):
            raise PrivateAddress(f"{host} leads to a private address")
        return results


class _Retry(Exception):
    """One try failed in a way worth trying again."""

    def __init__(self, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class Fetcher:
    """Owns one aiohttp session; use as `async with Fetcher() as fetcher: await fetcher.fetch(url)`."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        tries: int = 3,
        backoff: float = 2.0,
        max_retry_after: float = 120.0,
        max_bytes: int = 20 * MB,
        gaps: Mapping[str, float] | None = None,
        default_gap: float = DEFAULT_GAP,
        user_agent: str = USER_AGENT,
        trusted_hosts: Iterable[str] = (),
    ):
        if tries < 1:
            raise ValueError(f"tries must be at least 1, not {tries}")
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.tries = tries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self.gaps = dict(POLITE_GAPS if gaps is None else gaps)
        self.default_gap = default_gap
        self.user_agent = user_agent
        self._session: aiohttp.ClientSession | None = None
        # Hosts the user added, which may be on this machine or the local network (a self-hosted feed).
        self.trusted_hosts: set[str] = {h.lower() for h in trusted_hosts}
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._host_free_at: dict[str, float] = {}  # loop time before which the host gets no request

    async def __aenter__(self) -> Fetcher:
        trace = aiohttp.TraceConfig()
        trace.on_request_redirect.append(self._check_redirect)
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(resolver=_PublicResolver(self.trusted_hosts)),
            trace_configs=[trace],
            timeout=aiohttp.ClientTimeout(total=self.timeout, connect=self.connect_timeout),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            auto_decompress=True,
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def trust(self, urls: Iterable[str]) -> None:
        """The hosts of these URLs (the user's own sources) may be private addresses."""
        self.trusted_hosts.update((URL(url).host or "").lower() for url in urls)

    def _refused(self, host: str) -> bool:
        return host.lower() not in self.trusted_hosts and private_address(host)

    async def _check_redirect(self, session: object, context: object, params: object) -> None:
        location = params.response.headers.get("Location", "")  # type: ignore[attr-defined]
        target = params.url.join(URL(location)) if location else None  # type: ignore[attr-defined]
        if target is not None and self._refused(target.host or ""):
            raise PrivateAddress(f"a redirect to {target.host} leads to a private address")

    def gap_for(self, host: str) -> float:
        return self.gaps.get(host, self.default_gap)

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Download `url`; a 304 (the validators still match) comes back with body None."""
        if self._session is None:
            raise RuntimeError("Fetcher is not open: use `async with Fetcher() as fetcher`")
        host = (URL(url).host or "").lower()
        if not host:
            raise FetchError(url, "not an http(s) URL")
        if self._refused(host):
            raise FetchError(url, f"{host} is a private address, and only a feed you added may be one")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        loop = asyncio.get_running_loop()
        started = loop.time()
        for attempt in range(1, self.tries + 1):
            try:
                async with self._host_turn(host):
                    status, final_url, response_headers, body = await self._get(url, host, headers)
            except _Retry as retry:
                if attempt == self.tries:
                    raise FetchError(url, f"{retry.reason} after {self.tries} tries") from None
                await asyncio.sleep(
                    retry.wait if retry.wait is not None else self.backoff * 2 ** (attempt - 1)
                )
                continue
            return FetchResult(
                url=url,
                final_url=final_url,
                status=status,
                body=body,
                etag=response_headers.get("ETag"),
                last_modified=response_headers.get("Last-Modified"),
                elapsed=loop.time() - started,
                tries=attempt,
            )
        raise AssertionError("unreachable")  # the loop returns or raises

    @contextlib.asynccontextmanager
    async def _host_turn(self, host: str) -> AsyncIterator[None]:
        """The host's single slot: wait for the previous request's gap; the next gap starts on leaving."""
        async with self._host_locks.setdefault(host, asyncio.Lock()):
            loop = asyncio.get_running_loop()
            wait = self._host_free_at.get(host, 0.0) - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                # max: a Retry-After the response set for the host outlasts the usual gap.
                free_at = loop.time() + self.gap_for(host)
                self._host_free_at[host] = max(free_at, self._host_free_at.get(host, 0.0))

    async def _get(
        self, url: str, host: str, headers: dict[str, str]
    ) -> tuple[int, str, Mapping[str, str], bytes | None]:
        assert self._session is not None
        try:
            async with self._session.get(url, headers=headers) as response:
                status = response.status
                if status == 304:
                    return status, str(response.url), response.headers, None
                if status in RETRY_STATUSES:
                    raise self._retry_for(url, host, response)
                if status >= 400:
                    raise FetchError(url, f"HTTP {status} {response.reason or ''}".rstrip())
                body = await self._read_capped(url, response)
                return status, str(response.url), response.headers, body
        except _CONNECT_TIMEOUT:
            raise FetchError(url, f"no connection within {_seconds(self.connect_timeout)}") from None
        except TimeoutError:
            # Not retried: a server that hangs would hold the host's turn for tries x timeout.
            raise FetchError(url, f"timed out after {_seconds(self.timeout)}") from None
        except aiohttp.TooManyRedirects:
            raise FetchError(url, "too many redirects") from None
        except PrivateAddress as exc:
            raise FetchError(url, f"{exc}, and only a feed you added may be one") from None
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, PrivateAddress):
                raise FetchError(url, f"{exc.os_error}, and only a feed you added may be one") from None
            if isinstance(exc.os_error, socket.gaierror):
                raise Offline(url, f"cannot look up {host}: no network, or no such host") from None
            refused = getattr(exc.os_error, "errno", None) == errno.ECONNREFUSED
            raise _Retry("connection refused" if refused else f"cannot connect ({exc.os_error})") from None
        except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
            raise _Retry(f"connection broken ({exc.__class__.__name__})") from None
        except aiohttp.ClientError as exc:
            raise FetchError(url, f"bad response ({exc})") from None

    def _retry_for(self, url: str, host: str, response: aiohttp.ClientResponse) -> _Retry:
        reason = f"HTTP {response.status}"
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            return _Retry(reason)
        if wait > self.max_retry_after:
            # Waiting that long would stall the refresh, and taking it as the whole host's wait would stall
            # every other feed there (six of the ten default sources share arxiv.org): this feed alone fails.
            raise FetchError(url, f"{reason}; asked to retry after {_seconds(round(wait))}")
        # A short wait applies to every request to the host, not only this one.
        self._host_free_at[host] = asyncio.get_running_loop().time() + wait
        return _Retry(reason, wait)

    async def _read_capped(self, url: str, response: aiohttp.ClientResponse) -> bytes:
        limit = f"response larger than {self.max_bytes / MB:g} MB"
        if response.content_length is not None and response.content_length > self.max_bytes:
            raise FetchError(url, limit)
        chunks: list[bytes] = []
        size = 0
        # Counted after decompression, so a small gzip body that inflates past the cap is stopped too.
        async for chunk in response.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(url, limit)
            chunks.append(chunk)
        return b"".join(chunks)
