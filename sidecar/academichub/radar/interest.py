"""The learned radar's model, kept in step with the user's signals.

The model is a function of the signals (library and stars for, dismissals against) and of the papers they
are read beside: it is trained from them, saved in the data dir (`interest-model.npz`, written atomically,
so a kill -9 leaves the old model or the new one), and recorded in `interest.json` with the digest of the
signals it learnt. Whoever needs the model (the service, `cards --rank`) compares that digest with the
signals' own and trains again when they differ: a star from the CLI while the service runs, or a library
import while it was down, is learnt the next time anyone ranks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ..files import atomic_write_json
from ..models import Paper
from .library import LibraryEntry, UserLibrary
from .rules import RadarBook
from .signals import Star, StarBook

if TYPE_CHECKING:  # scikit-learn and SciPy load with the first model, not with the service
    from .learn import InterestModel, PaperText

MODEL_FILE = "interest-model.npz"
STATE_FILE = "interest.json"
MAX_BACKGROUND = 2000  # unlabelled recent papers: weak negatives, and what "common" means for a word

Lookup = Callable[[str, str | None], Paper | None]  # (store id, DOI) -> the stored paper


@dataclass(frozen=True)
class Signals:
    library: list[LibraryEntry]
    stars: list[Star]
    dismissed: list[str]

    def digest(self) -> str:
        """Changes exactly when what the model learns from changes (not when an entry's date does)."""
        facts = {
            "library": sorted((e.id, e.title, e.abstract) for e in self.library),
            "stars": sorted(s.id for s in self.stars),
            "dismissed": sorted(self.dismissed),
        }
        return hashlib.sha256(json.dumps(facts, ensure_ascii=False).encode()).hexdigest()[:16]

    @property
    def empty(self) -> bool:
        return not self.library and not self.stars


class ModelState(BaseModel):
    """`interest.json`: what the saved model learnt from."""

    digest: str
    trained_at: dt.datetime
    positives: int
    negatives: int
    background: int
    seconds: float


def read_signals(data_dir: Path) -> Signals:
    with RadarBook(data_dir) as book:
        dismissed = sorted(book.dismissed())
    return Signals(UserLibrary(data_dir).entries(), StarBook(data_dir).stars(), dismissed)


@dataclass(frozen=True)
class TrainingSet:
    positives: list[PaperText]
    negatives: list[PaperText]
    background: list[PaperText]


def text_of(paper: Paper) -> PaperText:
    from .learn import PaperText

    return PaperText(
        key=paper.id, title=paper.title, abstract=paper.abstract, categories=paper.categories, date=paper.date
    )


def training_set(signals: Signals, lookup: Lookup, recent: Sequence[Paper]) -> TrainingSet:
    """Library entries and stars as positives (with the stored paper's abstract and categories where the
    store holds it), dismissed stored papers as negatives, the rest of the recent papers as background."""
    from .learn import PaperText

    positives: dict[str, PaperText] = {}
    for entry in signals.library:
        stored = lookup(entry.id, entry.doi)
        if stored is not None and stored.abstract:  # the stored text: its representation is kept already
            positives[stored.id] = text_of(stored)
        else:
            positives[entry.id] = PaperText(
                key=entry.id,
                title=entry.title,
                abstract=entry.abstract,
                categories=stored.categories if stored else [],
                date=stored.date if stored else None,
            )
    for star in signals.stars:
        stored = lookup(star.id, None)
        if stored is not None:
            positives[stored.id] = text_of(stored)
        elif star.title:
            positives[star.id] = PaperText(
                key=star.id, title=star.title, abstract=star.abstract, categories=star.categories
            )
    negatives = {}
    for key in signals.dismissed:
        stored = lookup(key, None)
        if stored is not None and stored.id not in positives:
            negatives[stored.id] = text_of(stored)
    background = [text_of(p) for p in recent if p.id not in positives and p.id not in negatives][
        :MAX_BACKGROUND
    ]
    return TrainingSet(list(positives.values()), list(negatives.values()), background)


def train(
    data_dir: Path, signals: Signals, examples: TrainingSet
) -> tuple[InterestModel | None, ModelState | None]:
    """Train on `examples`, save the model and its state; with no positives, forget the model (rules only)."""
    if not examples.positives:
        forget(data_dir)
        return None, None
    from .learn import InterestModel
    from .learn.vectors import PaperVectors

    started = time.perf_counter()
    vectors = PaperVectors(data_dir).counts  # the stored papers' representations, computed once
    model = InterestModel.train(examples.positives, examples.negatives, examples.background, vectors=vectors)
    seconds = time.perf_counter() - started
    model.save(Path(data_dir) / MODEL_FILE)
    state = ModelState(
        digest=signals.digest(),
        trained_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        positives=len(examples.positives),
        negatives=len(examples.negatives),
        background=len(examples.background),
        seconds=round(seconds, 3),
    )
    atomic_write_json(Path(data_dir) / STATE_FILE, state.model_dump(mode="json"))
    return model, state


def forget(data_dir: Path) -> None:
    for name in (STATE_FILE, MODEL_FILE):
        with contextlib.suppress(FileNotFoundError):
            (Path(data_dir) / name).unlink()


def load(data_dir: Path) -> tuple[InterestModel | None, ModelState | None]:
    """The saved model and what it learnt from; (None, None) when there is none or it cannot be read (it is
    then trained again)."""
    try:
        state = ModelState.model_validate_json((Path(data_dir) / STATE_FILE).read_bytes())
    except (FileNotFoundError, ValueError):
        return None, None
    from .learn import InterestModel

    try:
        return InterestModel.load(Path(data_dir) / MODEL_FILE), state
    except (FileNotFoundError, ValueError):  # ModelFileError is a ValueError
        return None, None


def stored_lookup(store) -> Lookup:
    """Lookup through a PaperStore: by id (arXiv or DOI), else by DOI (an arXiv paper that has one)."""

    def lookup(paper_id: str, doi: str | None) -> Paper | None:
        if paper_id.startswith("title:"):
            return None
        return store.get(paper_id) or (store.find_by_doi(doi) if doi else None)

    return lookup


def recent_papers(store, limit: int = MAX_BACKGROUND) -> list[Paper]:
    """The latest days' papers, newest day first, up to `limit`."""
    papers: list[Paper] = []
    for day in reversed(store.days()):
        papers += store.day(day)
        if len(papers) >= limit:
            break
    return papers[:limit]


def up_to_date(data_dir: Path, store) -> InterestModel | None:
    """The model for the signals as they are now: the saved one, or one trained now (a command line that
    ranks while no service keeps the model fresh)."""
    signals = read_signals(data_dir)
    model, state = load(data_dir)
    if not os.access(data_dir, os.W_OK):  # a read-only data dir: rank with the model as it was saved
        return model
    if signals.empty:
        if model is not None:
            forget(data_dir)
        return None
    if model is not None and state is not None and state.digest == signals.digest():
        return model
    return train(data_dir, signals, training_set(signals, stored_lookup(store), recent_papers(store)))[0]
