"""The long-lived sidecar: one per data directory, on 127.0.0.1, refreshing on arXiv's schedule.

SIGTERM and SIGINT stop it cleanly: new requests end, a store write in progress finishes, files close.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import logging.handlers
import os
import signal
from collections.abc import Callable

from aiohttp import web

from .. import __version__
from ..api.app import LISTENING, create_app
from ..api.context import REFRESHER, SCHEDULE, SHELF
from ..config import Config, ConfigError, load_config
from ..ingest.fetcher import Fetcher
from ..paths import Paths
from ..store.paper_store import StoreError
from .card_shelf import CardShelf
from .library import Library
from .parsing import ProcessParser
from .runtime import HOST, LOG_FILE, InstanceLock, Runtime, ServiceError, load_or_create_token
from .scheduler import Scheduler

log = logging.getLogger("academichub.service.serve")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)  # the desktop session and systemd at logout, and Ctrl-C
STOP_GRACE = 3.5  # seconds for the clean stop, within the 5 s a session manager waits before SIGKILL


# ---- logging ----


def setup_logging(paths: Paths, config: Config) -> logging.Handler:
    """A rotating log in the state dir, for everything under the `academichub` logger."""
    paths.state.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        paths.state / LOG_FILE,
        maxBytes=config.log.max_kib * 1024,
        backupCount=config.log.backups,
        encoding="utf-8",
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("academichub")
    root.setLevel(config.log.level)
    root.addHandler(handler)
    return handler


# ---- the service ----


def _on_signal(signum: int, stop: asyncio.Event, lock: InstanceLock) -> None:
    """The first signal stops the service cleanly; a second one, while that is under way, at once."""
    name = signal.Signals(signum).name
    if not stop.is_set():
        log.info("%s received", name)
        stop.set()
        return
    log.warning("%s received again: stopping at once, without waiting for the refresh or a write", name)
    lock.release()  # the store's own files stay whole: a commit cut short is rolled back at the next start
    logging.shutdown()
    os._exit(128 + signum)


async def _stop_now(app: web.Application, library: Library, lock: InstanceLock) -> None:
    """The clean stop is still waiting (the model's thread evaluating a long prompt cannot be interrupted
    before its next token): close the store, the one thing that must end cleanly, and exit."""
    log.warning(
        "still stopping after %g s: closing the store and exiting without waiting for the rest", STOP_GRACE
    )
    await app[REFRESHER].stop()
    await asyncio.to_thread(library.close)  # waits for a store write in progress
    log.info("stopped")
    lock.release()
    logging.shutdown()
    os._exit(0)


async def _warm_cards(shelf: CardShelf) -> None:
    await shelf.warm()
    # The store's index and the days' cards are now most of the heap and live as long as the service. A
    # full collection walks them all (0.2-0.35 s measured with 100,000 papers, a pause every request would
    # feel); frozen, the collector leaves them out. They are still freed by reference counting when replaced.
    gc.freeze()


async def serve(
    paths: Paths,
    port: int | None = None,
    *,
    on_ready: Callable[[Runtime, str], None] | None = None,
    fetcher_factory: Callable[[], Fetcher] = Fetcher,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until SIGTERM/SIGINT (or `stop`); raises AlreadyRunning if this data dir has a service."""
    lock = InstanceLock(paths)
    lock.acquire()
    handler: logging.Handler | None = None
    try:
        try:
            config = load_config(paths.config_file)
            handler = setup_logging(paths, config)
            token = load_or_create_token(paths)
            library = await asyncio.to_thread(Library, paths)
        except (ConfigError, StoreError, OSError) as exc:
            raise ServiceError(str(exc)) from exc
        parser = ProcessParser()
        app = create_app(library, token, fetcher_factory=fetcher_factory, parser=parser)
        scheduler = Scheduler(library, app[REFRESHER])
        app[SCHEDULE] = scheduler.state
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        wanted = config.server.port if port is None else port
        site = web.TCPSite(runner, HOST, wanted, backlog=1024)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise ServiceError(f"cannot listen on {HOST}:{wanted}: {exc.strerror or exc}") from exc
        bound = runner.addresses[0][1]
        app[LISTENING].port = bound
        runtime = Runtime(port=bound, pid=os.getpid())
        lock.write_runtime(runtime)
        log.info("AcademicHub %s serving %s (pid %d)", __version__, runtime.url, runtime.pid)

        own_stop = stop is None  # stopped by a signal: this process is the service
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, _on_signal, signum, stop, lock)
        # The parsing process and the recent days' cards are made ready in the background: the first
        # refresh and the popup's first look then cost the loop nothing.
        warming = [
            asyncio.create_task(asyncio.to_thread(parser.warm)),
            asyncio.create_task(_warm_cards(app[SHELF])),
        ]
        schedule = asyncio.create_task(scheduler.run(), name="schedule")
        if on_ready is not None:
            on_ready(runtime, token)
        try:
            await stop.wait()
        finally:
            log.info("stopping")
            for task in (schedule, *warming):
                task.cancel()
            for task in (schedule, *warming):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            try:
                # Ends the streams, stops the refresh and a briefing, waits for a store write, closes it.
                cleanup = asyncio.ensure_future(runner.cleanup())
                done, _ = await asyncio.wait({cleanup}, timeout=STOP_GRACE if own_stop else None)
                if not done:
                    await _stop_now(app, library, lock)
            finally:
                for signum in STOP_SIGNALS:
                    loop.remove_signal_handler(signum)
            log.info("stopped")
    finally:
        lock.release()
        if handler is not None:
            logging.getLogger("academichub").removeHandler(handler)
            handler.close()
