"""Matching papers against the radar: which rules hit, where, with spans on the original text.

The sidecar matches every arXiv page the user browses (a listing holds up to 2,000 entries, ~1.5 MB of
titles and abstracts) while the page waits, so the work is shaped for CPython's C loops rather than a loop
per term or per word:

1. All titles and abstracts of the batch are joined into one text (NUL between fields); the few fields
   with a backslash or a non-ASCII character are folded first (`folding`), with a map back.
2. A byte copy of it, every non-word character turned into a space, is scanned once by one regex: a space
   followed by a trie of the terms' anchor words. That finds every word start where some term may match,
   whatever the number of rules (a scan costs the length of the text, not the number of terms).
3. Only there are the candidate terms' own regexes run, on the folded text (phrases, wildcards, word
   boundaries); a match is mapped back to the original text, its paper and its field. A term is anchored
   on its rarest-looking word (`context` for `in-context learning`), so a common word costs no stops.
Author names get the same treatment, with surnames as the anchors. `bench/radar.py` measures it against a
loop of `re.finditer` per term.
"""

from __future__ import annotations

import codecs
import json
import re
import threading
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, islice
from typing import Any, Literal, Protocol

from cachetools import LRUCache, cached
from pydantic import TypeAdapter

from ..models import RadarHit
from ..store.cards import matches_source
from .folding import Folded, fold
from .rules import RadarRule
from .terms import AuthorName, Term, name_words, parse_author, parse_term

TermField = Literal["title", "abstract"]
TEXT_FIELDS: tuple[TermField, TermField] = ("title", "abstract")
FIELD_ORDER = {"title": 0, "authors": 1, "abstract": 2}
_HITS = TypeAdapter(list[RadarHit])


def _reading_order(item: tuple[int, dict[str, Any]]) -> tuple[int, int, int, int, str]:
    hit = item[1]
    return FIELD_ORDER[hit["field"]], hit.get("author", 0), hit["start"], hit["end"], hit["rule"]


class Matchable(Protocol):
    """What the radar reads of a paper: a stored Paper, or an entry seen on an arXiv page."""

    title: str
    abstract: str
    authors: list[str]
    categories: list[str]

    @property
    def source_label(self) -> str: ...


# Each non-ASCII character left after folding (Cyrillic, CJK) scans as one 0x80 byte: a letter, so that byte
# offsets in the scan stay character offsets in the folded text.
_SHAPE_ERRORS = "academichub-radar-shape"


def _as_letters(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeEncodeError)
    # The handler's replacement may be bytes, which the stubs do not say (`str` only).
    return b"\x80" * (exc.end - exc.start), exc.end  # type: ignore[return-value]


codecs.register_error(_SHAPE_ERRORS, _as_letters)
_WORD_BYTES = b"0123456789abcdefghijklmnopqrstuvwxyz_\x80"
# Words stay (lower-cased: folding keeps ASCII case), everything else is a space.
_SCAN_TABLE = bytes(b if b in _WORD_BYTES else b + 32 if 65 <= b <= 90 else 0x20 for b in range(256))
_NOT_WORD = b"(?![0-9a-z_\x80])"


def _shape(text: str) -> bytes:
    return text.encode("ascii", _SHAPE_ERRORS)


def _scan_bytes(folded: str) -> bytes:
    """The folded text as the scanner reads it: lower-case words, a space for everything else, one leading."""
    return b" " + _shape(folded).translate(_SCAN_TABLE)


@dataclass
class _TrieNode:
    children: dict[int, _TrieNode] = field(default_factory=dict)  # next byte -> node
    ends: set[bool] = field(default_factory=set)  # an anchor ends here: True for a prefix, False for a word


def _trie_regex(exact: set[bytes], prefixes: set[bytes]) -> re.Pattern[bytes] | None:
    """A space, then a whole word in `exact` or a word starting with one of `prefixes`, as a trie: the regex
    engine checks a byte per level, never a list of words."""
    if not exact and not prefixes:
        return None
    root = _TrieNode()
    for anchor in exact | prefixes:
        node = root
        for byte in anchor:
            node = node.children.setdefault(byte, _TrieNode())
        node.ends.add(anchor in prefixes)

    def emit(node: _TrieNode) -> bytes:
        ends = node.ends
        if True in ends:  # a prefix anchor ends here: any word going on from here is a candidate
            return b""
        branches = [re.escape(bytes([byte])) + emit(child) for byte, child in sorted(node.children.items())]
        if ends:
            branches.append(_NOT_WORD)  # a whole word ends here
        return branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"

    return re.compile(b" " + emit(root))


