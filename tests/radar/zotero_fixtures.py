"""A Zotero library for the tests, both ways Zotero gives it: a `zotero.sqlite` with Zotero's own table
layout (resource/schema/userdata.sql and system.sql, Zotero 7), and a local API server that answers as
Zotero 7's does (`/api/users/0/...`, pages of at most `limit` items, `Total-Results`)."""

from __future__ import annotations

import json
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SCHEMA = """
CREATE TABLE itemTypes (itemTypeID INTEGER PRIMARY KEY, typeName TEXT, templateItemTypeID INT,
    display INT DEFAULT 1);
CREATE TABLE fields (fieldID INTEGER PRIMARY KEY, fieldName TEXT, fieldFormatID INT);
CREATE TABLE libraries (libraryID INTEGER PRIMARY KEY, type TEXT NOT NULL, editable INT NOT NULL,
    filesEditable INT NOT NULL, version INT NOT NULL DEFAULT 0,
    storageVersion INT NOT NULL DEFAULT 0,
    lastSync INT NOT NULL DEFAULT 0, archived INT NOT NULL DEFAULT 0);
CREATE TABLE items (itemID INTEGER PRIMARY KEY, itemTypeID INT NOT NULL,
    dateAdded TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    dateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, libraryID INT NOT NULL,
    key TEXT NOT NULL,
    version INT NOT NULL DEFAULT 0, synced INT NOT NULL DEFAULT 0, UNIQUE (libraryID, key),
    FOREIGN KEY (libraryID) REFERENCES libraries(libraryID) ON DELETE CASCADE);
CREATE TABLE itemDataValues (valueID INTEGER PRIMARY KEY, value UNIQUE);
CREATE TABLE itemData (itemID INT, fieldID INT, valueID, PRIMARY KEY (itemID, fieldID),
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE,
    FOREIGN KEY (fieldID) REFERENCES fieldsCombined(fieldID),
    FOREIGN KEY (valueID) REFERENCES itemDataValues(valueID));
CREATE INDEX itemData_fieldID ON itemData(fieldID);
CREATE TABLE collections (collectionID INTEGER PRIMARY KEY, collectionName TEXT NOT NULL,
    parentCollectionID INT DEFAULT NULL,
    clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    libraryID INT NOT NULL, key TEXT NOT NULL, version INT NOT NULL DEFAULT 0,
    synced INT NOT NULL DEFAULT 0,
    UNIQUE (libraryID, key),
    FOREIGN KEY (libraryID) REFERENCES libraries(libraryID) ON DELETE CASCADE,
    FOREIGN KEY (parentCollectionID) REFERENCES collections(collectionID) ON DELETE CASCADE);
CREATE TABLE collectionItems (collectionID INT NOT NULL, itemID INT NOT NULL,
    orderIndex INT NOT NULL DEFAULT 0,
    PRIMARY KEY (collectionID, itemID),
    FOREIGN KEY (collectionID) REFERENCES collections(collectionID) ON DELETE CASCADE,
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE);
CREATE INDEX itemID ON collectionItems(itemID);
CREATE TABLE deletedItems (itemID INTEGER PRIMARY KEY,
    dateDeleted DEFAULT CURRENT_TIMESTAMP NOT NULL,
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE);
"""

TYPES = {"note": 1, "attachment": 3, "journalArticle": 22, "preprint": 31, "annotation": 40}
FIELDS = {"title": 1, "abstractNote": 2, "date": 6, "url": 13, "extra": 16, "DOI": 59, "archiveID": 116}

# (key, type, fields, collections, in the trash)
ITEMS = [
    (
        "SURF0001",
        "journalArticle",
        {
            "title": "Surface codes",
            "DOI": "10.1103/PhysRevA.86.032324",
            "abstractNote": "Surface code error correction.",
            "date": "2012-09-18",
        },
        ["QEC"],
        False,
    ),
    (
        "QUAS0002",
        "preprint",
        {
            "title": "Quasilinear Equivalence Checking for Detector Error Models",
            "archiveID": "arXiv:2606.14677",
            "url": "http://arxiv.org/abs/2606.14677v1",
        },
        ["Decoders"],
        False,
    ),
    (
        "ENTA0003",
        "journalArticle",
        {"title": "Quantum entanglement", "extra": "arXiv: quant-ph/0702225"},
        ["Entanglement"],
        False,
    ),
    (
        "BIOL0004",
        "journalArticle",
        {"title": "A cell atlas", "extra": "DOI: 10.1038/CELL.2020"},
        ["Biology"],
        False,
    ),
    ("NOTE0005", "note", {}, ["QEC"], False),
    ("TRSH0006", "journalArticle", {"title": "Thrown away"}, ["QEC"], True),
    ("LOOS0007", "journalArticle", {"title": "Unfiled but kept", "date": "2019"}, [], False),
]
# (name, parent): "Decoders" lives inside "QEC"
COLLECTIONS = {"QEC": None, "Decoders": "QEC", "Entanglement": None, "Biology": None}


