"""The narrow tasks a model is given, each answer constrained by a JSON schema and checked by code.

- name a theme: choose one of the key phrases code found in two or more of its papers (the grammar allows
  nothing else);
- join facts: two or three papers' contributions, as code wrote them, made into one sentence;
- synthesis (a capable model only): what a theme's papers share and where they differ, or why a
  cross-field link matters.
A sentence is kept only if it cites exactly the papers it was given, ends as a sentence, copies no title or
abstract, and uses no content word absent from those papers; otherwise the caller keeps the code's sentence.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..llm.base import GenerationRequest, Message
from ..llm.manager import ModelManager
from ..models import Card
from .checks import DayText, words
from .citations import extract_citations, strip_citations
from .model import JoinedSentence, Language, PhraseChoice, choice_schema, sentence_schema

TEMPERATURE = 0.2  # low: the model should restate, not invent
# SmolLM2-135M loops without it ("The Confronting the Confronting ..."); 1.1 stops most loops.
REPEAT_PENALTY = 1.1
SEED = 7  # fixed: the same day and model give the same briefing, and the tests can rely on it
CHOICE_TOKENS = 24
JOIN_TOKENS = 80
SYNTHESIS_TOKENS = 140
MAX_SENTENCE_WORDS = 60

SYSTEM = {
    "en": "You help write a daily briefing on new research papers. Use only the facts given. Answer in JSON.",
    "zh": "你协助撰写新研究论文的每日简报，只使用所给的事实，用简体中文写作，"
    "技术术语保留英文原文。用 JSON 回答。",
}
_CHOOSE = {
    "en": "Which phrase best names what these papers share?",
    "zh": "哪个短语最能概括这些论文的共同主题？",
}
_JOIN = {
    "en": "Join these facts into one short sentence that starts with {first}. Keep every paper number in "
    "square brackets, like {cites}.",
    "zh": "把这些事实合并成一句中文，以 {first} 开头。保留方括号中的每个论文编号，如 {cites}。",
}
_SYNTHESIS = {
    "en": "In one or two sentences, say what these papers share and where they differ. Cite papers by "
    "their numbers in square brackets, like {cites}. Use only the facts given.",
    "zh": "用一到两句中文说明这些论文的共同点与不同点。用方括号中的编号引用论文，如 {cites}。"
    "只使用所给的事实。",
}
_WHY = {
    "en": "These papers come from different fields and both use {term}. In one sentence, say why the link "
    "matters. Cite both papers by their numbers in square brackets, like {cites}.",
    "zh": "这两篇论文来自不同领域，都涉及 {term}。用一句中文说明这一联系为何重要。"
    "用方括号中的编号引用两篇论文，如 {cites}。",
}

OnText = Callable[[str], None]


def _messages(language: Language, user: str) -> list[Message]:
    return [{"role": "system", "content": SYSTEM[language]}, {"role": "user", "content": user}]


def _cites(numbers: Sequence[int]) -> str:
    return " ".join(f"[{n}]" for n in numbers)


@dataclass
class Verdict:
    text: str | None  # the sentence, citations written as the cards number them; None when it failed
    reason: str = ""


def check_sentence(
    raw: str, cites: Sequence[int], cards: Sequence[Card], *, must_contain: str = "", code_version: str = ""
) -> Verdict:
    """A model's sentence kept as is, or the reason it is not: the checks a reader would make."""
    text = " ".join(raw.split())  # not tidy(): its '2. ' rule would eat a leading '[3] '
    marked = extract_citations(text)
    if sorted(set(marked)) != sorted(set(cites)):
        return Verdict(None, f"cites {marked}, not {list(cites)}")
    text = " ".join(strip_citations(text, cites).split())
    day = DayText(cards)
    if day.fragment(text):
        return Verdict(None, "not a whole sentence")
    if len(words(text)) > MAX_SENTENCE_WORDS:
        return Verdict(None, "too long")
    if day.copied(text):
        return Verdict(None, "copies a title or abstract")
    if invented := day.invented(text):
        return Verdict(None, f"words in none of its papers: {', '.join(invented[:5])}")
    if must_contain and must_contain.lower() not in text.lower():
        return Verdict(None, f"does not name {must_contain!r}")
    if code_version and words(text) == words(code_version):
        return Verdict(None, "the code's own sentence")
    return Verdict(text)


