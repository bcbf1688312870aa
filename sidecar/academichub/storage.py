"""TinyDB storages that survive a crash at any instant.

TinyDB's own JSONStorage rewrites its file in place: a crash halfway through leaves half a JSON document, and
the whole database with it. `AtomicJSONStorage` writes the new document beside the old one, makes it durable
(fsync), and only then swaps it in with a rename, which POSIX and NTFS both perform atomically: a reader sees
the old document or the new one, never a mix. The rename itself is made durable by fsyncing the directory.

`ShardStorage` is the same storage with one record per line, the layout of the paper store's day shards: the
file stays a plain TinyDB JSON document, and one paper can be found without parsing the other thousand.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

TEMP_SUFFIX = ".tmp"


class CorruptFileError(ValueError):
    """A store file that exists but does not hold a JSON document (damaged on disk, or edited by hand)."""


def fsync_dir(directory: Path) -> None:
    """Make the renames and new names inside `directory` durable."""
    if os.name == "nt":  # Windows cannot open a directory; NTFS journals the rename itself.
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_files(paths: Sequence[Path]) -> None:
    """Make several written files durable together: concurrent fsyncs share the filesystem's journal commits
    (a commit that writes shards for twenty days waits for one or two flushes instead of twenty)."""

    def fsync(path: Path) -> None:
        fd = os.open(path, os.O_RDWR)  # Windows flushes only through a handle that may write
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    if len(paths) <= 2:
        for path in paths:
            fsync(path)
        return
    with ThreadPoolExecutor(max_workers=min(8, len(paths))) as pool:
        list(pool.map(fsync, paths))


class AtomicJSONStorage(Storage):
    """A TinyDB storage that replaces its whole file atomically on every write.

    Usable as `TinyDB(path, storage=AtomicJSONStorage)`; extra keyword arguments go to `json.dumps`, as with
    TinyDB's JSONStorage. Meant for small files (each write rewrites the file): health, settings, the paper
    store's manifest. `durable=False` skips both fsyncs, for a caller that writes files under names nothing
    points at yet and makes them durable together (`fsync_files`, `fsync_dir`) before it points at them.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        create_dirs: bool = False,
        encoding: str = "utf-8",
        durable: bool = True,
        **dumps_kwargs: Any,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.create_dirs = create_dirs
        self.encoding = encoding
        self.durable = durable
        dumps_kwargs.setdefault("ensure_ascii", False)  # readable names (Pérez) and smaller files
        self.dumps_kwargs = dumps_kwargs

    @property
    def temp_path(self) -> Path:
        return self.path.with_name(self.path.name + TEMP_SUFFIX)

    def read(self) -> dict[str, Any] | None:
        try:
            text = self.path.read_text(encoding=self.encoding)
        except FileNotFoundError:
            return None
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError as err:
            raise CorruptFileError(
                f"{self.path} is not a valid JSON document ({err}); it was left untouched: "
                "restore it from a backup, or move it away to start that file afresh"
            ) from err

    def write(self, data: dict[str, Any]) -> None:
        self.write_text(self.serialize(data))

    def serialize(self, data: dict[str, Any]) -> str:
        return json.dumps(data, **self.dumps_kwargs)

    def write_text(self, text: str) -> None:
        if self.create_dirs:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.temp_path
        with open(temp, "w", encoding=self.encoding) as handle:
            handle.write(text)
            if self.durable:
                handle.flush()
                os.fsync(handle.fileno())  # the bytes are on disk before the name points at them
        os.replace(temp, self.path)
        if self.durable:
            fsync_dir(self.path.parent)


# Compact, as pydantic's model_dump_json writes; one encoder, since json.dumps builds one per call otherwise.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


_ONE_PER_LINE = re.compile(rb'\{\n"[^\n]*":\{\n')  # how ShardStorage.serialize begins a document


class EncodedDocument(str):
    """A document already encoded as compact JSON, written as it is: pydantic's `model_dump_json` is five
    times faster than `json.dumps(model_dump())`, which is most of the time a day's shard takes to write."""


class ShardStorage(AtomicJSONStorage):
    """A TinyDB document written one document per line, so that one record can be read on its own.

    ```
    {
    "papers":{
    "1":{"id":"arxiv:2606.14677","title":...},
    "2":{"id":"arxiv:2606.14703","title":...}
    }
    }
    ```
    JSON escapes every newline inside a string, so a record never spans lines, and an unescaped quote can only
    be structure: with the key field first (as in Paper), `{"id":"<id>",` marks the start of that record and
    nowhere else.
    """

    def serialize(self, data: dict[str, Any]) -> str:
        encode = _ENCODER.encode
        tables = []
        for name, documents in data.items():
            rows = ",\n".join(
                f"{encode(str(doc_id))}:{doc if isinstance(doc, EncodedDocument) else encode(doc)}"
                for doc_id, doc in documents.items()
            )
            tables.append(f"{encode(name)}:{{\n{rows}\n}}")
        return "{\n" + ",\n".join(tables) + "\n}\n"

    def find_records(self, record_ids: Iterable[str], key: str = "id") -> dict[str, dict[str, Any]]:
        """The documents whose `key` field is one of `record_ids`, by that id; those absent are left out.
        Reads the file once but parses only the lines asked for."""
        record_ids = list(record_ids)
        data = self.path.read_bytes()
        if not _ONE_PER_LINE.match(data):  # rewritten by another tool (by hand, TinyDB's JSONStorage)
            return self._find_slowly(set(record_ids), key)
        found: dict[str, dict[str, Any]] = {}
        for record_id in record_ids:
            needle = f"{{{_ENCODER.encode(key)}:{_ENCODER.encode(record_id)},".encode(self.encoding)
            start = data.find(needle)
            if start < 0:
                continue
            end = data.find(b"\n", start)
            line = data[start : end if end >= 0 else len(data)].rstrip(b"\r, ")
            try:
                record = json.loads(line.decode(self.encoding))
            except ValueError:
                record = None
            if not (isinstance(record, dict) and record.get(key) == record_id):
                return self._find_slowly(set(record_ids), key)
            found[record_id] = record
        return found

    def _find_slowly(self, record_ids: set[str], key: str) -> dict[str, dict[str, Any]]:
        return {
            document[key]: document
            for documents in (self.read() or {}).values()
            for document in documents.values()
            if document.get(key) in record_ids
        }
