"""The service's learned radar: the model loaded at start, trained again off the event loop whenever the
user's signals change, and served meanwhile as it was.

Every change, through the API (a star, a dismissal, an import) or by the CLI beside the service, is seen
by `current()`, which the routes call after a change and the cards route before it ranks: it compares the
signals' digest (three small files, read in a thread only when one of them was replaced) with the
model's. One training runs at a time; a change that lands during one starts another when it ends.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ..radar import interest
from ..radar.library.entries import FILE as LIBRARY_FILE
from ..radar.rules import FILE as RADAR_FILE
from ..radar.signals import FILE as STARS_FILE
from .library import Library

if TYPE_CHECKING:
    from ..radar.learn import InterestModel

log = logging.getLogger(__name__)


class InterestLearner:
    def __init__(self, library: Library):
        self.library = library
        self.data_dir: Path = library.paths.data
        self.model: InterestModel | None = None
        self.digest: str | None = None  # of the signals the model learnt (None: not loaded yet)
        self.state: interest.ModelState | None = None
        self.error: str | None = None
        self._files_seen: tuple | None = None
        self._training: asyncio.Task[None] | None = None
        self._again = False

    @property
    def training(self) -> bool:
        return self._training is not None and not self._training.done()

    async def start(self) -> None:
        """Load the saved model (a kill -9 left the last one whole) in the background, then train if the
        signals moved on: the service answers at once, its cards ranked by the rules until the model is in
        (loading it brings in scikit-learn, a second or two)."""
        self._training = asyncio.get_running_loop().create_task(self._load())

    async def _load(self) -> None:
        try:
            self.model, self.state = await asyncio.to_thread(interest.load, self.data_dir)
        except Exception as exc:  # an unreadable model is trained again
            log.exception("loading the learned radar failed")
            self.error = f"loading failed: {exc}"
        self.digest = self.state.digest if self.state else ""
        self._training, self._files_seen, self._again = None, None, False
        await self.current()

    async def current(self) -> InterestModel | None:
        """The model to rank with now; starts a training in the background when the signals changed."""
        seen = (
            self._files()
        )  # three stats, on the loop: as RadarBook.fresh_snapshot, cheaper than a thread hop
        if seen != self._files_seen:
            try:
                signals = await asyncio.to_thread(interest.read_signals, self.data_dir)
            except ValueError as exc:  # a damaged signal file: rank with the model as it is
                self.error = str(exc)
                return self.model
            self._files_seen = seen
            if signals.digest() != self.digest:
                self.changed()
        return self.model

    def changed(self) -> None:
        """The signals changed: train again (after the training under way, if one is)."""
        if self._training is not None and not self._training.done():
            self._again = True
            return
        self._training = asyncio.get_running_loop().create_task(self._train())

    async def idle(self) -> None:
        """Wait for the training under way, and the one it asked for, to end."""
        while self._training is not None and not self._training.done():
            await asyncio.shield(self._training)

    async def _train(self) -> None:
        while True:
            self._again = False
            try:
                signals = await asyncio.to_thread(interest.read_signals, self.data_dir)
                if signals.empty:  # nothing to learn from: rules only, and the store is not read at all
                    await asyncio.to_thread(interest.forget, self.data_dir)
                    model, state = None, None
                else:
                    examples = await self.library.in_store(functools.partial(self._examples, signals))
                    model, state = await asyncio.to_thread(interest.train, self.data_dir, signals, examples)
            except Exception as exc:  # a training that fails leaves the last model serving
                log.exception("training the learned radar failed")
                self.error = f"training failed: {exc}"
            else:
                self.model, self.state, self.digest, self.error = model, state, signals.digest(), None
            if not self._again:
                return

    def _examples(self, signals: interest.Signals) -> interest.TrainingSet:
        store = self.library.store
        return interest.training_set(signals, interest.stored_lookup(store), interest.recent_papers(store))

    def _files(self) -> tuple[tuple[int, int, int] | None, ...]:
        marks: list[tuple[int, int, int] | None] = []
        for name in (LIBRARY_FILE, STARS_FILE, RADAR_FILE):
            try:
                stat = (self.data_dir / name).stat()
                marks.append((stat.st_ino, stat.st_mtime_ns, stat.st_size))
            except FileNotFoundError:
                marks.append(None)
        return tuple(marks)
