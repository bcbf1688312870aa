"""The briefing as structured data (kept as JSON, served by the API, rendered as Markdown), and the small
drafts the model is asked to fill in, one prompt at a time.

The drafts' JSON Schemas are what constrain the model's output: llama.cpp turns them into a grammar, so a
draft always parses, and each draft's `cites` may only name the cards its prompt was given.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

Language = Literal["en", "zh"]


class Statement(BaseModel):
    """One sentence of the briefing and the card numbers it is about."""

    text: str
    cites: list[int] = Field(
        default_factory=list, description="Card numbers, as shown on the cards: [3] is card 03."
    )


class Theme(BaseModel):
    title: str
    cards: list[int] = Field(description="The cards the code grouped into this theme.")
    keywords: list[str] = Field(default_factory=list, description="The words the theme's papers share.")
    statements: list[Statement] = Field(default_factory=list)
    extractive: bool = Field(
        default=False, description="Written by code from the abstracts, not by the model."
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
        default=None, description="Why a model did not write it (a missing file, say)."
    )
    removed_citations: int = Field(
        default=0, description="Citations dropped because they named no given card."
    )
    dropped_statements: int = Field(default=0, description="Statements dropped as left without a citation.")

    def cited(self) -> set[int]:
        statements = [*self.overview, *self.links, *(s for t in self.themes for s in t.statements)]
        return {n for s in statements for n in s.cites} | {r.card for r in self.read_first}


# ---- what the model fills in: short, so each answer is a few dozen tokens ----
# No maxLength on strings: llama.cpp spells a length limit out as nested optional rules, which slowed
# decoding from about 50 to 18 tokens/s here. max_tokens bounds the answer instead, and code trims it.


class StatementDraft(BaseModel):
    # `cites` before `text`: the model picks the paper first, then writes about the paper it picked.
    cites: list[int] = Field(min_length=1, max_length=2)
    text: str


class ThemeDraft(BaseModel):
    title: str
    statements: list[StatementDraft] = Field(min_length=1, max_length=3)


class OpeningDraft(BaseModel):
    headline: str
    overview: list[StatementDraft] = Field(min_length=1, max_length=3)  # the prompt asks for two or three


class LinksDraft(BaseModel):
    links: list[str] = Field(description="One sentence per pair of papers, in the order given.")


class ReadFirstDraft(BaseModel):
    reasons: list[str] = Field(description="Why to read each paper first, in the order given.")


def draft_schema(
    draft: type[BaseModel], cards: list[int] | None = None, items: int | None = None
) -> dict[str, Any]:
    """The draft's JSON Schema, narrowed for one prompt: `cites` may only hold `cards`, and a list of
    sentences (links, reasons) has exactly `items` entries."""
    schema = copy.deepcopy(draft.model_json_schema())
    for definition in [schema, *schema.get("$defs", {}).values()]:
        for name, prop in definition.get("properties", {}).items():
            prop.pop("title", None)
            if name == "cites" and cards is not None:
                prop["items"] = {"type": "integer", "enum": sorted(cards)}
                prop["maxItems"] = min(prop.get("maxItems", 2), len(cards))
            elif prop.get("type") == "array" and prop.get("items", {}).get("type") == "string" and items:
                prop.update(minItems=items, maxItems=items)
    return schema


# ---- what a briefing being written streams (the API sends each as one Server-Sent Event) ----

Stage = Literal["loading", "theme", "links", "opening", "read_first", "done"]


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