@dataclass
class _Anchors:
    """Anchor words (whole words, or prefixes) and the items anchored on each; finds them in a scan."""

    exact: dict[bytes, list[int]] = field(default_factory=lambda: defaultdict(list))
    prefixes: dict[bytes, list[int]] = field(default_factory=lambda: defaultdict(list))
    regex: re.Pattern[bytes] | None = None
    # The scan reports the shortest prefix anchor on a word; the anchors that extend it are checked here.
    longer: dict[bytes, list[tuple[bytes, bool]]] = field(default_factory=dict)

    def add(self, anchor: str, item: int, prefix: bool = False) -> None:
        (self.prefixes if prefix else self.exact)[_shape(anchor)].append(item)

    def compile(self) -> None:
        self.exact, self.prefixes = dict(self.exact), dict(self.prefixes)
        self.regex = _trie_regex(set(self.exact), set(self.prefixes))
        anchors = [(a, False) for a in self.exact] + [(a, True) for a in self.prefixes]
        self.longer = {
            p: [(a, is_prefix) for a, is_prefix in anchors if len(a) > len(p) and a.startswith(p)]
            for p in self.prefixes
        }

    def candidates(self, scan: bytes) -> Iterator[tuple[int, list[int]]]:
        """(offset of a word start in the folded text, the items anchored there), in text order."""
        if self.regex is None:
            return
        exact, prefixes, longer = self.exact, self.prefixes, self.longer
        for found in self.regex.finditer(scan):
            at = found.start() + 1
            key = scan[at : found.end()]
            if key not in prefixes:  # a whole word: the trie checked its end
                yield at - 1, exact[key]  # the scan has one leading space
                continue
            items = prefixes[key]
            after = found.end()
            if after == len(scan) or scan[after] == 0x20:  # the word is the prefix itself
                if key in exact:
                    items = items + exact[key]
            elif longer[key]:
                end = scan.find(b" ", after)
                word = scan[at:end] if end >= 0 else scan[at:]
                for anchor, is_prefix in longer[key]:
                    if word == anchor or (is_prefix and word.startswith(anchor)):
                        items = items + (prefixes if is_prefix else exact)[anchor]
            yield at - 1, items


@dataclass
class _Batch:
    """Many fields (titles and abstracts, or author names) as one folded text, NUL between them.

    Only the fields that folding changes are folded (a backslash or a non-ASCII character); the others,
    most of them, are their own fold and need no offset map.
    """

    texts: list[str]  # the original fields
    text: str  # the folded fields, joined
    starts: list[int]  # where each field starts in `text`, and one past the end
    folds: dict[int, Folded]

    @classmethod
    def join(cls, texts: list[str]) -> _Batch:
        folds = {i: fold(t) for i, t in enumerate(texts) if not t.isascii() or "\\" in t}
        folded = texts
        if folds:
            folded = list(texts)
            for i, f in folds.items():
                folded[i] = f.text
        starts = [start + i for i, start in enumerate(accumulate(map(len, folded), initial=0))]
        return cls(texts, "\x00".join(folded), starts, folds)

    def field_at(self, at: int) -> int:
        return bisect_right(self.starts, at) - 1

    def locate(self, start: int, end: int) -> tuple[int, int, int]:
        """(field index, start, end) in the original field, for a span of the joined folded text."""
        i = bisect_right(self.starts, start) - 1
        offset = self.starts[i]
        folded = self.folds.get(i)
        if folded is None:
            return i, start - offset, end - offset
        return i, *folded.span(start - offset, end - offset)


