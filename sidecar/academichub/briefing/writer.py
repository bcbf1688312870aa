"""The briefing pipeline: code plans and assembles it, a model improves what it can, code checks every word.

Code groups the papers into themes, finds their key phrases, each paper's contribution and the cross-field
links, and writes a whole briefing from them (assemble). A model then gets what it does reliably. The
bundled SmolLM2-135M chooses each theme's name among its key phrases (the grammar allows nothing else);
asked to join two facts into one sentence it dropped a citation, copied both facts or wrote nothing in 8
of 8 tries on an unseen day, so it is not asked. A capable model (llm.capabilities) also joins facts,
writes what a theme's papers share and where they differ, and why a cross-field link matters. Every
sentence is checked (tasks.check_sentence); one that fails leaves the code's sentence in place. A model
that cannot be loaded or fails leaves the code's briefing, saying why.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

from ..llm.base import ModelUnavailable
from ..llm.capabilities import writes_chinese, writes_synthesis
from ..llm.manager import ModelManager
from ..models import Card
from . import assemble
from .model import Briefing, BriefingEvent, Language, Stage, Statement, Theme
from .phrases import display
from .plan import Plan, PlannedTheme, plan_briefing
from .prose import ProseTap
from .tasks import SEED, ModelTasks
from .themes import field_of

log = logging.getLogger(__name__)

OnEvent = Callable[[BriefingEvent], None]

_REASONS = {
    "no_papers": {"en": "there are no papers to brief", "zh": "没有可供简报的论文"},
    "no_model": {"en": "no model is configured", "zh": "没有配置模型"},
    "unavailable": {"en": "the model could not be used ({detail})", "zh": "模型无法使用（{detail}）"},
    "failed": {"en": "{model} failed ({detail})", "zh": "{model} 运行失败（{detail}）"},
}
_NOT_BY_A_MODEL = {
    "en": "No model took part: {reason}.",
    "zh": "本简报没有模型参与：{reason}。",
}


def reason(kind: str, language: Language, **details: object) -> str:
    """Why no model took part, in the briefing's language (file names and llama.cpp's words stay)."""
    text = _REASONS[kind][language].format(**details)
    return _NOT_BY_A_MODEL[language].format(reason=text.rstrip(".。"))


class BriefingWriter:
    def __init__(
        self,
        manager: ModelManager | None,
        *,
        language: Language = "en",
        seed: int | None = SEED,
        on_event: OnEvent | None = None,
        capable: bool | None = None,
    ):
        self.manager = manager
        self.language = language
        self.seed = seed
        self._on_event = on_event
        self.capable = capable  # None: told from the model (llm.capabilities)
        self._names = self._sentences = self._asked = 0

    def _emit(self, **fields: Any) -> None:
        if self._on_event is not None:
            self._on_event(BriefingEvent(**fields))

    def _progress(self, stage: Stage, step: int, steps: int) -> None:
        self._emit(event="progress", stage=stage, step=step, steps=steps)

    def _preview(self, section: str) -> Callable[[str], None]:
        tap = ProseTap()

        def on_token(piece: str) -> None:
            if prose := tap.feed(piece):
                self._emit(event="text", section=section, text=prose)

        return on_token

    # ---- the model's parts ----

    async def _theme(self, tasks: ModelTasks, planned: PlannedTheme, theme: Theme, section: str) -> Theme:
        cards = planned.group.cards
        self._asked += len(planned.options) > 1 or bool(self.capable)
        name = None
        if len(planned.options) > 1:
            name = await tasks.choose_name(cards, planned.options, self._preview(section))
        if name is not None:
            theme.named_by = "model"
            self._names += 1
            if name != planned.name:
                theme.title = display(name)
                theme.statements = assemble.theme_sentences(name, planned.contributions, self.language)
        if not self.capable:
            return theme
        contributions = {c.card: c for c in planned.contributions}
        statements = list(theme.statements)
        for i, statement in enumerate(statements):
            if len(statement.cites) != 2:
                continue
            parts = [assemble.part(contributions[n], self.language) for n in statement.cites]
            facts = [assemble.join_parts([p], self.language) for p in parts]
            plain = assemble.join_parts(parts, self.language)
            verdict = await tasks.join(facts, statement.cites, cards, plain, self._preview(section))
            if verdict.text is not None:
                statements[i] = Statement(text=verdict.text, cites=statement.cites, by="model")
                self._sentences += 1
            else:
                log.info("%s: join kept the code's sentence (%s)", section, verdict.reason)
        by_n = {c.n: c for c in cards}
        lines = [f"[{c.card}] {by_n[c.card].title}: {assemble.part(c, 'en')}." for c in planned.contributions]
        verdict = await tasks.synthesis(lines, planned.group.numbers, cards, self._preview(section))
        if verdict.text is not None:
            statements.append(Statement(text=verdict.text, cites=planned.group.numbers, by="model"))
            self._sentences += 1
        else:
            log.info("%s: synthesis left out (%s)", section, verdict.reason)
        theme.statements = statements
        return theme

    async def _links(self, tasks: ModelTasks, plan: Plan, links: list[Statement]) -> list[Statement]:
        """The code's sentence names what two papers share; a capable model adds why that matters."""
        out = []
        for link, statement in zip(plan.links, links, strict=True):
            pair = [link.first, link.second]
            lines = [
                f"[{c.n}] {c.title} ({field_of(c)}): {assemble.part(plan.contributions[c.n], 'en')}."
                for c in pair
            ]
            verdict = await tasks.why_linked(lines, link.term, statement.cites, pair, self._preview("links"))
            out.append(statement)
            if verdict.text is not None:
                out.append(Statement(text=verdict.text, cites=statement.cites, by="model"))
                self._sentences += 1
            else:
                log.info("links: no reason added (%s)", verdict.reason)
        return out

    # ---- the whole ----

    async def write(
        self,
        cards: Sequence[Card],
        *,
        day: dt.date | None = None,
        corpus: Sequence[Card] | None = None,
        radar_scores: Mapping[str, float] | None = None,
    ) -> Briefing:
        """Write the briefing of `cards` (already selected); `corpus` is the whole day, for word rarity."""
        self._names = self._sentences = self._asked = 0
        plan = plan_briefing(cards, corpus=corpus, radar_scores=radar_scores)
        if not cards:
            return self._finish(
                assemble.code_briefing(plan, self.language, day, reason("no_papers", self.language))
            )
        if self.manager is None:
            return self._finish(
                assemble.code_briefing(plan, self.language, day, reason("no_model", self.language))
            )
        name = self.manager.name
        tasks = ModelTasks(self.manager, self.language, self.seed)
        try:
            self._progress("loading", 0, 1)
            await self.manager.load()
            name = self.manager.name  # a server names its model once asked
            if self.language == "zh" and not writes_chinese(name):
                # Its sentences would be English in a Chinese briefing: code writes it all, and says why.
                notice = assemble.ENGLISH_ONLY_ZH.format(model=name)
                return self._finish(assemble.code_briefing(plan, self.language, day, notice))
            if self.capable is None:
                self.capable = writes_synthesis(self.manager.backend)
            briefing = assemble.code_briefing(plan, self.language, day, None)
            steps = len(plan.themes) + (1 if plan.links and self.capable else 0) + 2
            for i, (planned, theme) in enumerate(zip(plan.themes, briefing.themes, strict=False), start=1):
                self._progress("theme", i, steps)
                await self._theme(tasks, planned, theme, f"theme:{i}")
                self._emit(event="section", section=f"theme:{i}", theme=theme)
            if plan.links and self.capable:
                self._progress("links", len(plan.themes) + 1, steps)
                briefing.links = await self._links(tasks, plan, briefing.links)
                self._emit(event="section", section="links", statements=briefing.links)
        except ModelUnavailable as exc:
            self._emit(event="notice", text=str(exc))
            fallback = reason("unavailable", self.language, detail=exc)
            return self._finish(assemble.code_briefing(plan, self.language, day, fallback))
        except (RuntimeError, ValueError) as exc:  # llama.cpp's decode failures, a context overflow
            log.exception("the model failed while writing the briefing")
            self._emit(event="notice", text=f"{name}: {exc}")
            fallback = reason("failed", self.language, model=name, detail=exc)
            return self._finish(assemble.code_briefing(plan, self.language, day, fallback))
        briefing.headline, briefing.overview = assemble.code_opening(briefing.themes, plan, self.language)
        self._progress("opening", steps - 1, steps)
        self._emit(
            event="section", section="opening", headline=briefing.headline, statements=briefing.overview
        )
        self._progress("read_first", steps, steps)
        self._emit(event="section", section="read_first", read_first=briefing.read_first)
        briefing.model = name
        briefing.extractive = False
        briefing.credits = assemble.credits(name, self._names, self._sentences, self.language, self._asked)
        return self._finish(briefing)

    def _finish(self, briefing: Briefing) -> Briefing:
        self._progress("done", 1, 1)
        self._emit(event="briefing", briefing=briefing)
        return briefing


