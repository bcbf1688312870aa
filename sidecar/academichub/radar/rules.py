"""The radar's rules, and the book that keeps them with the papers the user dismissed.

Both live in one small file, `radar.json` in the data dir, a TinyDB document written atomically (see
`files`), so the CLI, the service and a hand edit all change the same thing; every call re-reads it, so a
rule added by the CLI while the service runs is used by the next match. Every change is a read-modify-write
inside the file's cross-process lock: the CLI and the service adding rules at once lose none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from tinydb import Query, TinyDB
from tinydb.queries import QueryInstance

from ..files import atomic_write, locked
from ..ids import paper_key
from ..store.storage import AtomicJSONStorage
from .terms import TermError, parse_author, parse_term

FILE = "radar.json"
MAX_RULES = 500


class RadarRule(BaseModel):
    """A standing interest: papers that mention these terms or are by these authors, optionally only in
    some categories or sources, never when an excluded term appears."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1, max_length=80, description="Unique (ignoring case), e.g. 'graph learning'."
    )
    terms: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Words ('RL'), phrases ('graph neural network', quotes optional) and prefix wildcards "
        "('neur*'); case, accents and the dashes between words are ignored, whole words only.",
    )
    authors: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Author names: 'Pérez', 'Ana Pérez' or 'A. Perez' (surname last, or 'Pérez, Ana').",
    )
    categories: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Only papers in one of these arXiv categories ('cs.LG'; 'cs' for every cs.*).",
    )
    sources: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Only papers from one of these sources ('arXiv', 'arXiv (cs.CV)', 'Nature').",
    )
    exclude: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Terms that veto the rule: a paper with one in its title or abstract does not match.",
    )
    weight: float = Field(
        default=1.0, gt=0, le=100, description="How much this rule counts in a paper's score."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        name = " ".join(name.split())
        if not name:
            raise ValueError("a rule needs a name")
        return name

    @field_validator("terms", "exclude")
    @classmethod
    def _terms(cls, terms: list[str]) -> list[str]:
        return _unique([parse_term(term).text for term in terms])

    @field_validator("authors")
    @classmethod
    def _authors(cls, authors: list[str]) -> list[str]:
        return _unique([parse_author(author).text for author in authors])

    @field_validator("categories", "sources")
    @classmethod
    def _labels(cls, labels: list[str]) -> list[str]:
        cleaned = _unique([label.strip() for label in labels if label.strip()])
        if any(len(label) > 200 for label in cleaned):
            raise ValueError("a category or source is at most 200 characters")
        return cleaned

    @model_validator(mode="after")
    def _something_to_match(self) -> RadarRule:
        if not self.terms and not self.authors:
            raise ValueError("a rule needs terms or authors to match; categories and sources only narrow it")
        return self


class RuleList(BaseModel):
    """The radar's rules, in the order they were added (`GET /api/v1/radar/rules`, `radar list --json`)."""

    rules: list[RadarRule]


def describe_rule(rule: RadarRule) -> str:
    """One line a reader can check:

    graph learning (weight 2): “GNN”, “neur*”; by Ana Pérez; only cs.LG; not “robot*”
    """
    parts = [", ".join(f"“{t}”" for t in rule.terms)] if rule.terms else []
    if rule.authors:
        parts.append("by " + ", ".join(rule.authors))
    if rule.categories or rule.sources:
        parts.append("only " + ", ".join([*rule.categories, *rule.sources]))
    if rule.exclude:
        parts.append("not " + ", ".join(f"“{t}”" for t in rule.exclude))
    weight = f" (weight {rule.weight:g})" if rule.weight != 1 else ""
    return f"{rule.name}{weight}: " + "; ".join(parts)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


class Dismissal(BaseModel):
    """A paper the user marked "not interested": kept out of the radar view, and nothing more."""

    id: str = Field(description="The paper's canonical id, e.g. 'arxiv:2606.14677'.")
    at: dt.datetime = Field(description="When it was dismissed (UTC).")


class RadarFileError(ValueError):
    """radar.json holds something that is not a valid rule; it is left untouched."""


class RuleNotFound(LookupError):
    pass


class RuleExists(ValueError):
    pass


@dataclass(frozen=True)
class RadarSnapshot:
    signature: tuple[int, int, int] | None  # the file's identity when read; None: no file yet
    rules: tuple[RadarRule, ...]
    dismissed: frozenset[str]


class _RadarStorage(AtomicJSONStorage):
    """Written through a temporary file of its own name: two processes never share one."""

    def write_bytes(self, data: bytes) -> None:
        if self.create_dirs:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, data)


