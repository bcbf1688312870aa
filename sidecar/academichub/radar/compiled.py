"""The radar's rules compiled into data, for the arXiv overlay's matcher (extension/content/matcher.js).

The overlay marks a listing's matches itself, the moment the page is parsed, instead of waiting for the
sidecar's answer. It does not know the radar's rules of its own: this module hands it everything that
decides a match, as data, and its engine only interprets it:

- the fold table: what every non-ASCII code point folds to (`folding.fold_char`, run-length coded), the TeX
  accent pattern and its ligatures, and the combining marks a span takes along;
- the character classes of folded text: word characters, the separators between a phrase's words, the
  characters that join a word to the one before it, the letters of an author's name;
- each term as the regexes `terms.Term` matches with (from its anchor word on, and the words before it),
  written for JavaScript, with its anchor and how far back its start may lie; each author name's parts;
- each rule's name, filters and which terms and names it owns; and the dismissed papers.

The sidecar stays the authority: the overlay sends the page's entries on, and the sidecar's answer replaces
the marks where they differ. tests/radar/test_compiled_matcher.py runs both matchers on thousands of real
papers and Unicode edge cases and requires the same hits.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field

from .folding import _TEX_LIGATURES, _TEX_SOURCE, SYMBOL, folded_char
from .matching import RadarMatcher
from .terms import SEPARATOR, Term

FORMAT = 1
_MAX_CODE_POINT = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)
_HANGUL = range(0xAC00, 0xD7A4)  # decomposed by Unicode's algorithm, the same in every version
# What Python's \w matches among ASCII; every non-ASCII character of folded text is a letter or digit.
_ASCII = [chr(c) for c in range(128)]


class FoldTable(BaseModel):
    """`folding.fold_char` for every code point from U+0080, as runs: code points [start, end) fold to
    `value`: a string (the same for the whole run), an integer (each to the one character `value` code
    points further), or null (to its canonical decomposition: Hangul syllables). Unlisted: themselves."""

    starts: list[int]
    ends: list[int]
    values: list[str | int | None]
    combining: list[int] = Field(description="Runs [start, end, start, end, ...] of combining marks.")
    tex: str = Field(
        description="The TeX accent pattern (JavaScript), groups greek, ligature, accented, marked."
    )
    ligatures: dict[str, str]
    symbol: str


class CompiledTerm(BaseModel):
    text: str
    anchor: str = Field(
        description="The anchor word's letters, lower-case; a scan finds where a word has its shape "
        "(ASCII as it is, any other character as one)."
    )
    prefix_anchor: bool = Field(description="The anchor word is a prefix (neur*): a word starting with it.")
    suffix: str = Field(
        description="From the anchor's start to the term's end (JavaScript, flag u, on text whose ASCII "
        "is lower-case)."
    )
    before: str | None = Field(description="The words before the anchor, up to it (JavaScript, ends in $).")
    reach: int = Field(description="How many characters before the anchor the term may start.")
    owners: list[tuple[int, bool]] = Field(description="(rule index, the term excludes) per owner.")


class CompiledAuthor(BaseModel):
    text: str
    surname: str
    given: list[str]
    owners: list[int]


class CompiledRule(BaseModel):
    name: str
    categories: list[str] = Field(description="Lower-case; an archive ('cs') covers its categories.")
    sources: list[str] = Field(description="Lower-case, trimmed; compared with 'arxiv (<category>)'.")


class CharacterClasses(BaseModel):
    word: str
    separator: str
    joins: str
    name_word: str
    space: str


class CompiledMatcher(BaseModel):
    """Everything the overlay needs to match a page as the radar would (GET /radar/matcher)."""

    format: int = FORMAT
    classes: CharacterClasses
    fold: FoldTable
    terms: list[CompiledTerm]
    authors: list[CompiledAuthor]
    rules: list[CompiledRule]
    dismissed: list[str] = Field(description="Paper keys ('arxiv:2606.14677') the user dismissed.")
    page_source: str = Field(description="An arXiv page's source label, before '(<primary category>)'.")


def _js_char(code: int) -> str:
    if 0x20 < code < 0x7F and chr(code) not in "\\]^-[":
        return chr(code)
    return f"\\u{{{code:x}}}"


def _js_class(chars: list[str], non_ascii: bool) -> str:
    """A JavaScript (flag u) character class of these characters, plus every non-ASCII one if asked."""
    codes = sorted({ord(c) for c in chars})
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(_js_char(codes[i]) if i == j else f"{_js_char(codes[i])}-{_js_char(codes[j])}")
        i = j + 1
    if non_ascii:
        parts.append("\\u{80}-\\u{10ffff}")
    return "[" + "".join(parts) + "]"


def _python_class(pattern: str) -> list[str]:
    regex = re.compile(pattern)
    return [c for c in _ASCII if regex.fullmatch(c)]


@lru_cache(maxsize=1)
def character_classes() -> CharacterClasses:
    """The classes of folded text, read off the very regexes the Python matcher uses."""
    python_space = re.compile(r"\s")
    space = [chr(c) for c in range(0x10000) if c not in _SURROGATES and python_space.match(chr(c))]
    return CharacterClasses(
        word=_js_class(_python_class(r"\w"), non_ascii=True),
        separator=_js_class(_python_class(SEPARATOR), non_ascii=False),
        joins=_js_class([c for c in _ASCII if c.isalnum() or c in "_\\"], non_ascii=True),
        name_word=_js_class(_python_class(r"[^\W_]"), non_ascii=True),
        space=_js_class(space, non_ascii=False),
    )


def _extend(runs: list[list[Any]], code: int, value: object) -> None:
    """Adds `code` -> `value` to the runs: to the last run where it goes on it with the same value (an
    explicit string of several characters always starts a run of its own)."""
    if runs:
        last = runs[-1]
        if last[1] == code and last[2] == value and not (isinstance(value, str) and len(value) > 1):
            last[1] = code + 1
            return
    runs.append([code, code + 1, value])


_KEEP = object()
_CONSTANT = {SYMBOL, "", " ", "-"}
_NOTHING = ("Cn", "Co", "Cs")  # unassigned, private use, lone surrogates: the bulk, and all symbols


def _fold_value(code: int, char: str) -> object:
    folded = folded_char(char)
    if folded == char:
        return _KEEP
    if code in _HANGUL and folded == unicodedata.normalize("NFKD", char):
        return None
    if folded in _CONSTANT:
        return folded
    if len(folded) == 1:
        return ord(folded) - code
    return folded


@lru_cache(maxsize=1)
def fold_table() -> FoldTable:
    """The fold of every code point, and the combining marks (half a second, once per process)."""
    runs: list[list[Any]] = []
    combining: list[list[Any]] = []
    category, combining_class = unicodedata.category, unicodedata.combining
    for code in range(0x80, _MAX_CODE_POINT + 1):
        char = chr(code)
        kind = category(char)
        if kind in _NOTHING:
            _extend(runs, code, SYMBOL)
            continue
        if kind[0] == "M" and combining_class(char):
            _extend(combining, code, True)
        value = _fold_value(code, char)
        if value is not _KEEP:
            _extend(runs, code, value)
    # Folded text holds ASCII and letters or digits only: the classes above rely on it.
    assert all(
        c.isascii() or c.isalnum() for _, _, v in runs if isinstance(v, str) and v != SYMBOL for c in v
    )
    space = character_classes().space
    tex = _TEX_SOURCE.replace("(?P<", "(?<").replace('\\"', '"').replace("\\s", space)
    return FoldTable(
        starts=[r[0] for r in runs],
        ends=[r[1] for r in runs],
        values=[r[2] for r in runs],
        combining=[edge for start, end, _ in combining for edge in (start, end)],
        tex=tex,
        ligatures=_TEX_LIGATURES,
        symbol=SYMBOL,
    )


_JS_SPECIAL = set("\\^$.*+?()[]{}|/")


def _js_char_pattern(char: str) -> str:
    """One character of a term: the matcher in the page lower-cases only ASCII (as folding leaves the rest
    case-folded already), so a non-ASCII letter lists the forms Python's IGNORECASE takes for it."""
    if char.isascii():
        return "\\" + char if char in _JS_SPECIAL else char
    forms = sorted({char, *(f for f in (char.lower(), char.upper()) if len(f) == 1)})
    return char if len(forms) == 1 else "[" + "".join(forms) + "]"


