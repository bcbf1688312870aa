"""Server-Sent Events: the refresh's progress now, the briefing's tokens later.

Each listener gets its own bounded queue, so a slow or stalled tab never holds up the refresh that publishes:
when its queue is full the oldest event is dropped (progress events carry the whole state, so the next one
makes up for it). The stream ends when the service shuts down.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web
from pydantic import BaseModel

KEEPALIVE_SECONDS = 15.0  # a comment line now and then, so proxies and the browser keep the stream open

_CLOSED = object()


class EventBus:
    def __init__(self, queue_size: int = 100):
        self._queue_size = queue_size
        self._listeners: set[asyncio.Queue[object]] = set()
        self._closed = False

    def publish(self, event: str, data: BaseModel) -> None:
        """Queue one event for every listener; never waits (safe to call from the loop's thread only)."""
        message = f"event: {event}\ndata: {data.model_dump_json()}\n\n".encode()
        for queue in self._listeners:
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(message)

    def close(self) -> None:
        """End every stream (at shutdown)."""
        self._closed = True
        for queue in self._listeners:
            with contextlib.suppress(asyncio.QueueEmpty):
                while queue.full():
                    queue.get_nowait()
            queue.put_nowait(_CLOSED)

    async def stream(
        self, request: web.Request, first: tuple[str, BaseModel] | None = None
    ) -> web.StreamResponse:
        """Answer `request` with an event stream until the client leaves or the bus closes."""
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        queue: asyncio.Queue[object] = asyncio.Queue(self._queue_size)
        if first is not None:
            event, data = first
            queue.put_nowait(f"event: {event}\ndata: {data.model_dump_json()}\n\n".encode())
        if self._closed:
            queue.put_nowait(_CLOSED)
        self._listeners.add(queue)
        try:
            await response.write(b"retry: 3000\n\n")
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    message = b": keepalive\n\n"
                if message is _CLOSED:
                    break
                assert isinstance(message, bytes)
                await response.write(message)
        except ConnectionResetError:
            return response  # the client left
        finally:
            self._listeners.discard(queue)
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response
