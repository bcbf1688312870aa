"""A paper in one short sentence, by code: what the briefing's prompts carry instead of the abstract.

Prompt processing dominates on a CPU (a 1,600-token prompt took about 10 s on two cores), so each paper
enters a prompt as its title and one trimmed sentence: the one that says what the paper does ("we
propose...", "here we show..."), else the first. Digests are cached by paper id and abstract, so a day is
digested once after ingest, not at every briefing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..models import Paper

DIGEST_WORDS = 20  # about 28 tokens: five papers and the instructions stay near 300 tokens
DIGEST_VERSION = 1  # bump when the rule changes, so cached digests are made again

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


def _abstract_key(paper: Paper) -> str:
    return hashlib.blake2b(
        f"{DIGEST_VERSION}\0{paper.title}\0{paper.abstract}".encode(), digest_size=8
    ).hexdigest()


class DigestBook:
    """Digests kept in one small JSON file beside the papers: {paper id: [abstract key, digest]}."""

    def __init__(self, path: Path):
        self.path = path
        self._entries: dict[str, list[str]] | None = None
        self._dirty = False

    def _load(self) -> dict[str, list[str]]:
        if self._entries is None:
            try:
                self._entries = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # missing or damaged: digests are cheap to make again
                self._entries = {}
        return self._entries

    def digest(self, paper: Paper) -> str:
        entries = self._load()
        key = _abstract_key(paper)
        cached = entries.get(paper.id)
        if cached and cached[0] == key:
            return cached[1]
        text = digest(paper)
        entries[paper.id] = [key, text]
        self._dirty = True
        return text

    def digests(self, papers: Iterable[Paper]) -> dict[str, str]:
        """Digest every paper (from the cache where its abstract is unchanged) and save the new ones."""
        out = {paper.id: self.digest(paper) for paper in papers}
        self.save()
        return out

    def save(self) -> None:
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".digests-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(self._entries, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._dirty = False
