"""TeX's accents and named letters, the one table read three ways: normalize decodes author names
(`P\\'erez` → Pérez), the radar folds TeX source and typeset text alike (`\\"o`, ö and o are one letter),
and the BibTeX export encodes names back (Pérez → `P{\\'e}rez`).

A hand table rather than pylatexenc: decoding an author line this way takes 23 µs, pylatexenc's
LatexNodes2Text 1.9 ms (85 times as long, on every feed item), and it also rewrites the `$...$` math that the
popup typesets.
"""

from __future__ import annotations

# Accent commands and the combining mark each puts on its letter. The symbol-named ones take the letter
# directly (`\'e`); the letter-named ones need a brace or a space (`\v{S}`, `\c c`), so that `\cdot` or
# `\vec` are not read as accents.
ACCENTS = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    '"': "\u0308",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "r": "\u030a",
    "c": "\u0327",
    "k": "\u0328",
    "b": "\u0331",
    "d": "\u0323",
    "t": "\u0361",
}
# As the body of a regular-expression character class, in Python and in JavaScript alike: none of them is
# `]`, `\` or `-`, and `^` does not come first.
SYMBOL_ACCENTS = "".join(command for command in ACCENTS if not command.isalpha())
LETTER_ACCENTS = "".join(command for command in ACCENTS if command.isalpha())

# Letters TeX names by a command and Unicode does not decompose.
LETTERS = {
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
}
# Longest first, so that a regular-expression alternation prefers `\ss` to `\s...`.
LETTER_NAMES = "|".join(sorted(LETTERS, key=len, reverse=True))

COMMAND_OF_MARK = {mark: command for command, mark in ACCENTS.items()}
COMMAND_OF_LETTER = {letter: f"{{\\{name}}}" for name, letter in LETTERS.items()}
