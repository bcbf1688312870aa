"""Reading the files reference managers export (Zotero, Mendeley, JabRef, Paperpile): BibTeX, RIS and
CSL-JSON, each with the library that parses it well (bibtexparser, rispy; CSL-JSON is plain JSON).

Where an arXiv paper hides differs by exporter: BibTeX's `eprint` with `archivePrefix = {arXiv}` or a
`journal = {arXiv preprint arXiv:2301.12345}`; CSL-JSON's `number: "arXiv:2301.12345"` and arXiv's own DOI
(10.48550/arXiv.2301.12345); an arxiv.org link in any of them. All are read, and the store's canonical id
is what the entry keeps (see entries.canonical_ids).
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import bibtexparser
import rispy

from ...ids import ARXIV_ID
from ...ingest import tex
from .entries import LibraryEntry, new_entry

# bibtexparser logs each block it cannot parse; the import reports them as skipped instead.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False

_ARXIV_MENTION = re.compile(rf"arxiv[:\s]*({ARXIV_ID})", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
FORMATS = ("bibtex", "ris", "csl-json")


class LibraryImportError(ValueError):
    """The file cannot be read as a library; the message says why and what to do."""


@dataclass
class ReadEntries:
    entries: list[LibraryEntry]
    skipped: int  # records without a title, or that did not parse


def guess_format(name: str, text: str) -> str:
    """By the file's extension, else by its first character (BibTeX '@', CSL-JSON '[', RIS 'TY  - ')."""
    lower = name.lower()
    if lower.endswith((".bib", ".bibtex")):
        return "bibtex"
    if lower.endswith((".ris", ".txt")) and "TY  -" in text[:2000]:
        return "ris"
    if lower.endswith(".ris"):
        return "ris"
    if lower.endswith(".json"):
        return "csl-json"
    start = text.lstrip()[:1]
    if start == "@":
        return "bibtex"
    if start in "[{":
        return "csl-json"
    if re.match(r"\s*TY  - ", text):
        return "ris"
    raise LibraryImportError(
        f"{name}: not a library file AcademicHub reads; export BibTeX (.bib), RIS (.ris) or CSL-JSON (.json)"
    )


def read_library_file(name: str, text: str, fmt: str | None = None) -> ReadEntries:
    """The entries of an exported library; `name` (the file's name) is kept as the entries' origin."""
    fmt = fmt or guess_format(name, text)
    reader = {"bibtex": read_bibtex, "ris": read_ris, "csl-json": read_csl_json}.get(fmt)
    if reader is None:
        raise LibraryImportError(f"unknown library format {fmt!r}; one of {', '.join(FORMATS)}")
    return reader(text, origin=f"{fmt}:{name}")


def read_bibtex(text: str, *, origin: str) -> ReadEntries:
    parsed = bibtexparser.parse_string(text)
    if not parsed.entries and parsed.failed_blocks:
        raise LibraryImportError(f"{origin}: no BibTeX entry could be read (is it a .bib file?)")
    candidates: list[LibraryEntry | None] = []
    skipped = len(parsed.failed_blocks)
    for item in parsed.entries:
        fields = {name.lower(): str(field.value) for name, field in item.fields_dict.items()}
        eprint = fields.get("eprint", "")
        prefix = fields.get("archiveprefix", fields.get("eprinttype", "")).lower()
        arxiv = eprint if eprint and prefix in ("", "arxiv") else _arxiv_mention(fields.values())
        entry = new_entry(
            title=_tex_text(fields.get("title", "")),
            abstract=_tex_text(fields.get("abstract", "")),
            arxiv=arxiv,
            doi=fields.get("doi"),
            url=fields.get("url"),
            year=_year(fields.get("year") or fields.get("date")),
            origin=origin,
        )
        candidates.append(entry)
    return _gathered(candidates, skipped)


def read_ris(text: str, *, origin: str) -> ReadEntries:
    try:
        records = rispy.loads(text)
    except Exception as exc:  # rispy raises bare IOError/ValueError/KeyError variants on malformed input
        raise LibraryImportError(f"{origin}: not a RIS file rispy can read ({exc})") from None
    candidates: list[LibraryEntry | None] = []
    for record in records:
        urls = record.get("urls") or []
        entry = new_entry(
            title=_first(record, "title", "primary_title", "translated_title"),
            abstract=_first(record, "abstract", "notes_abstract"),
            arxiv=_arxiv_mention([*urls, _first(record, "notes"), _first(record, "number")]),
            doi=_first(record, "doi"),
            url=next((u for u in urls if "arxiv.org" in u.lower()), urls[0] if urls else None),
            year=_year(_first(record, "year", "publication_year", "date")),
            origin=origin,
        )
        candidates.append(entry)
    return _gathered(candidates, skipped=0)  # rispy reads a record or fails the whole file


def read_csl_json(text: str, *, origin: str) -> ReadEntries:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LibraryImportError(f"{origin}: not JSON ({exc.msg}, line {exc.lineno})") from None
    if isinstance(items, dict) and isinstance(items.get("items"), list):
        items = items["items"]
    if not isinstance(items, list):
        raise LibraryImportError(
            f"{origin}: CSL-JSON is a list of items; this file holds a {type(items).__name__}"
        )
    candidates: list[LibraryEntry | None] = []
    skipped = 0
    for item in items:
        if not isinstance(item, Mapping):
            skipped += 1
            continue
        entry = new_entry(
            title=_text(item.get("title")),
            abstract=_text(item.get("abstract")),
            arxiv=_arxiv_mention(_text(item.get(k)) for k in ("number", "archive_location", "URL", "note")),
            doi=_text(item.get("DOI")) or None,
            url=_text(item.get("URL")) or None,
            year=_csl_year(item.get("issued")),
            origin=origin,
        )
        candidates.append(entry)
    return _gathered(candidates, skipped)


def _gathered(candidates: list[LibraryEntry | None], skipped: int) -> ReadEntries:
    entries = [entry for entry in candidates if entry is not None]
    return ReadEntries(entries, skipped + len(candidates) - len(entries))


def _arxiv_mention(values: Iterable[str | None]) -> str | None:
    for value in values:
        if not value:
            continue
        if m := _ARXIV_MENTION.search(value):
            return m[1]
        if "arxiv.org/" in value.lower():
            return value
    return None


def _first(record: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        if value:
            return str(value)
    return ""


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


# TeX's accents and special letters, as BibTeX exports spell names (Schr{\"o}dinger, Erd\H{o}s, \L{}ukasz).
# (the table itself is ingest/tex.py)
_ACCENT = re.compile(
    r"\{?\\(?:(?P<mark>["
    + tex.SYMBOL_ACCENTS
    + r"])\s*|(?P<word>["
    + tex.LETTER_ACCENTS
    + r"])(?:\s+|(?=\{)))"
    r"\{?(?P<letter>\\?[A-Za-z])\}?\}?"
    r"|\{?\\(?P<named>" + tex.LETTER_NAMES + r")\b(?:\{\}|\s)?\}?"
)


def _accented(m: re.Match[str]) -> str:
    if m["named"]:
        return tex.LETTERS[m["named"]]
    letter = m["letter"].lstrip("\\")
    return unicodedata.normalize("NFC", letter + tex.ACCENTS[m["mark"] or m["word"]])


def _tex_text(text: str) -> str:
    """BibTeX's text as a reader sees it: accents composed (Schr{\\"o}dinger -> Schrödinger), grouping
    braces dropped, math and other commands left as written (arXiv's own titles keep their TeX too).
    bibtexparser's LatexDecodingMiddleware did this for every field at 6.9 s of CPU per 2,000 arXiv
    entries, mostly in abstracts' math."""
    if "\\" in text:
        text = _ACCENT.sub(_accented, text)
    return text.replace("{", "").replace("}", "")


def _year(text: str | None) -> int | None:
    m = _YEAR.search(text or "")
    return int(m[1]) if m else None


def _csl_year(issued: object) -> int | None:
    try:
        year = issued["date-parts"][0][0]  # type: ignore[index]
        return int(year)
    except (TypeError, KeyError, IndexError, ValueError):
        return _year(issued.get("raw") if isinstance(issued, Mapping) else None)