def _js_literal(text: str) -> str:
    return "".join(map(_js_char_pattern, text))


def _term_patterns(term: Term, classes: CharacterClasses) -> tuple[str, str | None]:
    """`Term.suffix` and `Term.prefix`, for JavaScript."""
    parts = [
        _js_literal(w[:-1]) + classes.word + "*" if w.endswith("*") else _js_literal(w) for w in term.words
    ]
    separator = classes.separator + "+"
    last = term.words[-1]
    tail = "" if last.endswith("*") or not last[-1].isalnum() else f"(?!{classes.word})"
    suffix = separator.join(parts[term.anchor_index :]) + tail
    before = separator.join(parts[: term.anchor_index]) + separator + "$" if term.anchor_index else None
    return suffix, before


def compile_matcher(matcher: RadarMatcher, dismissed: frozenset[str] = frozenset()) -> CompiledMatcher:
    classes = character_classes()
    terms = []
    for term, owners in zip(matcher.terms, matcher.term_owners, strict=True):
        suffix, before = _term_patterns(term, classes)
        terms.append(
            CompiledTerm(
                text=term.text,
                anchor=term.anchor,
                prefix_anchor=term.is_prefix,
                suffix=suffix,
                before=before,
                reach=term._reach,
                owners=owners,
            )
        )
    authors = [
        CompiledAuthor(text=a.text, surname=a.surname, given=list(a.given), owners=owners)
        for a, owners in zip(matcher.authors, matcher.author_owners, strict=True)
    ]
    rules = [
        CompiledRule(
            name=rule.name,
            categories=[c.lower() for c in rule.categories],
            sources=[s.strip().lower() for s in rule.sources],
        )
        for rule in matcher.rules
    ]
    return CompiledMatcher(
        classes=classes,
        fold=fold_table(),
        terms=terms,
        authors=authors,
        rules=rules,
        dismissed=sorted(dismissed),
        page_source="arXiv",
    )
