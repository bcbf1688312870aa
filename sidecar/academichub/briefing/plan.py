"""What the briefing says, decided by code before any model runs: themes, their candidate names, each
paper's contribution, the cross-field links and the papers to read first.

A theme is a group of papers that share a key phrase and are alike by meaning (see grouping); papers in no
theme join "Also today".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..models import Card
from .contribution import Contribution, contribution
from .grouping import group_themes
from .links import CrossLink, cross_field_links
from .phrases import Phrase, PhraseBook
from .select import pick_read_first
from .themes import ThemeGroup

NAME_OPTIONS = 4  # the phrases a model may choose a theme's name from


@dataclass
class PlannedTheme:
    group: ThemeGroup
    phrases: list[Phrase]  # best first; each occurs in at least two of the theme's papers
    contributions: list[Contribution]  # the lead paper first, then by card number

    @property
    def name(self) -> str:
        return self.phrases[0].text

    @property
    def options(self) -> list[str]:
        return list(dict.fromkeys(p.text for p in self.phrases[:NAME_OPTIONS]))


@dataclass
class Plan:
    cards: list[Card]
    themes: list[PlannedTheme] = field(default_factory=list)
    alone: list[Card] = field(default_factory=list)
    links: list[CrossLink] = field(default_factory=list)
    read_first: list[Card] = field(default_factory=list)
    contributions: dict[int, Contribution] = field(default_factory=dict)

    def theme_of(self, n: int) -> PlannedTheme | None:
        return next((t for t in self.themes if n in t.group.numbers), None)


def plan_briefing(
    cards: Sequence[Card],
    *,
    corpus: Sequence[Card] | None = None,
    radar_scores: Mapping[str, float] | None = None,
) -> Plan:
    plan = Plan(cards=list(cards))
    if not cards:
        return plan
    plan.contributions = {c.n: contribution(c) for c in cards}
    book = PhraseBook(cards, corpus)
    groups, plan.alone = group_themes(cards, book, corpus=corpus)
    for group, phrases in groups:
        if not phrases:
            plan.alone.extend(group.cards)
            continue
        ordered = sorted(group.cards, key=lambda c: (c.n != group.lead, c.n))
        plan.themes.append(PlannedTheme(group, phrases, [plan.contributions[c.n] for c in ordered]))
    plan.alone.sort(key=lambda c: c.n)
    plan.links = cross_field_links(cards, book, day_size=len(corpus or cards))
    singles = [ThemeGroup(cards=[c], lead=c.n) for c in plan.alone]
    plan.read_first = pick_read_first([t.group for t in plan.themes] + singles, radar_scores)
    return plan
