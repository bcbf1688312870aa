"""Text as the radar compares it: accents off, TeX accents and Greek letters spelled out, with a
map back to the original offsets so that every highlight lands on the words the reader sees.

Why each rule exists:
- Pérez, Perez and P\\'erez are one author: arXiv titles and abstracts keep their TeX source, and a listing
  page shows the same name typeset; so NFKD accents, TeX accent macros (`\\"o`, `{\\'e}`, `\\v{c}`, `\\ss`)
  and letters with no decomposition (ø, ł, æ) all fold to plain letters.
- α-synuclein, $\\alpha$-synuclein and alpha-synuclein are one protein: Greek letters, typed or as TeX
  macros, fold to their names.
- Dashes of every kind fold to `-` and spaces of every kind to ` `, so a phrase matches across them; a soft
  hyphen or a zero-width space folds to nothing, so it never splits a word.
- Any other symbol (≤, ’, ×) folds to `\\x01`: not a letter and not a separator, so it ends a word but never
  joins a phrase.

ASCII letters keep their case (the scanner and the term patterns ignore it: lower-casing a 1.5 MB page costs
more than the rest of the fold); everything else folds lower-case. Folding changes lengths (ß is `ss`, `\\"o`
is `o`, a combining accent is nothing); `Folded.span` maps a span of the folded text back to the original,
covering whole original characters. ASCII text without a backslash, by far the common case, is its own fold.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from ..ingest import tex

SYMBOL = "\x01"  # what a non-letter, non-space, non-dash character folds to

_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ϵ": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ϑ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ο": "omicron",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "ϕ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
}
# Letters that NFKD leaves alone but every reader treats as their base letter.
_LETTERS = {
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "æ": "ae",
    "œ": "oe",
    "ı": "i",
    "ȷ": "j",
    "ŋ": "n",
}
_TEX_GREEK = "|".join(sorted(set(_GREEK.values()) - {"omicron"}, key=len, reverse=True))
# TeX accents as arXiv authors type them: \'e \'{e} {\'e} \"{o} \v{c} \c c \ss{} {\o}, and Greek macros.
_TEX_SOURCE = (
    r"\\(?:"
    r"[" + tex.SYMBOL_ACCENTS + r"]\s*(?:\{\s*)?\\?(?P<accented>[A-Za-z])(?:\s*\})?"  # \'{\i} too
    r"|[" + tex.LETTER_ACCENTS + r"](?:\s+|\s*\{\s*)(?P<marked>[A-Za-z])(?:\s*\})?"
    r"|(?P<ligature>" + tex.LETTER_NAMES + r")(?![A-Za-z])(?:\{\})?"
    rf"|(?:var)?(?P<greek>{_TEX_GREEK}|Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|Upsilon|Phi|Psi|Omega)(?![A-Za-z])"
    r")\}?"
)
_TEX = re.compile(_TEX_SOURCE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")  # one character class: the engine skips plain ASCII in C

_FOLDED_CHARS: dict[str, str] = {}


def fold_char(char: str) -> str:
    """One non-ASCII character, folded (cached: a page repeats the same few)."""
    found = _FOLDED_CHARS.get(char)
    if found is None:
        found = _FOLDED_CHARS[char] = folded_char(char)
    return found


def folded_char(char: str) -> str:
    """One non-ASCII character, folded, not cached (the overlay's fold table reads every code point)."""
    lower = char.lower()
    if lower in _GREEK:
        folded = _GREEK[lower]
    elif lower in _LETTERS:
        folded = _LETTERS[lower]
    else:
        category = unicodedata.category(char)
        if category == "Pd":
            folded = "-"
        elif category.startswith("Z"):
            folded = " "
        elif category == "Cf":  # soft hyphen, zero-width space and joiners, BOM: invisible
            folded = ""
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
            folded = "".join(c if c.isascii() or c.isalnum() else SYMBOL for c in folded)
            # A decomposition may itself hold Greek (the micro sign is μ) or a letter like ø.
            folded = "".join(_GREEK.get(c) or _LETTERS.get(c) or c for c in folded)
    return folded


# What each letter TeX names folds to ({\o} is o, \ss is ss), by its name in lower case.
_TEX_LIGATURES = {name.lower(): folded_char(letter) for name, letter in tex.LETTERS.items()}


def _fold_tex(match: re.Match[str]) -> str:
    if match["greek"]:
        return match["greek"].lower()
    if match["ligature"]:
        return _TEX_LIGATURES[match["ligature"].lower()]
    return (match["accented"] or match["marked"]).lower()


@dataclass(frozen=True, slots=True)
class Folded:
    """`text` folded from `original`. `marks` are the pieces whose length changed, as (folded start, folded
    length, original start, original end), in order; `starts` their folded starts, for bisection."""

    text: str
    original: str
    marks: tuple[tuple[int, int, int, int], ...] = ()
    starts: tuple[int, ...] = ()

    def position(self, at: int) -> int:
        """The original offset of the character at folded offset `at` (a folded-away character is skipped)."""
        i = bisect_right(self.starts, at) - 1
        if i < 0:
            return at
        start, length, original_start, original_end = self.marks[i]
        if at < start + length:
            return original_start
        return original_end + (at - start - length)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span [start, end), covering whole original characters."""
        if not self.marks:
            return start, end
        last = end - 1
        i = bisect_right(self.starts, last) - 1
        if i >= 0 and last < self.marks[i][0] + self.marks[i][1]:
            original_end = self.marks[i][3]  # the last character came from a longer piece (\"o, ß)
        else:
            original_end = self.position(last) + 1
        while original_end < len(self.original) and unicodedata.combining(self.original[original_end]):
            original_end += 1  # an accent typed as a combining mark belongs to the letter before it
        return self.position(start), original_end


def _changes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) of everything folding changes in `text`, in order."""
    changes = []
    if "\\" in text:  # TeX accents only: the regex engine skips \mathcal and the like by itself
        for tex in _TEX.finditer(text):
            start = tex.start()
            if start > 0 and text[start - 1] == "{":
                start -= 1  # {\'e}: the brace goes with the accent (the pattern takes the closing one)
            changes.append((start, tex.end(), _fold_tex(tex)))
    if not text.isascii():
        changes += [(m.start(), m.end(), fold_char(m.group())) for m in _NON_ASCII.finditer(text)]
        if len(changes) > 1:
            changes.sort()
    return changes


def fold(text: str) -> Folded:
    if text.isascii() and "\\" not in text:
        return Folded(text, text)
    pieces: list[str] = []
    marks: list[tuple[int, int, int, int]] = []
    folded_at = 0
    last = 0
    for start, end, replacement in _changes(text):
        if start < last:
            continue  # a non-ASCII character inside a TeX accent just folded
        if start > last:
            pieces.append(text[last:start])
            folded_at += start - last
        pieces.append(replacement)
        if len(replacement) != end - start:
            marks.append((folded_at, len(replacement), start, end))
        folded_at += len(replacement)
        last = end
    pieces.append(text[last:])
    return Folded("".join(pieces), text, tuple(marks), tuple(mark[0] for mark in marks))
