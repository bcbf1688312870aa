"""The service's briefing writer: one model per service, loaded on the first briefing and made again when
the model settings change, and one briefing written at a time (a second request for the same day waits for
the first and is then answered from the cache at once)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from ..api.models import ModelState
from ..briefing.day import brief_day
from ..briefing.model import Briefing, Language
from ..briefing.writer import OnEvent
from ..config import ModelSettings
from ..llm.manager import ModelManager, backend_for
from ..models import Card
from .library import Library


class BriefingDesk:
    def __init__(self, library: Library) -> None:
        self.library = library
        self._held: tuple[ModelSettings, ModelManager] | None = None
        self._writing = asyncio.Lock()

    async def model(self) -> ModelManager:
        """The model manager, made again when the settings changed (another GGUF file, say)."""
        settings = self.library.config.model
        if self._held is not None and self._held[0] == settings:
            return self._held[1]
        if self._held is not None:
            await self._held[1].close()
        manager = ModelManager.from_settings(settings)
        self._held = (settings.model_copy(), manager)
        return manager

    def model_state(self) -> ModelState:
        """For /status: the model as it stands, without making one (that waits for a briefing)."""
        if self._held is None or self._held[0] != self.library.config.model:
            return ModelState(name=backend_for(self.library.config.model).name)
        manager = self._held[1]
        return ModelState(state=manager.state, name=manager.name, error=manager.load_error)

    async def write(
        self,
        cards: Sequence[Card],
        *,
        day: dt.date,
        language: Language,
        fresh: bool,
        on_event: OnEvent,
    ) -> Briefing:
        manager = await self.model()
        async with self._writing:
            return await brief_day(
                cards,
                day=day,
                manager=manager,
                data_dir=self.library.paths.data,
                language=language,
                on_event=on_event,
                fresh=fresh,
            )

    async def close(self) -> None:
        """At shutdown: stop a generation under way and give the model's memory back."""
        held, self._held = self._held, None
        if held is not None:
            await held[1].close()
