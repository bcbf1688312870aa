"""The briefing as structured data (kept as JSON, served by the API, rendered as Markdown), and the narrow
answers the model is asked for, one prompt at a time.

The answers' JSON Schemas constrain the model's output: llama.cpp turns them into a grammar, so an answer
always parses, and a choice can only be one of the options code offered.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

Language = Literal["en", "zh"]


Writer = Literal["code", "model"]


class Statement(BaseModel):
    """One sentence of the briefing and the card numbers it is about."""

    text: str
    cites: list[int] = Field(
        default_factory=list, description="Card numbers, as shown on the cards: [3] is card 03."
    )
    by: Writer = Field(
        default="code", description="'model' for a sentence the model wrote and the checks passed."
    )


class Theme(BaseModel):
    title: str
    cards: list[int] = Field(description="The cards the code grouped into this theme.")
    keywords: list[str] = Field(default_factory=list, description="The words the theme's papers share.")
    statements: list[Statement] = Field(default_factory=list)
    extractive: bool = Field(
        default=False, description="Written by code from the abstracts, not by the model."
    )
    named_by: Writer = Field(default="code", description="Who chose the title among the key phrases.")
    also_today: bool = Field(
        default=False, description="Not a theme: the papers that share no topic with another, one line each."
    )


class ReadFirst(BaseModel):
    card: int
    title: str = ""
    why: str


class Briefing(BaseModel):
    day: dt.date | None = None
    headline: str
    overview: list[Statement] = Field(default_factory=list)
    themes: list[Theme] = Field(default_factory=list)
    links: list[Statement] = Field(
        default_factory=list, description="Cross-disciplinary links between papers from different fields."
    )
    read_first: list[ReadFirst] = Field(default_factory=list)
    cards: list[int] = Field(default_factory=list, description="Every card the briefing was given.")
    model: str = Field(description="The model that wrote it, or 'none' for the extractive briefing.")
    written_at: dt.datetime
    language: Language = "en"
    abstracts_only: bool = Field(
        default=True, description="The model read titles and abstracts, never full texts."
    )
    extractive: bool = Field(
        default=False, description="True when code, not a model, wrote the whole briefing."
    )
    notice: str | None = Field(
        default=None,
        description="Why a model did not write it (a missing file, say), or that the model writes English "
        "only for a Chinese briefing.",
    )
    credits: str = Field(
        default="",
        description="Which parts code assembled and which the model wrote, in the briefing's language.",
    )
    removed_citations: int = Field(
        default=0, description="Citations dropped because they named no given card."
    )
    dropped_statements: int = Field(default=0, description="Statements dropped as left without a citation.")

    def cited(self) -> set[int]:
        statements = [*self.overview, *self.links, *(s for t in self.themes for s in t.statements)]
        return {n for s in statements for n in s.cites} | {r.card for r in self.read_first}


# ---- what the model is asked for: narrow answers, each checked by code ----
# No maxLength on strings: llama.cpp spells a length limit out as nested optional rules, which slowed
# decoding from about 50 to 18 tokens/s here. max_tokens bounds the answer instead, and code checks it.


class PhraseChoice(BaseModel):
    """The theme's name, one of the key phrases code found in at least two of its papers."""

    name: str


class JoinedSentence(BaseModel):
    """Two (or more) facts joined into one sentence, or a theme's synthesis from a capable model."""

    sentence: str


def choice_schema(options: list[str]) -> dict[str, Any]:
    """PhraseChoice narrowed to `options`: the grammar lets the model write nothing else."""
    return {
        "type": "object",
        "properties": {"name": {"type": "string", "enum": list(options)}},
        "required": ["name"],
    }


def sentence_schema() -> dict[str, Any]:
    schema = copy.deepcopy(JoinedSentence.model_json_schema())
    for prop in schema["properties"].values():
        prop.pop("title", None)
    return schema


# ---- what a briefing being written streams (the API sends each as one Server-Sent Event) ----

Stage = Literal["loading", "theme", "links", "opening", "read_first", "done"]  # opening, read_first: by code


class BriefingEvent(BaseModel):
    """`progress` (a stage starts), `text` (prose as the model writes it: a preview), `section` (a part
    checked and final), `notice` (the model could not be used, and why), `briefing` (the whole, last)."""

    event: Literal["progress", "text", "section", "notice", "briefing"]
    stage: Stage | None = None
    step: int | None = Field(default=None, description="1-based step of `steps` (a theme, the links...).")
    steps: int | None = None
    section: str | None = Field(default=None, description="'theme:1', 'links', 'opening', 'read_first'.")
    text: str | None = None
    theme: Theme | None = None
    statements: list[Statement] | None = None
    headline: str | None = None
    read_first: list[ReadFirst] | None = None
    briefing: Briefing | None = None
