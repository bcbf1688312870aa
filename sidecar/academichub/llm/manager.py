"""The one model of the service: loaded on first use, one generation at a time, cancellable, and given back
after an idle period.

Every backend call runs on one dedicated thread: loading takes seconds and generating tens of seconds, and
the event loop meanwhile keeps serving the cards (llama.cpp's ctypes calls release the GIL).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .base import Generation, GenerationRequest, ModelBackend, ModelUnavailable
from .local import LocalModel
from .openai_compat import OpenAICompatibleModel

if TYPE_CHECKING:
    from ..config import ModelSettings


def backend_for(settings: ModelSettings) -> ModelBackend:
    """An endpoint URL wins over a file: the user who names a lab server means to use it."""
    if settings.endpoint:
        return OpenAICompatibleModel(settings.endpoint, settings.endpoint_model)
    return LocalModel(
        Path(settings.path).expanduser() if settings.path else None,
        threads=settings.threads,
        context=settings.context,
        gpu_layers=settings.gpu_layers,
    )


class ModelManager:
    def __init__(self, backend: ModelBackend, *, idle_unload_s: float = 300.0):
        self.backend = backend
        self.idle_unload_s = idle_unload_s
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="academichub-model")
        self._lock = asyncio.Lock()  # callers queue here, in order, rather than inside the executor
        self._cancel: threading.Event | None = None
        self._idle_timer: asyncio.TimerHandle | None = None
        self._unloading: asyncio.Task[None] | None = None
        self._last_used = time.monotonic()
        self._loading = False
        self.load_error: str | None = None  # why the last load failed; cleared by the next that succeeds

    @classmethod
    def from_settings(cls, settings: ModelSettings) -> ModelManager:
        return cls(backend_for(settings), idle_unload_s=settings.idle_unload_seconds)

    @property
    def name(self) -> str:
        return self.backend.name

    @property
    def description(self) -> str:
        return self.backend.description

    @property
    def loaded(self) -> bool:
        return self.backend.loaded

    @property
    def state(self) -> Literal["not loaded", "loading", "ready", "failed"]:
        if self.backend.loaded:
            return "ready"
        if self._loading:
            return "loading"
        return "failed" if self.load_error is not None else "not loaded"

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def _off_loop(self, fn: Callable[..., object], *args: object) -> object:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def load(self) -> None:
        """Load now (the first generation would anyway); raises ModelUnavailable naming file and reason."""
        async with self._lock:
            self._loading = True
            try:
                await self._off_loop(self.backend.load)
            except ModelUnavailable as exc:
                self.load_error = str(exc)
                raise
            finally:
                self._loading = False
            self.load_error = None
            self._touch()

    async def generate(
        self, request: GenerationRequest, on_token: Callable[[str], None] | None = None
    ) -> Generation:
        """Run one generation; `on_token` is called on the event loop with each piece of text, in order.

        Cancelling the awaiting task (a client that went away) or calling cancel() stops the model within
        a token."""
        loop = asyncio.get_running_loop()

        def deliver(text: str) -> None:  # on the model's thread: hand the piece to the loop
            if on_token is not None:
                loop.call_soon_threadsafe(on_token, text)

        async with self._lock:
            cancel = self._cancel = threading.Event()
            job = loop.run_in_executor(self._executor, self.backend.generate, request, deliver, cancel)
            try:
                return await asyncio.shield(job)
            except asyncio.CancelledError:
                cancel.set()
                with contextlib.suppress(Exception):
                    await job  # the model's thread is ours again before the next caller gets the lock
                raise
            finally:
                self._cancel = None
                self._touch()

    def cancel(self) -> bool:
        """Stop the generation under way, if any; True when there was one."""
        if self._cancel is None:
            return False
        self._cancel.set()
        return True

    def _touch(self) -> None:
        self._last_used = time.monotonic()
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self.idle_unload_s > 0:
            loop = asyncio.get_running_loop()
            self._idle_timer = loop.call_later(self.idle_unload_s, self._start_idle_unload)

    def _start_idle_unload(self) -> None:
        self._unloading = asyncio.get_running_loop().create_task(self._unload_if_idle())  # kept: not GC'd

    async def _unload_if_idle(self) -> None:
        idle = time.monotonic() - self._last_used
        if self.busy or idle < self.idle_unload_s or not self.backend.loaded:
            return
        async with self._lock:
            if time.monotonic() - self._last_used >= self.idle_unload_s:  # no generation slipped in
                await self._off_loop(self.backend.unload)

    async def unload(self) -> None:
        async with self._lock:
            await self._off_loop(self.backend.unload)

    async def close(self) -> None:
        """At shutdown: stop what runs, give the memory back, end the thread."""
        self.cancel()
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        await self.unload()
        self._executor.shutdown(wait=False)