def build_database(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany(
        "INSERT INTO itemTypes (itemTypeID, typeName) VALUES (?, ?)", [(v, k) for k, v in TYPES.items()]
    )
    db.executemany(
        "INSERT INTO fields (fieldID, fieldName) VALUES (?, ?)", [(v, k) for k, v in FIELDS.items()]
    )
    db.execute("INSERT INTO libraries (libraryID, type, editable, filesEditable) VALUES (1, 'user', 1, 1)")
    ids = {}
    for n, (name, parent) in enumerate(COLLECTIONS.items(), start=1):
        ids[name] = n
        db.execute(
            "INSERT INTO collections (collectionID, collectionName, parentCollectionID, libraryID, key) "
            "VALUES (?, ?, ?, 1, ?)",
            (n, name, ids.get(parent) if parent else None, f"COLL{n:04d}"),
        )
    for n, (key, kind, fields, collections, trashed) in enumerate(ITEMS, start=1):
        db.execute(
            "INSERT INTO items (itemID, itemTypeID, libraryID, key) VALUES (?, ?, 1, ?)",
            (n, TYPES[kind], key),
        )
        for field, value in fields.items():
            db.execute("INSERT OR IGNORE INTO itemDataValues (value) VALUES (?)", (value,))
            (value_id,) = db.execute(
                "SELECT valueID FROM itemDataValues WHERE value = ?", (value,)
            ).fetchone()
            db.execute("INSERT INTO itemData VALUES (?, ?, ?)", (n, FIELDS[field], value_id))
        for name in collections:
            db.execute("INSERT INTO collectionItems (collectionID, itemID) VALUES (?, ?)", (ids[name], n))
        if trashed:
            db.execute("INSERT INTO deletedItems (itemID) VALUES (?)", (n,))
    db.commit()
    db.close()
    return path


def api_items() -> list[dict]:
    """The items as Zotero 7's local API sends them (`/items/top`: no child notes; the trash left out)."""
    keys = {name: f"COLL{n:04d}" for n, name in enumerate(COLLECTIONS, start=1)}
    return [
        {
            "key": key,
            "version": 7,
            "library": {"type": "user", "id": 0, "name": "My Library"},
            "meta": {"numChildren": 0},
            "data": {
                "key": key,
                "version": 7,
                "itemType": kind,
                **fields,
                "collections": [keys[c] for c in collections],
                "tags": [],
                "relations": {},
            },
        }
        for key, kind, fields, collections, trashed in ITEMS
        if kind != "note" and not trashed
    ]


def api_collections() -> list[dict]:
    keys = {name: f"COLL{n:04d}" for n, name in enumerate(COLLECTIONS, start=1)}
    return [
        {
            "key": keys[name],
            "version": 3,
            "data": {"key": keys[name], "name": name, "parentCollection": keys[parent] if parent else False},
        }
        for name, parent in COLLECTIONS.items()
    ]


@contextmanager
def local_api(status: int = 200, page_limit: int = 2) -> Iterator[tuple[str, list[str]]]:
    """A running server that answers as Zotero's local API does; yields its base URL and the paths asked.
    `page_limit` is smaller than Zotero's 100 so that paging is exercised."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            asked.append(url.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            if status != 200:
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"Local API is not enabled")
                return
            every = {
                "/api/users/0/items/top": api_items(),
                "/api/users/0/collections": api_collections(),
            }.get(url.path)
            if every is None:
                self.send_response(404)
                self.end_headers()
                return
            start = int(query.get("start", 0))
            limit = min(int(query.get("limit", 25)), page_limit)
            body = json.dumps(every[start : start + limit]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Total-Results", str(len(every)))
            self.send_header("Zotero-API-Version", "3")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()
