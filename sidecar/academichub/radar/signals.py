"""What the user tells the radar about single papers: stars ("more like this") here, dismissals ("not
interested") in the radar book beside the rules (see rules.RadarBook), and resetting any of them.

Stars live in `stars.json` in the data dir, changed under a cross-process lock. A star keeps the paper's
title, abstract and categories as they were, so the radar still learns from it after the store has let the
paper go.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from ..files import locked, update_json
from ..models import Paper
from .library import UserLibrary
from .rules import RadarBook, paper_key

FILE = "stars.json"
Signal = Literal["library", "stars", "dismissals"]
SIGNALS: tuple[Signal, ...] = ("library", "stars", "dismissals")


class Star(BaseModel):
    id: str = Field(description="The paper's store id, e.g. 'arxiv:2606.14677'.")
    at: dt.datetime = Field(description="When it was starred (UTC).")
    title: str = ""
    abstract: str = ""
    categories: list[str] = Field(default_factory=list)


class StarList(BaseModel):
    """`GET /api/v1/stars`: the starred papers, oldest first."""

    stars: list[Star]


class SignalFileError(ValueError):
    """stars.json holds something that is not a list of stars; it is left untouched."""


class StarBook:
    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / FILE

    def stars(self) -> list[Star]:
        with locked(self.path, shared=True):
            try:
                document = json.loads(self.path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                return []
            except json.JSONDecodeError as exc:
                raise SignalFileError(f"{self.path} is not JSON ({exc.msg}); fix or remove it") from None
        return _parse(self.path, document)

    def star(self, paper_id: str, paper: Paper | None = None) -> Star:
        """Star a paper (again: nothing changes); `paper`, when the store has it, is what is remembered."""
        key = paper_key(paper_id)
        star = Star(id=key, at=dt.datetime.now(dt.UTC).replace(microsecond=0))
        if paper is not None:
            star = star.model_copy(
                update={"title": paper.title, "abstract": paper.abstract, "categories": paper.categories}
            )

        def add(document: dict) -> Star:
            stars = _parse(self.path, document)
            for old in stars:
                if old.id == key:
                    return old
            stars.append(star)
            _store(document, stars)
            return star

        return self._update(add)

    def keep(self, star: Star) -> Star:
        """Add a star as it was made (a restored export); a paper starred already keeps its star."""

        def add(document: dict) -> Star:
            stars = _parse(self.path, document)
            found = next((old for old in stars if old.id == star.id), None)
            if found is None:
                stars.append(star)
                _store(document, stars)
            return found or star

        return self._update(add)

    def unstar(self, paper_id: str) -> bool:
        """False when the paper was not starred."""
        key = paper_key(paper_id)

        def drop(document: dict) -> bool:
            stars = _parse(self.path, document)
            kept = [s for s in stars if s.id != key]
            _store(document, kept)
            return len(kept) < len(stars)

        return self._update(drop)

    def clear(self) -> int:
        def drop_all(document: dict) -> int:
            count = len(_parse(self.path, document))
            _store(document, [])
            return count

        return self._update(drop_all)

    def _update(self, change):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return update_json(self.path, change, default=lambda: {"stars": []})
        except json.JSONDecodeError as exc:
            raise SignalFileError(f"{self.path} is not JSON ({exc.msg}); fix or remove it") from None


def reset(data_dir: Path, which: Signal | None = None) -> dict[str, int]:
    """Forget one kind of signal, or all of them (None): how many of each were forgotten."""
    forgotten: dict[str, int] = {}
    if which in (None, "library"):
        forgotten["library"] = UserLibrary(data_dir).clear()
    if which in (None, "stars"):
        forgotten["stars"] = StarBook(data_dir).clear()
    if which in (None, "dismissals"):
        with RadarBook(data_dir) as book:
            forgotten["dismissals"] = book.clear_dismissals()
    return forgotten


def _parse(path: Path, document: object) -> list[Star]:
    if not isinstance(document, dict) or not isinstance(document.get("stars", []), list):
        raise SignalFileError(f"{path} is not a list of stars; fix or remove it (left untouched)")
    try:
        return [Star.model_validate(item) for item in document.get("stars", [])]
    except ValidationError as exc:
        raise SignalFileError(
            f"{path}: a star is not valid ({exc.errors()[0]['msg']}); left untouched"
        ) from None


def _store(document: dict, stars: list[Star]) -> None:
    document.clear()
    document["stars"] = [star.model_dump(mode="json") for star in stars]
