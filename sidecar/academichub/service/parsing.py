"""Feed parsing in a separate process, so a big feed never holds the API's GIL.

A thread is not enough: feedparser is pure Python, and a 1,000-item arXiv feed keeps a worker thread busy
for about a second, during which the event loop thread gets the GIL back only between the interpreter's
switch intervals; measured with bench/api_load.py, cards requests then waited 300-700 ms. In a child
process the parse costs the server nothing but unpickling the result (about 10 ms for 1,000 papers).

`ProcessParser.parse_feed` has parse_feed's signature and blocks its caller (a worker thread of the
refresh) until the child answers, so it drops in where the refresh calls `parse_feed` in a thread.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import threading

from ..ingest.sources import parse_feed
from ..models import ParsedFeed, Source
from ..service.children import exit_with_parent


def _warm() -> None:
    """Run once in the child: the imports are the slow part of its first parse."""


def _child_setup(parent: int) -> None:
    # On two cores the parse, the server and the browser compete; the parse can wait, a click cannot.
    os.nice(10)
    exit_with_parent(parent)


class ProcessParser:
    def __init__(self) -> None:
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the feed parser is closed: the service is stopping")
            if self._pool is None:
                # spawn, not fork: forking a process that runs an event loop and threads copies their locks.
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_child_setup,
                    initargs=(os.getpid(),),
                )
            return self._pool

    def warm(self) -> None:
        """Start the child now (off the loop), so the first refresh does not wait for its imports."""
        self._executor().submit(_warm).result()

    def parse_feed(self, data: bytes, source: Source | None = None) -> ParsedFeed:
        try:
            return self._executor().submit(parse_feed, data, source).result()
        except concurrent.futures.process.BrokenProcessPool:
            # The child died (killed, out of memory): start a fresh one for this and later feeds.
            with self._lock:
                self._pool = None
            return self._executor().submit(parse_feed, data, source).result()

    def close(self) -> None:
        """End the child now: a parse has nothing to save, and a child still starting up (its imports take
        seconds on a busy laptop) would otherwise hold the service's stop."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is None:
            return
        children = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for child in children:
            child.terminate()
        for child in children:
            child.join(timeout=5)
