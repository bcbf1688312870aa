"""A real aiohttp server on 127.0.0.1 that serves the recorded feeds and misbehaves on request.

Tests register a handler per path (`server.serve("/x", recorded(file))`) and read back what arrived:
when, on which Host, with which headers. The same server is two hosts to a client: 127.0.0.1 and localhost.
Each test module opens one per test with `async with FeedServer() as server` in a fixture.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from academichub.ingest.fetcher import Fetcher

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
SEED_DAY = Path(__file__).parents[1] / "sidecar" / "academichub" / "data" / "seed-day"
LAST_MODIFIED = "Wed, 24 Jun 2026 04:00:00 GMT"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Arrival:
    path: str
    host: str  # the Host header without the port: which host the client thinks it talks to
    query: dict[str, str]
    headers: dict[str, str]
    started: float  # time.monotonic() when the request arrived
    finished: float = 0.0  # ... and when its handler returned


class FeedServer:
    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        self.arrivals: list[Arrival] = []
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        # A short shutdown: a handler still sleeping for a timeout test is cancelled, not waited for.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path: str, handler: Handler) -> str:
        """Answer `path` with `handler`; returns the URL to fetch."""
        self.handlers[path] = handler
        return self.url(path)

    def arrivals_at(self, path: str) -> list[Arrival]:
        return [a for a in self.arrivals if a.path == path]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        arrival = Arrival(
            path=request.path,
            host=request.host.rsplit(":", 1)[0],
            query=dict(request.query),
            headers=dict(request.headers),
            started=time.monotonic(),
        )
        self.arrivals.append(arrival)
        handler = self.handlers.get(request.path)
        try:
            if handler is None:
                return web.Response(status=404, text=f"nothing recorded at {request.path}")
            return await handler(request)
        finally:
            arrival.finished = time.monotonic()


def etag_of(data: bytes) -> str:
    return '"' + hashlib.sha1(data).hexdigest()[:16] + '"'


def recorded(file: Path, *, content_type: str = "application/xml") -> Handler:
    """Serve a recording as a feed server does: ETag and Last-Modified, 304 when the client's still match."""
    data = file.read_bytes()
    etag = etag_of(data)

    async def handler(request: web.Request) -> web.Response:
        validators = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if (
            request.headers.get("If-None-Match") == etag
            or request.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            return web.Response(status=304, headers=validators)
        return web.Response(body=data, content_type=content_type, headers=validators)

    return handler


def body(data: bytes, *, status: int = 200, content_type: str = "application/xml", **headers: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, body=data, content_type=content_type, headers=headers)

    return handler


def status(code: int, **headers: str) -> Handler:
    return body(f"HTTP {code}".encode(), status=code, content_type="text/plain", **headers)


def slow(seconds: float, then: Handler | None = None) -> Handler:
    """Take `seconds` before answering (with `then`, or an empty 200)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return await (then or body(b""))(request)

    return handler


def gzipped(file: Path) -> Handler:
    data = gzip.compress(file.read_bytes())

    async def handler(request: web.Request) -> web.Response:
        headers = {"Content-Encoding": "gzip"}
        return web.Response(body=data, content_type="application/xml", headers=headers)

    return handler


def streamed(total: int, chunk: int = 256 * 1024) -> Handler:
    """A body of `total` bytes sent in chunks with no Content-Length, as a chunked response arrives."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        sent = 0
        try:
            while sent < total:
                await response.write(b"x" * min(chunk, total - sent))
                sent += chunk
            await response.write_eof()
        except ConnectionError:
            pass  # the client hung up, as it should past its size cap
        return response

    return handler


def in_turn(*handlers: Handler) -> Handler:
    """Answer successive requests with successive handlers; the last one answers the rest."""
    calls = 0

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal calls
        calls += 1
        return await handlers[min(calls, len(handlers)) - 1](request)

    return handler


def quick_fetcher(**settings) -> Fetcher:
    """A fetcher for this server with test-sized waits: no gap between requests, hundredths of a second of
    backoff, its two hosts trusted though they are private addresses."""
    return Fetcher(
        **{
            "timeout": 2.0,
            "backoff": 0.01,
            "gaps": {},
            "default_gap": 0.0,
            "trusted_hosts": ["127.0.0.1", "localhost"],
        }
        | settings
    )
