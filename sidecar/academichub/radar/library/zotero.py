"""The user's Zotero library, read on their machine: through Zotero 7's local API when Zotero runs (it
answers on 127.0.0.1:23119 once "Allow other applications on this computer to communicate with Zotero" is
on), else from a copy of `zotero.sqlite` (Zotero holds the database open with an exclusive lock, so it is
copied first and the copy read; the original is never written).

Both ways give the same thing: the regular items (not notes, attachments or annotations, not the trash),
each with its fields and collections, narrowed to the collections the user includes and excludes (a
collection counts with its subcollections).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import urllib.error
import urllib.request
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .entries import LibraryEntry, new_entry
from .formats import ReadEntries, _arxiv_mention, _year

LOCAL_API = "http://127.0.0.1:23119"
PAGE = 100  # the most items the API gives per request
SKIPPED_TYPES = ("note", "attachment", "annotation")
FIELDS = ("title", "abstractNote", "DOI", "url", "extra", "date", "archiveID", "number")


class ZoteroError(ValueError):
    """Zotero's library could not be read; the message says what to do."""


@dataclass
class ZoteroItem:
    key: str
    fields: dict[str, str]
    collections: set[str]  # the keys (API) or ids (database) of the collections that hold it


@dataclass
class ZoteroLibrary:
    items: list[ZoteroItem]
    collections: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # id -> (name, parent id)
    via: str = "zotero"


def read_zotero(
    *,
    api: str = LOCAL_API,
    data_dir: Path | None = None,
    include: Collection[str] = (),
    exclude: Collection[str] = (),
) -> tuple[ReadEntries, str]:
    """The library's entries and how they were read ('Zotero's local API' or the database's path)."""
    try:
        library = from_local_api(api)
    except ZoteroError as api_error:
        database = (data_dir or Path.home() / "Zotero") / "zotero.sqlite"
        if not database.exists():
            raise ZoteroError(
                f"{api_error}; and there is no Zotero database at {database} "
                "(start Zotero, or name its data directory)"
            ) from None
        library = from_database(database)
    return entries_of(library, include, exclude), library.via


# ---- the local API ----


def from_local_api(base: str = LOCAL_API, timeout: float = 5.0) -> ZoteroLibrary:
    root = base.rstrip("/") + "/api/users/0"
    collections = {
        c["key"]: (str(c["data"].get("name", "")), c["data"].get("parentCollection") or None)
        for c in _pages(f"{root}/collections", timeout)
    }
    items = [
        ZoteroItem(
            key=str(data.get("key", "")),
            fields={k: str(v) for k, v in data.items() if k in FIELDS and isinstance(v, str | int)},
            collections=set(data.get("collections") or []),
        )
        for item in _pages(f"{root}/items/top", timeout)
        if isinstance(data := item.get("data"), dict)
        and data.get("itemType") not in SKIPPED_TYPES
        and not data.get("deleted")
    ]
    return ZoteroLibrary(items, collections, "Zotero's local API")