async def write_briefing(
    cards: Sequence[Card],
    manager: ModelManager | None,
    *,
    language: Language = "en",
    day: dt.date | None = None,
    corpus: Sequence[Card] | None = None,
    radar_scores: Mapping[str, float] | None = None,
    on_event: OnEvent | None = None,
    seed: int | None = SEED,
    capable: bool | None = None,
) -> Briefing:
    """The briefing of `cards`; `capable` gives the model the synthesis tasks whatever its size (None: by
    its size and name)."""
    writer = BriefingWriter(manager, language=language, seed=seed, on_event=on_event, capable=capable)
    return await writer.write(cards, day=day, corpus=corpus, radar_scores=radar_scores)


async def stream_briefing(
    cards: Sequence[Card], manager: ModelManager | None, **options: Any
) -> AsyncIterator[BriefingEvent]:
    """The events of write_briefing as an async iterator, ending with the `briefing` event. Leaving the
    loop early (a client that went away) cancels the generation."""
    queue: asyncio.Queue[BriefingEvent | None] = asyncio.Queue()
    task = asyncio.create_task(write_briefing(cards, manager, on_event=queue.put_nowait, **options))
    task.add_done_callback(lambda _: queue.put_nowait(None))
    try:
        while (event := await queue.get()) is not None:
            yield event
        await task  # re-raise what went wrong, if anything did
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
