"""The paper store's index: paper id -> day and place in it, DOI -> paper id, alias -> paper id.

Opening reads the manifest and the index files only, so the index is a log: one file per commit that learns
new ids, merged like a binary counter (a file absorbs the newer ones once they are as big as it), so there
are a few files and each entry is rewritten a few times, however many commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic_core import to_json

from ..ids import doi_key
from ..models import Paper
from .manifest import StoreError, missing
from .storage import AtomicJSONStorage, CorruptFileError


def may_share_doi(stored_id: str, incoming_id: str) -> bool:
    # Two different arXiv papers can carry one journal DOI (a paper published with its companion): keep both.
    return not (
        stored_id.startswith("arxiv:") and incoming_id.startswith("arxiv:") and stored_id != incoming_id
    )


@dataclass
class Index:
    ids: dict[str, str] = field(default_factory=dict)  # paper id -> "ISO day/place in the day"
    dois: dict[str, str] = field(default_factory=dict)  # doi_key -> paper id
    aliases: dict[str, str] = field(default_factory=dict)  # id of a record merged by DOI -> paper id

    def __len__(self) -> int:
        return len(self.ids) + len(self.dois) + len(self.aliases)

    def match(self, paper: Paper) -> str | None:
        """The id under which this index knows `paper`, if it does."""
        if paper.id in self.ids:
            return paper.id
        if (known := self.aliases.get(paper.id)) is not None:
            return known
        if paper.doi and (known := self.dois.get(doi_key(paper.doi))) and may_share_doi(known, paper.id):
            return known
        return None

    def resolve(self, paper_id: str) -> str | None:
        return paper_id if paper_id in self.ids else self.aliases.get(paper_id)

    def place(self, paper_id: str) -> tuple[str, int]:
        day, _, place = self.ids[paper_id].partition("/")
        return day, int(place or -1)

    def absorb(self, other: Index | dict[str, Any]) -> None:
        data = other.to_json() if isinstance(other, Index) else other
        self.ids.update(data.get("ids", {}))
        self.dois.update(data.get("dois", {}))
        self.aliases.update(data.get("aliases", {}))

    def to_json(self) -> dict[str, dict[str, str]]:
        return {"ids": self.ids, "dois": self.dois, "aliases": self.aliases}


def load_index(data_dir: Path, files: list[tuple[str, int]]) -> Index:
    index = Index()
    for name, _ in files:
        index.absorb(_read_index_file(data_dir, name))
    return index


def write_index(
    data_dir: Path, files: list[tuple[str, int]], new_keys: Index, generation: int, written: list[Path]
) -> list[tuple[str, int]]:
    """Log the new index entries, merging the newest files while the newer is as big; the index files the
    next manifest names."""
    files = list(files)
    if not new_keys:
        return files
    merged = new_keys
    while files and len(merged) >= files[-1][1]:
        older = Index()
        older.absorb(_read_index_file(data_dir, files.pop()[0]))
        older.absorb(merged)
        merged = older
    name = f"index/{generation:06d}.json"
    path = data_dir / name
    written.append(path)
    AtomicJSONStorage(path, durable=False).write_bytes(to_json(merged.to_json()))  # 4x json.dumps speed
    return [*files, (name, len(merged))]


def _read_index_file(data_dir: Path, name: str) -> dict[str, Any]:
    try:
        data = AtomicJSONStorage(data_dir / name).read()
    except CorruptFileError as err:
        raise StoreError(str(err)) from err
    if data is None:
        raise StoreError(missing(data_dir, name))
    return data
