"""The briefing pipeline: code decides the structure, the model writes prose inside it, code checks it.

The cards are grouped into themes, links and read-first picks by code. Then the model answers one short
prompt per part (each theme, the cross-field links, the headline and overview, the read-first reasons),
its answer constrained to that part's JSON schema and streamed as it comes. Each answer's citations are
checked against the cards its prompt was given. A part that leaves nothing checkable is written by code
from the abstracts instead; a model that cannot be loaded or fails hands the whole briefing to code.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..llm.base import GenerationRequest, ModelUnavailable
from ..llm.manager import ModelManager
from ..models import Card
from . import prompts
from .citations import CitationChecker, CitationReport, tidy
from .extractive import (
    code_headline,
    digest_statement,
    extractive_briefing,
    extractive_theme,
    keyword_title,
    reason,
)
from .model import (
    Briefing,
    BriefingEvent,
    Language,
    LinksDraft,
    OpeningDraft,
    ReadFirst,
    ReadFirstDraft,
    Stage,
    Statement,
    Theme,
    ThemeDraft,
    draft_schema,
)
from .prose import ProseTap, close_json
from .select import pick_read_first
from .themes import LinkPair, ThemeGroup, find_links, group_themes

log = logging.getLogger(__name__)

Draft = TypeVar("Draft", bound=BaseModel)
OnEvent = Callable[[BriefingEvent], None]

# Answers stay short: a theme is a title and up to three sentences. At ~45 tokens/s on two cores,
# 90 tokens is about 2 s.
THEME_TOKENS = 90
LINK_TOKENS_PER_PAIR = 35
OPENING_TOKENS = 90
READ_FIRST_TOKENS = 80
TEMPERATURE = 0.2  # low: the model should restate, not invent
# SmolLM2-135M loops without it ("The Confronting the Confronting ..."); at 1.3 it breaks out of its JSON
# strings and writes junk. 1.1 stops most loops.
REPEAT_PENALTY = 1.1
SEED = 7  # fixed: the same day and model give the same briefing, and the tests can rely on it


class DraftError(ValueError):
    """The model's answer did not parse as the part it was asked for."""


def parse_draft(text: str, draft: type[Draft]) -> Draft:
    """Parse an answer, keeping what a cut-off answer completed (a statement missing its text is dropped)."""
    try:
        data: Any = close_json(text)
    except ValueError as exc:
        raise DraftError(str(exc)) from exc
    if isinstance(data, dict):
        for key in ("statements", "overview"):
            if isinstance(data.get(key), list):
                data[key] = [s for s in data[key] if isinstance(s, dict) and {"cites", "text"} <= s.keys()]
    try:
        return draft.model_validate(data)
    except ValidationError as exc:
        raise DraftError(f"{draft.__name__}: {exc.errors()[0]['msg']} in {text[:120]!r}") from exc


def _short(title: str, language: Language, words: int = 10) -> bool:
    """A title, not a sentence: a handful of words (Chinese has no spaces: count characters)."""
    if language == "zh" and not title.isascii():
        return 2 <= len(title) <= 3 * words
    return 2 <= len(title.split()) <= words


def _sentence(text: str, language: Language) -> bool:
    """Prose, not '1. 1. 2. 3.': a few words with letters in them."""
    if language == "zh" and not text.isascii():
        return len(text) >= 6
    return sum(any(ch.isalpha() for ch in word) for word in text.split()) >= 4


