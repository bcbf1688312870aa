"""What a radar term or author name means, as a pattern over folded text (see `folding`).

A term is a word (`RL`), a phrase (`graph neural network`, quotes optional: `"graph neural network"`), or
either with prefix wildcards (`neur*`, `graph neur*`). Every term matches whole words only: `RL` is not the
end of `URL`, and a TeX command is not a word (`mathcal` does not match `\\mathcal`).
The words of a phrase may be split by any run of spaces, line breaks, dashes or TeX math delimiters, so
`graph neural` matches `graph-neural`, `graph\\n   neural` and `$k$-means` matches `k-means`.

An author is a name as the user remembers it: `Pérez`, `Ana Pérez`, `A. Perez`. The surname (the last word,
or the part before a comma: `Pérez, Ana`) must be a whole word of the author's name; the other words must
come before it, in order, each the same word or its initial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .folding import fold

# Between the words of a phrase: spaces, line breaks, dashes (folded to '-'), TeX's ~ and math's $.
SEPARATOR = r"[\s\-~$]+"
_SPLIT = re.compile(SEPARATOR)
_QUOTES = '"“”„«»'
_WORD = re.compile(r"\w+")
_NAME_WORDS = re.compile(r"[^\W_]+")
# Words in most abstracts: a poor anchor for a phrase that has a rarer one (`in-context learning`).
_COMMON = (
    "a also an and are as at based be between by can data deep first for from high in inference is language "
    "large learning low method methods model models network networks neural new not of on one or our over "
    "performance results show single such system systems that the their these this time to two using we "
    "which with"
)
COMMON_WORDS = frozenset(_COMMON.split())
MIN_PREFIX = 2  # `a*` would match a quarter of all words
MAX_TERM = 200


class TermError(ValueError):
    """A term or author name the radar cannot use; the message says which and why."""


@dataclass(frozen=True)
class Term:
    """One term of a rule, parsed: its folded, lower-case words, a prefix word ending in `*`.

    A match is found from its anchor, its rarest-looking word (`context` in `in-context learning`, not
    `in`): the scanner stops at every occurrence of the anchor, so a rare anchor means few stops. From there
    `suffix` matches forward to the end of the term and `prefix` back to its start.
    """

    text: str  # as the user wrote it
    words: tuple[str, ...]

    @cached_property
    def anchor_index(self) -> int:
        # The rarest word makes the fewest stops: a whole word of 3 letters or more before a prefix (the
        # scanner checks a whole word's end itself), a word outside the commonest of papers, then the longest.
        def rank(word: str) -> tuple[bool, bool, int]:
            run = _WORD.match(word)
            length = len(run.group()) if run else 0
            return (length >= 3 and not word.endswith("*"), word not in COMMON_WORDS, length)

        ranks = [rank(w) for w in self.words]
        return ranks.index(max(ranks))

    @property
    def anchor(self) -> str:
        """The leading letters of the anchor word."""
        return _WORD.match(self.words[self.anchor_index]).group()  # type: ignore[union-attr]  # a run exists

    @property
    def is_prefix(self) -> bool:
        """True when the anchor is itself a prefix (`neur*`), so the word there only starts with it."""
        return self.words[self.anchor_index] == self.anchor + "*"

    @cached_property
    def _parts(self) -> list[str]:
        return [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in self.words]

    @cached_property
    def suffix(self) -> re.Pattern[str]:
        """From the anchor's start to the term's end, then a word boundary."""
        last = self.words[-1]
        tail = "" if last.endswith("*") or not last[-1].isalnum() else r"(?!\w)"
        return re.compile(SEPARATOR.join(self._parts[self.anchor_index :]) + tail, re.IGNORECASE)

    @cached_property
    def prefix(self) -> re.Pattern[str] | None:
        """The words before the anchor, ending exactly where the anchor starts (searched with endpos)."""
        if self.anchor_index == 0:
            return None
        return re.compile(SEPARATOR.join(self._parts[: self.anchor_index]) + SEPARATOR + r"\Z", re.IGNORECASE)

    @cached_property
    def _reach(self) -> int:
        # How far before the anchor the term may start: its words, a wildcard's ending, a few separators.
        before = self.words[: self.anchor_index]
        return sum(len(w) + (40 if w.endswith("*") else 0) + 32 for w in before)

    def match_at(self, text: str, at: int) -> tuple[int, int] | None:
        """The span of the term in folded `text` whose anchor word starts at `at`, or None."""
        found = self.suffix.match(text, at)
        if found is None:
            return None
        if self.prefix is None:
            return (at, found.end()) if at == 0 or not _joins(text[at - 1]) else None
        low = max(0, at - self._reach)
        while (before := self.prefix.search(text, low, at)) is not None:
            start = before.start()
            if start == 0 or not _joins(text[start - 1]):
                return start, found.end()
            low = start + 1
        return None


def _joins(char: str) -> bool:
    """Whether `char` before a word makes it part of a longer word, or a TeX command (\\mathcal)."""
    return char.isalnum() or char in "_\\"


def parse_term(text: str) -> Term:
    stripped = text.strip().strip(_QUOTES).strip()
    if not stripped:
        raise TermError(f"term {text!r} is empty")
    if len(stripped) > MAX_TERM:
        raise TermError(f"term {stripped[:40]!r}... is longer than {MAX_TERM} characters")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in stripped):
        raise TermError(f"term {stripped!r} holds a control character")
    words = tuple(w for w in _SPLIT.split(fold(stripped).text.lower()) if w)
    if not words or not _WORD.match(words[0]) or words[0].startswith("_"):
        raise TermError(f"term {stripped!r} must start with a letter or a digit")
    for word in words:
        star = word.find("*")
        if star < 0:
            continue
        prefix = word[:-1]
        if star != len(word) - 1 or not _WORD.fullmatch(prefix or "-"):
            raise TermError(f"term {stripped!r}: a * may only end a word, as in neur*")
        if len(prefix) < MIN_PREFIX:
            raise TermError(
                f"term {stripped!r}: {word} matches too much; give at least {MIN_PREFIX} letters before *"
            )
    return Term(stripped, words)


@dataclass(frozen=True)
class AuthorName:
    """An author as a rule names them: the surname, and the given names or initials before it."""

    text: str
    surname: str
    given: tuple[str, ...]

    def matches(self, name_words: list[str]) -> bool:
        """Whether an author whose folded name has these words is this author."""
        for at, word in enumerate(name_words):
            if word == self.surname and _in_order(self.given, name_words[:at]):
                return True
        return False


def _same_name(wanted: str, word: str) -> bool:
    return (
        wanted == word
        or (len(wanted) == 1 and word.startswith(wanted))
        or (len(word) == 1 and wanted.startswith(word))
    )


def _in_order(wanted: tuple[str, ...], words: list[str]) -> bool:
    at = 0
    for want in wanted:
        while at < len(words) and not _same_name(want, words[at]):
            at += 1
        if at == len(words):
            return False
        at += 1
    return True


def name_words(name: str) -> list[str]:
    """A folded, lower-case author name's words in display order ('pérez, ana' reads as 'ana pérez')."""
    surname, comma, given = name.partition(",")
    if comma and given.strip():
        name = f"{given} {surname}"
    return _NAME_WORDS.findall(name)


def parse_author(text: str) -> AuthorName:
    stripped = text.strip()
    if len(stripped) > MAX_TERM:
        raise TermError(f"author {stripped[:40]!r}... is longer than {MAX_TERM} characters")
    words = name_words(fold(stripped).text.lower())
    if not words:
        raise TermError(f"author {text!r} has no letters")
    return AuthorName(stripped, words[-1], tuple(words[:-1]))
