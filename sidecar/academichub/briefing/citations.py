"""Citation markers in the briefing's sentences: [03], [3, 7], [03][07]. Read them, write them as the
cards number them, and remove those that name no card a sentence may cite."""

from __future__ import annotations

import re
from collections.abc import Iterable

# [03], [3], [03, 07], [3;7], [03-05] is not a range we trust: only lists of numbers.
_MARKER = re.compile(r"\s?\[(\d{1,4}(?:\s*[,;]\s*\d{1,4})*)\]")
MAX_STATEMENT_CHARS = 320


def extract_citations(text: str) -> list[int]:
    """Card numbers cited in `text`, in order of first appearance."""
    found: list[int] = []
    for match in _MARKER.finditer(text):
        for number in re.split(r"\s*[,;]\s*", match.group(1)):
            n = int(number)
            if n not in found:
                found.append(n)
    return found


def marker(numbers: Iterable[int]) -> str:
    """Card numbers as the cards show them: [03][07]."""
    return "".join(f"[{n:02d}]" for n in numbers)


def strip_citations(text: str, keep: Iterable[int] = ()) -> str:
    """Remove the citations of anything outside `keep`; write the kept ones as the cards number them."""
    kept = set(keep)

    def replace(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,;]\s*", match.group(1))]
        valid = [n for n in numbers if n in kept]
        return " " + marker(valid) if valid else ""

    return _MARKER.sub(replace, text)


_ENUMERATION = re.compile(r"^\s*(?:[\[(]?\d{1,2}[.)\]]\s+)+")


def tidy(text: str, limit: int = MAX_STATEMENT_CHARS) -> str:
    """One line, without a leading '2. ', trimmed at a word boundary: the model sometimes numbers its
    answers like the prompt's list, or copies a whole abstract."""
    text = _ENUMERATION.sub("", " ".join(text.split()))
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