class RadarMatcher:
    """The rules compiled once; `match` and `match_many` are then cheap."""

    def __init__(self, rules: Sequence[RadarRule]):
        self.rules = list(rules)
        self.terms: list[Term] = []
        self.term_owners: list[list[tuple[int, bool]]] = []  # per term: (rule index, is an exclusion)
        self.authors: list[AuthorName] = []
        self.author_owners: list[list[int]] = []
        self._terms = _Anchors()
        self._authors = _Anchors()
        seen_terms: dict[tuple[str, ...], int] = {}
        seen_authors: dict[tuple[str, tuple[str, ...]], int] = {}
        for r, rule in enumerate(self.rules):
            for text, excluded in [*((t, False) for t in rule.terms), *((t, True) for t in rule.exclude)]:
                term = parse_term(text)
                index = seen_terms.setdefault(term.words, len(self.terms))
                if index == len(self.terms):
                    self.terms.append(term)
                    self.term_owners.append([])
                    self._terms.add(term.anchor, index, prefix=term.is_prefix)
                self.term_owners[index].append((r, excluded))
            for text in rule.authors:
                author = parse_author(text)
                index = seen_authors.setdefault((author.surname, author.given), len(self.authors))
                if index == len(self.authors):
                    self.authors.append(author)
                    self.author_owners.append([])
                    self._authors.add(author.surname, index)
                self.author_owners[index].append(r)
        self._terms.compile()
        self._authors.compile()
        self.weights = {rule.name: rule.weight for rule in self.rules}

    def match(self, paper: Matchable) -> list[RadarHit]:
        return self.match_many([paper])[0]

    def match_many(self, papers: Sequence[Matchable]) -> list[list[RadarHit]]:
        """Each paper's hits, in reading order (title, authors, abstract); [] for a paper no rule matches."""
        found: list[list[tuple[int, dict[str, Any]]]] = [[] for _ in papers]  # (rule index, hit's fields)
        vetoed: set[tuple[int, int]] = set()  # (paper, rule)
        if self.terms:
            self._match_terms(papers, found, vetoed)
        if self.authors:
            self._match_authors(papers, found)
        kept: list[dict[str, Any]] = []
        counts: list[int] = []
        allowed: dict[tuple[int, int], bool] = {}
        for p, hits in enumerate(found):
            before = len(kept)
            for r, hit in sorted(hits, key=_reading_order):
                if (p, r) in vetoed:
                    continue
                if (p, r) not in allowed:
                    allowed[p, r] = _passes_filters(self.rules[r], papers[p])
                if allowed[p, r]:
                    kept.append(hit)
            counts.append(len(kept) - before)
        made = iter(_HITS.validate_python(kept))  # one call for the page: half the cost of one per hit
        return [list(islice(made, count)) for count in counts]

    def _match_terms(
        self,
        papers: Sequence[Matchable],
        found: list[list[tuple[int, dict[str, Any]]]],
        vetoed: set[tuple[int, int]],
    ) -> None:
        texts = [text for paper in papers for text in (paper.title, paper.abstract or "")]
        batch = _Batch.join(texts)
        text = batch.text
        for at, items in self._terms.candidates(_scan_bytes(text)):
            for t in items:
                span = self.terms[t].match_at(text, at)
                if span is None:
                    continue
                i, start, end = batch.locate(*span)
                p, which = divmod(i, 2)
                words = texts[i][start:end]
                for r, excluded in self.term_owners[t]:
                    if excluded:
                        vetoed.add((p, r))
                    else:
                        hit = {
                            "rule": self.rules[r].name,
                            "field": TEXT_FIELDS[which],
                            "term": self.terms[t].text,
                            "start": start,
                            "end": end,
                            "text": words,
                        }
                        found[p].append((r, hit))

    def _match_authors(
        self, papers: Sequence[Matchable], found: list[list[tuple[int, dict[str, Any]]]]
    ) -> None:
        names = [name for paper in papers for name in paper.authors]
        if not names:
            return
        # Where each paper's authors start in `names`.
        first = list(accumulate((len(paper.authors) for paper in papers), initial=0))
        batch = _Batch.join(names)
        text = batch.text
        done: set[tuple[int, int]] = set()  # (name, author pattern): a surname may appear twice in a name
        for at, items in self._authors.candidates(_scan_bytes(text)):
            i = batch.field_at(at)
            words: list[str] | None = None
            for a in items:
                if (i, a) in done:
                    continue
                done.add((i, a))
                if words is None:
                    words = name_words(text[batch.starts[i] : batch.starts[i + 1] - 1].lower())
                if not self.authors[a].matches(words):
                    continue
                p = bisect_right(first, i) - 1
                name = names[i]
                for r in self.author_owners[a]:
                    hit = {
                        "rule": self.rules[r].name,
                        "field": "authors",
                        "term": self.authors[a].text,
                        "start": 0,
                        "end": len(name),
                        "text": name,
                        "author": i - first[p],
                    }
                    found[p].append((r, hit))


def in_category(categories: Sequence[str], wanted: str) -> bool:
    """Whether a paper of these arXiv categories is in `wanted`, any case: an archive ('cs') covers its
    categories (cs.LG)."""
    want = wanted.lower()
    return any(c.lower() == want or c.lower().startswith(want + ".") for c in categories)


def _passes_filters(rule: RadarRule, paper: Matchable) -> bool:
    """A rule's categories and sources narrow it: 'cs' covers cs.LG; sources read as `cards --source` does."""
    if rule.categories and not any(in_category(paper.categories, want) for want in rule.categories):
        return False
    return not rule.sources or any(matches_source(paper, wanted) for wanted in rule.sources)


def _rules_key(rules: Sequence[RadarRule]) -> str:
    return json.dumps([rule.model_dump(mode="json") for rule in rules], sort_keys=True)


@cached(LRUCache(maxsize=8), key=_rules_key, lock=threading.Lock())
def matcher_for(rules: Sequence[RadarRule]) -> RadarMatcher:
    """The compiled matcher for these rules, compiled once while they stay the same (the rules are re-read
    from their file on every request, so that a CLI edit counts at once; compiling them again would not)."""
    return RadarMatcher(rules)