def _pages(url: str, timeout: float) -> Iterable[dict]:
    start = 0
    while True:
        request = urllib.request.Request(
            f"{url}?format=json&limit={PAGE}&start={start}", headers={"Zotero-API-Version": "3"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                page = json.loads(response.read())
                total = int(response.headers.get("Total-Results", len(page)))
        except urllib.error.HTTPError as exc:
            hint = " (turn on 'Allow other applications on this computer to communicate with Zotero')"
            raise ZoteroError(
                f"Zotero's local API answered {exc.code}{hint if exc.code == 403 else ''}"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            raise ZoteroError(f"Zotero is not running (no answer at {url}: {exc})") from None
        except (ValueError, json.JSONDecodeError) as exc:
            raise ZoteroError(f"Zotero's local API sent something that is not its JSON ({exc})") from None
        if not isinstance(page, list):
            raise ZoteroError("Zotero's local API sent something that is not a list of items")
        yield from (entry for entry in page if isinstance(entry, dict))
        start += len(page)
        if not page or start >= total:
            return


# ---- the database, copied ----


def from_database(database: Path) -> ZoteroLibrary:
    with tempfile.TemporaryDirectory(prefix="academichub-zotero-") as scratch:
        copy = Path(scratch) / "zotero.sqlite"
        try:
            shutil.copyfile(database, copy)
            for suffix in ("-wal", "-journal"):  # changes Zotero has not folded into the file yet
                if database.with_name(database.name + suffix).exists():
                    shutil.copyfile(
                        database.with_name(database.name + suffix), Path(scratch) / (copy.name + suffix)
                    )
        except OSError as exc:
            raise ZoteroError(f"cannot copy {database}: {exc.strerror}") from None
        try:
            connection = sqlite3.connect(copy)
            try:
                return _read_database(connection, database)
            finally:
                connection.close()
        except sqlite3.DatabaseError as exc:
            raise ZoteroError(f"{database} is not a Zotero database AcademicHub can read ({exc})") from None


def _read_database(db: sqlite3.Connection, database: Path) -> ZoteroLibrary:
    marks = ",".join("?" * len(SKIPPED_TYPES))
    rows = db.execute(
        f"""SELECT items.itemID, items.key FROM items JOIN itemTypes USING (itemTypeID)
            WHERE itemTypes.typeName NOT IN ({marks})
            AND items.itemID NOT IN (SELECT itemID FROM deletedItems)""",
        SKIPPED_TYPES,
    ).fetchall()
    items = {item_id: ZoteroItem(key, {}, set()) for item_id, key in rows}
    field_marks = ",".join("?" * len(FIELDS))
    for item_id, name, value in db.execute(
        f"""SELECT itemData.itemID, fields.fieldName, itemDataValues.value FROM itemData
            JOIN fields USING (fieldID) JOIN itemDataValues USING (valueID)
            WHERE fields.fieldName IN ({field_marks})""",
        FIELDS,
    ):
        if item_id in items and value is not None:
            items[item_id].fields[name] = str(value)
    for collection_id, item_id in db.execute("SELECT collectionID, itemID FROM collectionItems"):
        if item_id in items:
            items[item_id].collections.add(str(collection_id))
    collections = {
        str(cid): (name, str(parent) if parent is not None else None)
        for cid, name, parent in db.execute(
            "SELECT collectionID, collectionName, parentCollectionID FROM collections"
        )
    }
    return ZoteroLibrary(list(items.values()), collections, str(database))


# ---- from items to entries ----


def entries_of(library: ZoteroLibrary, include: Collection[str], exclude: Collection[str]) -> ReadEntries:
    wanted = _with_subcollections(library, include) if include else None
    unwanted = _with_subcollections(library, exclude)
    candidates: list[LibraryEntry | None] = []
    for item in library.items:
        if wanted is not None and not item.collections & wanted:
            continue
        if item.collections & unwanted:
            continue
        f = item.fields
        candidates.append(
            new_entry(
                title=f.get("title", ""),
                abstract=f.get("abstractNote", ""),
                arxiv=_arxiv_mention([f.get("archiveID"), f.get("number"), f.get("extra"), f.get("url")]),
                doi=f.get("DOI") or _doi_in_extra(f.get("extra", "")),
                url=f.get("url"),
                year=_year(f.get("date")),
                origin="zotero",
            )
        )
    entries = [entry for entry in candidates if entry is not None]
    return ReadEntries(entries, len(candidates) - len(entries))


def _with_subcollections(library: ZoteroLibrary, names: Collection[str]) -> set[str]:
    by_name: dict[str, list[str]] = {}
    for cid, (name, _) in library.collections.items():
        by_name.setdefault(name.casefold(), []).append(cid)
    chosen: set[str] = set()
    for name in names:
        found = by_name.get(name.strip().casefold())
        if not found:
            known = ", ".join(sorted({n for n, _ in library.collections.values()})) or "none"
            raise ZoteroError(f"no Zotero collection named {name!r} (collections: {known})")
        chosen.update(found)
    grew = True
    while grew:  # a collection's subcollections, and theirs
        children = {cid for cid, (_, parent) in library.collections.items() if parent in chosen}
        grew = not children <= chosen
        chosen |= children
    return chosen


def _doi_in_extra(extra: str) -> str | None:
    # Zotero keeps a DOI in "Extra" ("DOI: 10....") for item types that have no DOI field.
    for line in extra.splitlines():
        if line.lower().startswith("doi:"):
            return line[4:].strip()
    return None