class RadarBook:
    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / FILE
        self._db = TinyDB(self.path, storage=_RadarStorage, create_dirs=True)
        self._rules = self._db.table("rules", cache_size=0)  # re-read on every call: the CLI may have written
        self._dismissed = self._db.table("dismissed", cache_size=0)
        self._lock = threading.Lock()  # one read-modify-write at a time within the process...
        self._snapshot: RadarSnapshot | None = None

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """... and across processes (the CLI while the service runs): what is read inside is what is
        changed."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with locked(self.path):
                # TinyDB remembers the next document id; another process may have used it meanwhile.
                self._rules._next_id = None
                self._dismissed._next_id = None
                yield

    # ---- rules ----

    def rules(self) -> list[RadarRule]:
        rules = []
        for document in self._rules.all():
            try:
                rules.append(RadarRule.model_validate(document))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                raise RadarFileError(
                    f"{self.path}: rule {document.get('name', '?')!r} is not valid ({where}: "
                    f"{first['msg']}); fix or remove it there (the file was left untouched)"
                ) from None
        return rules

    def rule(self, name: str) -> RadarRule:
        for rule in self.rules():
            if _same(rule.name, name):
                return rule
        raise RuleNotFound(f"no radar rule named {name!r}; `academichub radar list` shows the rules")

    def add(self, rule: RadarRule) -> RadarRule:
        with self._changing():
            rules = self.rules()
            if any(_same(r.name, rule.name) for r in rules):
                raise RuleExists(
                    f"a radar rule named {rule.name!r} exists already; remove it or choose another name"
                )
            if len(rules) >= MAX_RULES:
                raise RuleExists(f"the radar holds {MAX_RULES} rules already, the most it keeps")
            self._rules.insert(_document(rule))
            return rule

    def replace(self, name: str, rule: RadarRule) -> RadarRule:
        """Put `rule` in the place of the rule named `name` (it may rename it)."""
        with self._changing():
            rules = self.rules()
            if not any(_same(r.name, name) for r in rules):
                raise RuleNotFound(f"no radar rule named {name!r}")
            if not _same(name, rule.name) and any(_same(r.name, rule.name) for r in rules):
                raise RuleExists(f"a radar rule named {rule.name!r} exists already")
            self._rules.update(_replace_with(_document(rule)), Query().name.test(lambda n: _same(n, name)))
            return rule

    def remove(self, name: str) -> RadarRule:
        with self._changing():
            rule = self.rule(name)
            self._rules.remove(Query().name.test(lambda n: _same(n, name)))
            return rule

    # ---- dismissals ----

    def dismiss(self, paper_id: str) -> Dismissal:
        key = paper_key(paper_id)
        with self._changing():
            found = self._dismissed.get(_is_key(key))
            if isinstance(found, dict):
                return Dismissal.model_validate(found)
            dismissal = Dismissal(id=key, at=dt.datetime.now(dt.UTC).replace(microsecond=0))
            self._dismissed.insert(dismissal.model_dump(mode="json"))
            return dismissal

    def undismiss(self, paper_id: str) -> bool:
        """Take a dismissal back; False when the paper was not dismissed."""
        with self._changing():
            return bool(self._dismissed.remove(_is_key(paper_key(paper_id))))

    def clear_dismissals(self) -> int:
        """Take every dismissal back; how many there were."""
        with self._lock:
            count = len(self._dismissed)
            self._dismissed.truncate()
            return count

    def dismissals(self) -> list[Dismissal]:
        return [Dismissal.model_validate(d) for d in self._dismissed.all()]

    def dismissed(self) -> set[str]:
        return {paper_key(d["id"]) for d in self._dismissed.all()}

    # ---- what a match needs, read once per change of the file ----

    def snapshot(self) -> RadarSnapshot:
        """The rules and dismissals, re-read only when the file changed (a stat, not a parse, per call: the
        cards API asks on every request)."""
        signature = self._signature()
        cached = self._snapshot
        if cached is not None and cached.signature == signature:
            return cached
        snapshot = RadarSnapshot(signature, tuple(self.rules()), frozenset(self.dismissed()))
        self._snapshot = snapshot
        return snapshot

    def fresh_snapshot(self) -> RadarSnapshot | None:
        """The cached snapshot if the file has not changed since, else None (then call `snapshot`)."""
        cached = self._snapshot
        return cached if cached is not None and cached.signature == self._signature() else None

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        # Every write replaces the file (a new inode), so an edit within one mtime tick still shows.
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RadarBook:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _is_key(key: str) -> QueryInstance:
    # Read as keys: a dismissal written before DOIs were lower-cased here still counts as its paper's.
    return Query().id.test(lambda stored: paper_key(stored) == key)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _document(rule: RadarRule) -> dict[str, Any]:
    return rule.model_dump(mode="json")


def _replace_with(new: dict[str, Any]) -> Callable[[MutableMapping[str, Any]], None]:
    def transform(document: MutableMapping[str, Any]) -> None:
        document.clear()
        document.update(new)

    return transform


__all__ = [
    "Dismissal",
    "RadarBook",
    "RadarFileError",
    "RadarRule",
    "RuleExists",
    "RuleList",
    "RuleNotFound",
    "TermError",
    "describe_rule",
    "paper_key",
]
