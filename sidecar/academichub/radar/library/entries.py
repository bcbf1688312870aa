"""The user's library: the papers they keep (imported from BibTeX, RIS, CSL-JSON or Zotero), the strongest
signal of what they read.

It lives in `library.json` in the data dir, written whole or not at all and changed under a cross-process
lock (see `files`), so an import from the CLI while the service runs loses nothing. An entry is known by
the id the paper store would give it (arXiv id, else DOI), so that it meets the stored paper; an entry with
neither is kept under a hash of its title, for its words.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from ...files import locked, update_json
from ...ids import arxiv_id_from, normalise_doi

FILE = "library.json"

# arXiv's own DOIs (10.48550/arXiv.2301.12345) name the arXiv paper: the store knows it by its arXiv id.
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>.+)$", re.IGNORECASE)


class LibraryEntry(BaseModel):
    """One paper of the user's library."""

    id: str = Field(
        description="The paper's store id: 'arxiv:2301.12345', 'doi:10.1038/...', else 'title:<hash>'."
    )
    title: str
    abstract: str = ""
    arxiv_id: str | None = Field(default=None, description="Bare arXiv id, without version.")
    doi: str | None = Field(default=None, description="Lower-cased DOI.")
    year: int | None = None
    origin: list[str] = Field(
        default_factory=list, description="Where it came from: 'bibtex:refs.bib', 'zotero', ..."
    )
    added: dt.datetime = Field(description="When it first entered the library (UTC).")


class LibraryList(BaseModel):
    """`library list --json` and `GET /api/v1/library`: the entries, oldest first."""

    entries: list[LibraryEntry]


class LibraryFileError(ValueError):
    """library.json holds something that is not a library; it is left untouched."""


def canonical_ids(
    *, arxiv: str | None, doi: str | None, url: str | None = None
) -> tuple[str | None, str | None]:
    """(bare arXiv id, DOI) as the store writes them, from what a reference manager holds: an arXiv id in
    any form, arXiv's own DOI, an arxiv.org link."""
    found = arxiv_id_from(arxiv) if arxiv else None
    clean_doi = normalise_doi(doi)
    if clean_doi and (m := _ARXIV_DOI.match(clean_doi)):
        found = found or arxiv_id_from(m["id"])
        clean_doi = None
    if not found and url and "arxiv.org" in url.lower():
        found = arxiv_id_from(url)
    return (found[0] if found else None), clean_doi


def entry_id(arxiv_id: str | None, doi: str | None, title: str) -> str:
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    if doi:
        return f"doi:{doi}"
    folded = " ".join(re.sub(r"[^\w\s]", " ", title.casefold()).split())
    return "title:" + hashlib.sha1(folded.encode("utf-8")).hexdigest()[:12]


def new_entry(
    *,
    title: str,
    abstract: str = "",
    arxiv: str | None = None,
    doi: str | None = None,
    url: str | None = None,
    year: int | None = None,
    origin: str,
) -> LibraryEntry | None:
    """An entry from a reference manager's fields; None when it has no title to learn from."""
    title = " ".join((title or "").split())
    if not title:
        return None
    arxiv_id, clean_doi = canonical_ids(arxiv=arxiv, doi=doi, url=url)
    return LibraryEntry(
        id=entry_id(arxiv_id, clean_doi, title),
        title=title,
        abstract=" ".join((abstract or "").split()),
        arxiv_id=arxiv_id,
        doi=clean_doi,
        year=year,
        origin=[origin],
        added=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )


class ImportReport(BaseModel):
    """What one import did to the library."""

    read: int = Field(description="Entries read from the file or Zotero (with a title).")
    added: int = Field(description="New to the library.")
    updated: int = Field(description="Already there; an abstract or an origin was added.")
    skipped: int = Field(default=0, description="Records without a title, or notes and attachments.")
    total: int = Field(description="Entries in the library now.")
    matched: int | None = Field(
        default=None, description="How many of the entries read the paper store holds (None: not checked)."
    )

    def summary(self) -> str:
        line = f"imported {self.read} entries: {self.added} new, {self.updated} updated"
        if self.skipped:
            line += f", {self.skipped} skipped (no title)"
        if self.matched is not None:
            line += f"; {self.matched} of them are stored papers"
        return f"{line}; the library holds {self.total}"


class UserLibrary:
    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / FILE

    def entries(self) -> list[LibraryEntry]:
        with locked(self.path, shared=True):
            return list(self._read().values())

    def add(self, entries: Iterable[LibraryEntry], *, skipped: int = 0) -> ImportReport:
        incoming = list(entries)

        def merge(document: dict) -> ImportReport:
            stored = _parse(self.path, document)
            added = updated = 0
            for entry in incoming:
                old = stored.get(entry.id)
                if old is None:
                    stored[entry.id] = entry
                    added += 1
                    continue
                merged = old.model_copy(
                    update={
                        "abstract": old.abstract or entry.abstract,
                        "origin": list(dict.fromkeys([*old.origin, *entry.origin])),
                        "year": old.year or entry.year,
                    }
                )
                if merged != old:
                    stored[entry.id] = merged
                    updated += 1
            _store(document, stored)
            return ImportReport(
                read=len(incoming), added=added, updated=updated, skipped=skipped, total=len(stored)
            )

        return self._update(merge)

    def remove(self, paper_id: str) -> LibraryEntry | None:
        """Take one entry out (by its id, arXiv id or DOI); None when the library does not hold it."""

        def drop(document: dict) -> LibraryEntry | None:
            stored = _parse(self.path, document)
            key = find_key(stored, paper_id)
            entry = stored.pop(key) if key else None
            _store(document, stored)
            return entry

        return self._update(drop)

    def clear(self) -> int:
        def drop_all(document: dict) -> int:
            count = len(_parse(self.path, document))
            _store(document, {})
            return count

        return self._update(drop_all)

    def _read(self) -> dict[str, LibraryEntry]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LibraryFileError(
                f"{self.path} is not JSON ({exc.msg}, line {exc.lineno}); fix or remove it (left untouched)"
            ) from None
        return _parse(self.path, document)

    def _update(self, change):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return update_json(self.path, change, default=lambda: {"entries": []})
        except json.JSONDecodeError as exc:
            raise LibraryFileError(
                f"{self.path} is not JSON ({exc.msg}, line {exc.lineno}); fix or remove it (left untouched)"
            ) from None


def find_key(stored: dict[str, LibraryEntry], paper_id: str) -> str | None:
    """The entry the user means: its id, or an arXiv id or DOI in any form."""
    text = paper_id.strip()
    if text in stored:
        return text
    arxiv_id, doi = canonical_ids(arxiv=text, doi=text, url=text)
    for candidate in (f"arxiv:{arxiv_id}" if arxiv_id else None, f"doi:{doi}" if doi else None):
        if candidate in stored:
            return candidate
    return None


def _parse(path: Path, document: object) -> dict[str, LibraryEntry]:
    if not isinstance(document, dict) or not isinstance(document.get("entries", []), list):
        raise LibraryFileError(
            f"{path} is not a library (no list of entries); fix or remove it (left untouched)"
        )
    try:
        entries = [LibraryEntry.model_validate(item) for item in document.get("entries", [])]
    except ValidationError as exc:
        first = exc.errors()[0]
        raise LibraryFileError(
            f"{path}: an entry is not valid ({'.'.join(map(str, first['loc']))}: {first['msg']}); "
            "fix or remove it (the file was left untouched)"
        ) from None
    return {entry.id: entry for entry in entries}


def _store(document: dict, entries: dict[str, LibraryEntry]) -> None:
    document.clear()
    document["entries"] = [entry.model_dump(mode="json") for entry in entries.values()]
