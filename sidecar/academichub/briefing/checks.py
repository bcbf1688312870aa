"""What a reader checks in a briefing sentence, as code: is it whole, is it copied, does it invent?

The same measures gate what a model writes (a sentence that fails is replaced by the code's own) and are
what `bench/briefing_quality.py` reports, so the gate and the figure never disagree on a definition.
- whole: ends like a sentence (not "…", not mid-clause), says something (four words with letters), and is
  not just a date or a paper's title;
- copied: a run of the statement's words, in order, found verbatim in one title or abstract of the day,
  covering at least 70% of the statement's words;
- invented: a content word (not a function word, not a number) found in none of the day's cards. An
  English technical term inside Chinese prose counts like any other word; Chinese characters are not
  judged (no dictionary here).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cached_property

from ..models import Card
from .citations import strip_citations
from .phrases import prose
from .themes import _STOPWORDS, _stem

COPY_SHARE = 0.7  # a verbatim run this share of the statement's words makes it a copy
MIN_WORDS = 4

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_HANZI = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)\]）]*$")
_DATE_ONLY = re.compile(r"^[\s\d./:-]*$")
# Words that carry no claim: what a sentence is built from, not what it says.
FUNCTION_WORDS = _STOPWORDS | frozenset(
    """whereas both also while unlike like alongside together another others each either neither across
    against beside besides meanwhile instead still even though although because since yet so further
    today paper papers theme themes field fields link links topic topics one two three four five six seven
    eight nine ten more most own its their his her they them it this these those study studies report
    reports reported look looks largest biggest form forms stand stands alone lead leads""".split()  # noqa: SIM905 (a word list reads better as text)
)


_HANZI_WORD = re.compile(r"[\u4e00-\u9fff]{1,2}")


def words(text: str) -> list[str]:
    """Lower-case words of `text` without citation markers: what 'a run of words' counts. Chinese has no
    spaces: each two characters count as a word (about the length of a Chinese word)."""
    bare = strip_citations(text).lower()
    return [m.group() for m in re.finditer(f"{_TOKEN.pattern}|{_HANZI_WORD.pattern}", bare)]


def ends_as_sentence(text: str) -> bool:
    text = strip_citations(text).rstrip()
    return bool(_SENTENCE_END.search(text)) and not text.endswith(("…", "...", "etc."))


def is_fragment(text: str, titles: Iterable[str] = ()) -> bool:
    """Cut off, too short to say anything, a bare date, or a paper's title given as a statement."""
    bare = strip_citations(text).strip()
    lettered = [w for w in bare.split() if any(ch.isalpha() for ch in w)]
    hanzi = len(_HANZI.findall(bare))
    if not ends_as_sentence(bare) or _DATE_ONLY.match(bare):
        return True
    if len(lettered) + hanzi // 2 < MIN_WORDS:
        return True
    plain = " ".join(words(bare))
    return any(plain == " ".join(words(t)) for t in titles)


def _longest_run(statement: Sequence[str], source: Sequence[str]) -> int:
    """The longest run of consecutive words of `statement` found, in order, in `source`."""
    best = 0
    previous = [0] * (len(source) + 1)
    for a in statement:
        current = [0] * (len(source) + 1)
        for j, b in enumerate(source, start=1):
            if a == b:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def root(word: str) -> str:
    """A word without its inflection ('establishes', 'established' -> 'establish'): a sentence that says
    'proposes' where the abstract said 'we propose' invents nothing."""
    word = _stem(word.lower())
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("es", ""), ("ed", ""), ("ing", ""), ("e", "")):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    return word


def content_words(text: str) -> list[str]:
    """Latin-script content words of `text`, stemmed: no function words, no numbers, no single letters."""
    out = []
    for word in _LATIN_WORD.findall(prose(strip_citations(text))):
        low = word.lower()
        if len(low) < 3 or low in FUNCTION_WORDS:
            continue
        out.append(_stem(low))
    return out


class DayText:
    """The day's cards as a reader checks a statement against them."""

    def __init__(self, cards: Sequence[Card]):
        self.cards = list(cards)

    @cached_property
    def _sources(self) -> list[list[str]]:
        return [words(c.title) for c in self.cards] + [words(c.abstract) for c in self.cards]

    @cached_property
    def titles(self) -> list[str]:
        return [c.title for c in self.cards]

    @cached_property
    def vocabulary(self) -> set[str]:
        found: set[str] = set()
        for c in self.cards:
            text = " ".join([c.title, c.abstract, c.source_label, *c.categories])
            for variant in (text, prose(text)):  # as written, and with TeX accents and markup undone
                found.update(root(w) for w in _LATIN_WORD.findall(variant))
                found.update(root(w) for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", variant))
        return found

    def copied(self, text: str) -> bool:
        mine = words(text)
        if not mine:
            return False
        need = COPY_SHARE * len(mine)
        return any(_longest_run(mine, source) >= need for source in self._sources if len(source) >= need)

    def invented(self, text: str) -> list[str]:
        """Content words in none of the cards ('model-assisted' is found where both its parts are)."""
        return [
            w
            for w in content_words(text)
            if root(w) not in self.vocabulary
            and not all(root(p) in self.vocabulary for p in w.split("-") if p)
        ]

    def fragment(self, text: str) -> bool:
        return is_fragment(text, self.titles)

    def title_copy(self, theme_title: str) -> bool:
        """A theme named by a paper's title (or five or more of its words in a row), not a key phrase."""
        mine = words(theme_title)
        if not mine:
            return False
        for title in self.titles:
            theirs = words(title)
            if mine == theirs:
                return True
            run = _longest_run(mine, theirs)
            if run >= 5 and run >= COPY_SHARE * len(mine):
                return True
        return False
