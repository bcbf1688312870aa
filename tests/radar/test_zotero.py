"""Zotero's library, read on the user's machine: its local API when Zotero runs, else a copy of
zotero.sqlite (Zotero keeps the original locked); regular items only, narrowed to collections."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from zotero_fixtures import build_database, local_api

from academichub.radar.library import ZoteroError, read_zotero
from academichub.radar.library.zotero import entries_of, from_database, from_local_api

CLOSED_PORT = "http://127.0.0.1:9"  # discard: nothing answers there

EVERYTHING = [
    "doi:10.1103/physreva.86.032324",
    "arxiv:2606.14677",
    "arxiv:quant-ph/0702225",
    "doi:10.1038/cell.2020",
    "title:",
]


def ids(read) -> list[str]:
    return [e.id if not e.id.startswith("title:") else "title:" for e in read.entries]


@pytest.fixture
def zotero_dir(tmp_path: Path) -> Path:
    build_database(tmp_path / "zotero.sqlite")
    return tmp_path


def test_the_database_gives_the_regular_items_without_notes_or_the_trash(zotero_dir: Path) -> None:
    read = entries_of(from_database(zotero_dir / "zotero.sqlite"), (), ())
    assert ids(read) == EVERYTHING  # ids from DOI, archiveID, "arXiv:" and "DOI:" lines in Extra


def test_the_local_api_gives_the_same_items_page_by_page() -> None:
    with local_api() as (base, asked):
        read = entries_of(from_local_api(base), (), ())
    assert ids(read) == EVERYTHING
    assert asked.count("/api/users/0/items/top") == 3  # 5 items, 2 a page


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        (["QEC"], [], ["doi:10.1103/physreva.86.032324", "arxiv:2606.14677"]),  # with its subcollection
        (["qec", "Entanglement"], ["Decoders"], ["doi:10.1103/physreva.86.032324", "arxiv:quant-ph/0702225"]),
        ([], ["Biology"], [e for e in EVERYTHING if e != "doi:10.1038/cell.2020"]),
    ],
)
def test_collections_are_included_and_excluded_with_their_subcollections(
    zotero_dir: Path, include: list[str], exclude: list[str], expected: list[str]
) -> None:
    from_db = entries_of(from_database(zotero_dir / "zotero.sqlite"), include, exclude)
    with local_api() as (base, _):
        from_api = entries_of(from_local_api(base), include, exclude)
    assert ids(from_db) == ids(from_api) == expected


def test_an_unknown_collection_names_the_ones_there_are(zotero_dir: Path) -> None:
    with pytest.raises(
        ZoteroError, match=r"no Zotero collection named 'Physics' \(collections: Biology, Decoders"
    ):
        entries_of(from_database(zotero_dir / "zotero.sqlite"), ["Physics"], ())


def test_the_running_zotero_is_asked_first(zotero_dir: Path) -> None:
    with local_api() as (base, _):
        read, via = read_zotero(api=base, data_dir=zotero_dir)
    assert via == "Zotero's local API" and len(read.entries) == 5


def test_without_a_running_zotero_the_locked_database_is_read_from_a_copy(zotero_dir: Path) -> None:
    database = zotero_dir / "zotero.sqlite"
    before = database.read_bytes()
    zotero = sqlite3.connect(database)  # Zotero holds its database with an exclusive lock
    zotero.execute("PRAGMA locking_mode=EXCLUSIVE")
    zotero.execute("BEGIN EXCLUSIVE")
    try:
        read, via = read_zotero(api=CLOSED_PORT, data_dir=zotero_dir)
    finally:
        zotero.rollback()
        zotero.close()
    assert via == str(database) and ids(read) == EVERYTHING
    assert database.read_bytes() == before  # never written


def test_a_disabled_local_api_falls_back_to_the_database(zotero_dir: Path) -> None:
    with local_api(status=403) as (base, _):
        _, via = read_zotero(api=base, data_dir=zotero_dir)
    assert via == str(zotero_dir / "zotero.sqlite")


def test_no_zotero_at_all_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ZoteroError, match=r"Zotero is not running .* no Zotero database at .*start Zotero"):
        read_zotero(api=CLOSED_PORT, data_dir=tmp_path)


def test_a_file_that_is_no_zotero_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zotero.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(ZoteroError, match="not a Zotero database"):
        read_zotero(api=CLOSED_PORT, data_dir=tmp_path)
