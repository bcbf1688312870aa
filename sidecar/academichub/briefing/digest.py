"""An abstract's sentences, and a paper in one short sentence: the one that says what the paper does ("we
propose...", "here we show..."), else the first, trimmed to a word limit (for a prompt, never a briefing
statement: see contribution for those)."""

from __future__ import annotations

import re

from ..models import Paper

DIGEST_WORDS = 20  # about 28 tokens: five papers and the instructions stay near 300 tokens

# Abbreviations that end in a full stop without ending the sentence.
_ABBREVIATIONS = (
    "e.g.",
    "i.e.",
    "et al.",
    "etc.",
    "vs.",
    "Fig.",
    "Figs.",
    "Eq.",
    "Eqs.",
    "Ref.",
    "approx.",
    "cf.",
    "resp.",
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[$\"“‘])")
# Structured abstracts (medRxiv, PLOS) open each part with a label; the digest wants the prose.
_SECTION_LABEL = re.compile(
    r"^(?:summary|abstract|background|importance|objectives?|aims?|purpose|introduction|context|motivation|"
    r"methods?|findings|results?|conclusions?|interpretation|significance)\s*(?::|\.|—|-)?\s+",
    re.IGNORECASE,
)
_CONTRIBUTION = re.compile(
    r"\b(?:we|here we|this (?:paper|work|study|article)|in this (?:paper|work|study))\s+"
    r"(?:\w+\s+)?(?:propose|present|introduce|develop|show|find|demonstrate|report|study|investigate|analy[sz]e|"
    r"establish|prove|derive|design|build|describe|examine|provide)",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping 'e.g.', 'et al.' and decimals inside theirs."""
    parts = _SENTENCE_END.split(" ".join(text.split()))
    out: list[str] = []
    for part in parts:
        if out and out[-1].endswith(_ABBREVIATIONS):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return [s.strip() for s in out if s.strip()]


def trim_words(text: str, limit: int = DIGEST_WORDS) -> str:
    words = text.split()
    if len(words) <= limit:
        return text
    return " ".join(words[:limit]).rstrip(",;:") + "…"


# "To address this issue, we propose X" says no more than "We propose X", in fewer tokens.
_LEAD_IN = re.compile(r"^[A-Z][^,;:]{0,50},\s+(?=(?:here\s+)?we\s)")


def _without_label(sentence: str) -> str:
    previous = None
    while previous != sentence:
        previous, sentence = sentence, _SECTION_LABEL.sub("", sentence, count=1)
    return sentence


def digest(paper: Paper, limit: int = DIGEST_WORDS) -> str:
    """The sentence that says what the paper does, trimmed to `limit` words; '' for no abstract."""
    found = [_without_label(s) for s in sentences(paper.abstract)]
    found = [s for s in found if len(s.split()) >= 4 and s.strip().lower() != paper.title.strip().lower()]
    if not found:
        return ""
    chosen = next((s for s in found[:6] if _CONTRIBUTION.search(s)), found[0])
    chosen = _LEAD_IN.sub("", chosen, count=1)
    return trim_words(chosen[:1].upper() + chosen[1:], limit)