def answer_sentence(text: str) -> str:
    """The sentence of a JoinedSentence answer; a server that ignored the schema answered in plain text."""
    try:
        return JoinedSentence.model_validate(json.loads(text, strict=False)).sentence
    except ValueError:
        return "" if text.lstrip().startswith("{") else text.strip()


class ModelTasks:
    def __init__(self, manager: ModelManager, language: Language, seed: int | None = SEED):
        self.manager = manager
        self.language = language
        self.seed = seed

    def request(self, user: str, schema: dict, max_tokens: int) -> GenerationRequest:
        return GenerationRequest(
            messages=_messages(self.language, user),
            json_schema=schema,
            max_tokens=max_tokens,
            temperature=TEMPERATURE,
            repeat_penalty=REPEAT_PENALTY,
            seed=self.seed,
        )

    def join_request(self, facts: Sequence[str], cites: Sequence[int]) -> GenerationRequest:
        """The join task's request (also bench/briefing.py's decoding comparison: about 80 tokens)."""
        ask = _JOIN[self.language].format(cites=_cites(cites), first=f"[{cites[0]}]")
        user = "\n".join(f"Fact: {f}" for f in facts) + "\n\n" + ask
        return self.request(user, sentence_schema(), JOIN_TOKENS)

    async def _ask(self, user: str, schema: dict, max_tokens: int, on_text: OnText | None) -> str:
        result = await self.manager.generate(self.request(user, schema, max_tokens), on_text)
        return result.text

    async def choose_name(
        self, cards: Sequence[Card], options: Sequence[str], on_text: OnText | None = None
    ) -> str | None:
        """One of `options`, or None when the answer is not one (a cut-off or non-grammar backend)."""
        papers = "\n".join(f"[{c.n}] {c.title}" for c in cards)
        listed = "\n".join(f"- {o}" for o in options)
        user = f"{papers}\n\nPhrases:\n{listed}\n\n{_CHOOSE[self.language]}"
        text = await self._ask(user, choice_schema(list(options)), CHOICE_TOKENS, on_text)
        try:
            name = PhraseChoice.model_validate(json.loads(text)).name
        except ValueError:  # a server that ignored the schema: its plain answer may still be an option
            name = text.strip().strip("\"'.` ")
        return name if name in options else None

    async def _sentence(self, user: str, max_tokens: int, on_text: OnText | None) -> str:
        return answer_sentence(await self._ask(user, sentence_schema(), max_tokens, on_text))

    async def join(
        self,
        facts: Sequence[str],
        cites: Sequence[int],
        cards: Sequence[Card],
        code_version: str,
        on_text: OnText | None = None,
        must_contain: str = "",
    ) -> Verdict:
        result = await self.manager.generate(self.join_request(facts, cites), on_text)
        raw = answer_sentence(result.text)
        return check_sentence(raw, cites, cards, must_contain=must_contain, code_version=code_version)

    async def synthesis(
        self, lines: Sequence[str], cites: Sequence[int], cards: Sequence[Card], on_text: OnText | None = None
    ) -> Verdict:
        user = "\n".join(lines) + "\n\n" + _SYNTHESIS[self.language].format(cites=_cites(cites))
        raw = await self._sentence(user, SYNTHESIS_TOKENS, on_text)
        return check_sentence(raw, cites, cards)

    async def why_linked(
        self,
        lines: Sequence[str],
        term: str,
        cites: Sequence[int],
        cards: Sequence[Card],
        on_text: OnText | None = None,
    ) -> Verdict:
        user = "\n".join(lines) + "\n\n" + _WHY[self.language].format(term=term, cites=_cites(cites))
        raw = await self._sentence(user, JOIN_TOKENS, on_text)
        return check_sentence(raw, cites, cards)