class BriefingWriter:
    def __init__(
        self,
        manager: ModelManager | None,
        *,
        language: Language = "en",
        seed: int | None = SEED,
        on_event: OnEvent | None = None,
    ):
        self.manager = manager
        self.language = language
        self.seed = seed
        self._on_event = on_event
        self._report = CitationReport()

    def _emit(self, **fields: Any) -> None:
        if self._on_event is not None:
            self._on_event(BriefingEvent(**fields))

    def _progress(self, stage: Stage, step: int, steps: int) -> None:
        self._emit(event="progress", stage=stage, step=step, steps=steps)

    async def _ask(
        self,
        section: str,
        messages: list[dict[str, str]],
        draft: type[Draft],
        schema: dict[str, Any],
        max_tokens: int,
    ) -> Draft:
        assert self.manager is not None
        tap = ProseTap()

        def on_token(piece: str) -> None:
            if prose := tap.feed(piece):
                self._emit(event="text", section=section, text=prose)

        request = GenerationRequest(
            messages=messages,
            json_schema=schema,
            max_tokens=max_tokens,
            temperature=TEMPERATURE,
            repeat_penalty=REPEAT_PENALTY,
            seed=self.seed,
        )
        result = await self.manager.generate(request, on_token)
        return parse_draft(result.text, draft)

    # ---- the parts ----

    async def _theme(
        self, index: int, group: ThemeGroup, digests: Mapping[str, str], checker: CitationChecker
    ) -> Theme:
        section = f"theme:{index}"
        try:
            answer = await self._ask(
                section,
                prompts.theme_prompt(group.cards, digests, self.language),
                ThemeDraft,
                draft_schema(ThemeDraft, group.numbers),
                THEME_TOKENS,
            )
        except DraftError as exc:
            log.warning("theme %d: %s", index, exc)
            answer = None
        statements: list[Statement] = []
        if answer is not None:
            drafted = [Statement(text=s.text, cites=s.cites) for s in answer.statements]
            statements, report = checker.check_all(drafted, allowed=group.numbers)
            self._report.add(report)
        if not statements or answer is None:
            return extractive_theme(group, digests)
        title = tidy(answer.title, 80)
        if not _short(title, self.language) or not checker.grounded(title, group.numbers):
            title = keyword_title(group)  # a paper's title copied whole, or 'The Future of AI: A New Era'
        return Theme(title=title, cards=group.numbers, keywords=group.keywords, statements=statements)

    async def _links(self, pairs: Sequence[LinkPair], checker: CitationChecker) -> list[Statement]:
        schema = draft_schema(LinksDraft, items=len(pairs))
        try:
            answer = await self._ask(
                "links",
                prompts.links_prompt(pairs, self.language),
                LinksDraft,
                schema,
                LINK_TOKENS_PER_PAIR * len(pairs) + 10,
            )
        except DraftError as exc:
            log.warning("links: %s", exc)
            return []
        links: list[Statement] = []
        for pair, text in zip(pairs, answer.links, strict=False):
            both = [pair.first.n, pair.second.n]
            checked, report = checker.check(Statement(text=text, cites=both), allowed=both)
            if checked is not None and len(checked.cites) < 2:  # a link about one paper links nothing
                report.dropped, checked = report.dropped + 1, None
            self._report.add(report)
            if checked is not None:
                links.append(checked)
        return links

    async def _opening(
        self, themes: Sequence[Theme], groups: Sequence[ThemeGroup], checker: CitationChecker
    ) -> tuple[str, list[Statement]]:
        shown = [
            (t.title, [c for c in g.cards if c.n == g.lead] + [c for c in g.cards if c.n != g.lead])
            for t, g in zip(themes, groups, strict=True)
        ]
        numbers = [c.n for _, cards in shown for c in cards[:2]]
        try:
            answer = await self._ask(
                "opening",
                prompts.opening_prompt(shown, self.language),
                OpeningDraft,
                draft_schema(OpeningDraft, numbers),
                OPENING_TOKENS,
            )
        except DraftError as exc:
            log.warning("opening: %s", exc)
            return "", []
        overview, report = checker.check_all(
            [Statement(text=s.text, cites=s.cites) for s in answer.overview], allowed=numbers
        )
        self._report.add(report)
        headline = tidy(answer.headline, 120)
        if not _short(headline, self.language, words=14) or not checker.grounded(headline, numbers):
            headline = ""
        return headline, overview

    async def _read_first(
        self, picks: Sequence[Card], digests: Mapping[str, str], checker: CitationChecker
    ) -> list[ReadFirst]:
        fallback = [ReadFirst(card=c.n, title=c.title, why=digests.get(c.id) or c.title) for c in picks]
        try:
            answer = await self._ask(
                "read_first",
                prompts.read_first_prompt(picks, digests, self.language),
                ReadFirstDraft,
                draft_schema(ReadFirstDraft, items=len(picks)),
                READ_FIRST_TOKENS,
            )
        except DraftError as exc:
            log.warning("read first: %s", exc)
            return fallback
        reasons = [tidy(r, 200) for r in answer.reasons] + [""] * len(fallback)
        return [
            ReadFirst(card=f.card, title=f.title, why=why)
            if _sentence(why, self.language) and checker.grounded(why, [f.card])
            else f
            for f, why in zip(fallback, reasons, strict=False)
        ]

    # ---- the whole ----

    async def write(
        self,
        cards: Sequence[Card],
        digests: Mapping[str, str],
        *,
        day: dt.date | None = None,
        corpus: Sequence[Card] | None = None,
        radar_scores: Mapping[str, float] | None = None,
    ) -> Briefing:
        """Write the briefing of `cards` (already selected); `corpus` is the whole day, for word rarity."""
        self._report = CitationReport()
        groups = group_themes(cards, corpus=corpus)
        pairs = find_links(cards, corpus=corpus)
        picks = pick_read_first(groups, radar_scores)
        parts = dict(
            day=day,
            cards=cards,
            groups=groups,
            links=pairs,
            read_first=picks,
            digests=digests,
            language=self.language,
        )
        if not cards:
            return self._finish(extractive_briefing(**parts, reason=reason("no_papers", self.language)))
        if self.manager is None:
            return self._finish(extractive_briefing(**parts, reason=reason("no_model", self.language)))
        steps = len(groups) + (1 if pairs else 0) + 2
        try:
            self._progress("loading", 0, steps)
            await self.manager.load()
            checker = CitationChecker(cards, corpus=corpus)
            themes: list[Theme] = []
            for i, group in enumerate(groups, start=1):
                self._progress("theme", i, steps)
                theme = await self._theme(i, group, digests, checker)
                themes.append(theme)
                self._emit(event="section", section=f"theme:{i}", theme=theme)
            links: list[Statement] = []
            if pairs:
                self._progress("links", len(groups) + 1, steps)
                links = await self._links(pairs, checker)
                self._emit(event="section", section="links", statements=links)
            self._progress("opening", steps - 1, steps)
            headline, overview = await self._opening(themes, groups, checker)
            headline = headline or code_headline(groups, self.language)
            overview = overview or [digest_statement(c, digests) for c in picks[:2]]
            self._emit(event="section", section="opening", headline=headline, statements=overview)
            self._progress("read_first", steps, steps)
            read_first = await self._read_first(picks, digests, checker)
            self._emit(event="section", section="read_first", read_first=read_first)
        except ModelUnavailable as exc:
            self._emit(event="notice", text=str(exc))
            return self._finish(
                extractive_briefing(**parts, reason=reason("unavailable", self.language, detail=exc))
            )
        except (RuntimeError, ValueError) as exc:  # llama.cpp's decode failures, a context overflow
            log.exception("the model failed while writing the briefing")
            self._emit(event="notice", text=f"{self.manager.name}: {exc}")
            return self._finish(
                extractive_briefing(
                    **parts, reason=reason("failed", self.language, model=self.manager.name, detail=exc)
                )
            )
        if all(t.extractive for t in themes):
            return self._finish(
                extractive_briefing(
                    **parts, reason=reason("unchecked", self.language, model=self.manager.name)
                )
            )
        return self._finish(
            Briefing(
                day=day,
                headline=headline,
                overview=overview,
                themes=themes,
                links=links,
                read_first=read_first,
                cards=[c.n for c in cards],
                model=self.manager.name,
                written_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                language=self.language,
                removed_citations=self._report.removed,
                dropped_statements=self._report.dropped,
            )
        )

    def _finish(self, briefing: Briefing) -> Briefing:
        if briefing.extractive:
            briefing.removed_citations = self._report.removed
            briefing.dropped_statements = self._report.dropped
        self._progress("done", 1, 1)
        self._emit(event="briefing", briefing=briefing)
        return briefing


async def write_briefing(
    cards: Sequence[Card],
    digests: Mapping[str, str],
    manager: ModelManager | None,
    *,
    language: Language = "en",
    day: dt.date | None = None,
    corpus: Sequence[Card] | None = None,
    radar_scores: Mapping[str, float] | None = None,
    on_event: OnEvent | None = None,
    seed: int | None = SEED,
) -> Briefing:
    writer = BriefingWriter(manager, language=language, seed=seed, on_event=on_event)
    return await writer.write(cards, digests, day=day, corpus=corpus, radar_scores=radar_scores)


async def stream_briefing(
    cards: Sequence[Card],
    digests: Mapping[str, str],
    manager: ModelManager | None,
    **options: Any,
) -> AsyncIterator[BriefingEvent]:
    """The events of write_briefing as an async iterator, ending with the `briefing` event. Leaving the
    loop early (a client that went away) cancels the generation."""
    queue: asyncio.Queue[BriefingEvent | None] = asyncio.Queue()
    task = asyncio.create_task(write_briefing(cards, digests, manager, on_event=queue.put_nowait, **options))
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
