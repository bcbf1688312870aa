"""TinyDB storages that survive a crash at any instant.

TinyDB's own JSONStorage rewrites its file in place: a crash halfway through leaves half a JSON document, and
the whole database with it. `AtomicJSONStorage` writes through `files.atomic_write`: the new document beside
the old one, made durable (fsync), then swapped in with a rename: a reader sees the old document or the new
one, never a mix.

`ShardStorage` is the same storage with one record per line, the layout of the paper store's shards: the
file stays a plain TinyDB JSON document, and a run of records can be read, or copied into another shard,
without parsing the rest (`write_runs` says where each run landed; `read_spans` reads it back).
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from ..files import atomic_write

TEMP_SUFFIX = ".tmp"  # how files.atomic_write names a file it is still writing


class CorruptFileError(ValueError):
    """A store file that exists but does not hold a JSON document (damaged on disk, or edited by hand)."""


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
        self.write_bytes(text.encode(self.encoding))

    def write_bytes(self, data: bytes) -> None:
        if self.create_dirs:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, data, durable=self.durable)


# Compact, as pydantic's model_dump_json writes; one encoder, since json.dumps builds one per call otherwise.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


_TAIL = b"\n}\n}\n"  # how ShardStorage ends a document of one table


class EncodedDocument(str):
    """A document already encoded as compact JSON, written as it is: pydantic's `model_dump_json` is five
    times faster than `json.dumps(model_dump())`, which is most of the time a day's shard takes to write."""


@dataclass(frozen=True)
class Run:
    """Where consecutive records landed in a shard file: bytes `offset` to `offset + length` hold their lines
    (`"1":{...},\\n"2":{...}`; wrapped in braces, a JSON object), and `lines` the offset of each line, then
    that end."""

    offset: int
    length: int
    lines: tuple[int, ...]

    @property
    def records(self) -> int:
        return len(self.lines) - 1


class ShardStorage(AtomicJSONStorage):
    """A TinyDB document written one document per line, so that records can be read and copied on their own.

    ```
    {
    "papers":{
    "1":{"id":"arxiv:2606.14677","title":...},
    "2":{"id":"arxiv:2606.14703","title":...}
    }
    }
    ```
    JSON escapes every newline inside a string, so a record never spans lines, and a record written by the
    paper store starts with its key field (`{"id":"<id>",`), as Paper declares it first.
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

    def write_runs(self, tables: dict[str, list[list[bytes]]]) -> dict[str, list[Run]]:
        """Write each table as runs of encoded records (doc ids counting from 1 per table); where each run
        landed, table by table. The records must be compact JSON documents (no newline)."""
        data, runs = _layout(tables, self.encoding)
        self.write_bytes(data)
        return runs


def _layout(tables: dict[str, list[list[bytes]]], encoding: str) -> tuple[bytes, dict[str, list[Run]]]:
    chunks = [b"{\n"]
    at = 2
    placed: dict[str, list[Run]] = {}
    for n, (name, runs) in enumerate(tables.items()):
        head = b"%s%s:{\n" % (b",\n" if n else b"", _ENCODER.encode(name).encode(encoding))
        chunks.append(head)
        at += len(head)
        doc_id = 0
        placed[name] = []
        for run in runs:
            lines = []
            for record in run:
                if doc_id:
                    chunks.append(b",\n")
                    at += 2
                doc_id += 1
                line = b'"%d":%s' % (doc_id, record)
                lines.append(at)
                chunks.append(line)
                at += len(line)
            lines.append(at)
            placed[name].append(Run(lines[0], at - lines[0], tuple(lines)))
        chunks.append(b"\n}")
        at += 2
    chunks.append(b"\n}\n")
    return b"".join(chunks), placed


def read_spans(source: Path | io.RawIOBase, spans: Iterable[tuple[int, int]]) -> list[bytes]:
    """The bytes at each (offset, length) of a file (a path, or a file already open for reading in binary),
    read without reading the rest of it."""
    if isinstance(source, Path):
        with open(source, "rb", buffering=0) as handle:
            return read_spans(handle, spans)
    found = []
    for offset, length in spans:
        source.seek(offset)
        data = source.read(length)
        if len(data) != length:
            name = getattr(source, "name", "a store file")
            raise CorruptFileError(
                f"{name} is shorter than the store recorded ({offset + len(data)} bytes where "
                f"{offset + length} were written); it was left untouched: restore it from a backup"
            )
        found.append(data)
    return found


def line_records(lines: bytes) -> list[bytes]:
    """The records of a run of lines as `ShardStorage` writes them, without their doc ids."""
    return [line[line.index(b":") + 1 :].rstrip(b",") for line in lines.split(b"\n") if line.strip()]


def table_records(data: bytes, table: str) -> list[bytes]:
    """The records of one table of a whole shard file, in order; any layout TinyDB can read (a file in
    another layout, rewritten by hand say, is parsed and its documents encoded again)."""
    head = b"{\n%s:{\n" % _ENCODER.encode(table).encode()
    if data.startswith(head) and data.endswith(_TAIL):
        return line_records(data[len(head) : -len(_TAIL)])
    try:
        documents = json.loads(data).get(table, {})
    except ValueError as err:
        raise CorruptFileError(f"not a valid JSON document ({err})") from err
    return [_ENCODER.encode(document).encode() for document in documents.values()]


_KEYED = re.compile(rb'\{"id":"([^"\\]*)"[,}]')


def record_id(record: bytes) -> str:
    """The `id` of an encoded record: read from its first bytes where it comes first, as the store writes."""
    if (found := _KEYED.match(record)) is not None:
        return found.group(1).decode()
    return json.loads(record)["id"]
