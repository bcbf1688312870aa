import json
from itertools import pairwise

import pytest
from tinydb import Query, TinyDB

from academichub.files import fsync_files
from academichub.store.storage import (
    AtomicJSONStorage,
    CorruptFileError,
    EncodedDocument,
    ShardStorage,
    line_records,
    read_spans,
    record_id,
    table_records,
)


def test_atomic_storage_is_a_tinydb_storage_that_keeps_what_was_inserted(tmp_path):
    path = tmp_path / "health.json"
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        db.insert({"key": "arxiv:cs.CV", "state": "ok"})
        db.table("etags").insert({"key": "nature", "etag": 'W/"Pérez"'})
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert db.search(Query().key == "arxiv:cs.CV") == [{"key": "arxiv:cs.CV", "state": "ok"}]
        assert db.table("etags").all() == [{"key": "nature", "etag": 'W/"Pérez"'}]
    assert "Pérez" in path.read_text(encoding="utf-8")  # written readable, not \u-escaped


def test_atomic_storage_leaves_no_temporary_file_behind(tmp_path):
    with TinyDB(tmp_path / "health.json", storage=AtomicJSONStorage) as db:
        db.insert({"n": 1})
        db.insert({"n": 2})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["health.json"]


def test_a_write_that_fails_leaves_the_previous_document_whole(tmp_path):
    path = tmp_path / "health.json"
    storage = AtomicJSONStorage(path)
    storage.write({"_default": {"1": {"state": "ok"}}})
    with pytest.raises(TypeError):
        storage.write({"_default": {"1": {"state": object()}}})  # not JSON: fails before any byte is replaced
    assert json.loads(path.read_text()) == {"_default": {"1": {"state": "ok"}}}


@pytest.mark.parametrize("content", [None, "", "  \n"], ids=["missing", "empty", "blank"])
def test_a_missing_or_empty_file_reads_as_an_empty_database(tmp_path, content):
    path = tmp_path / "health.json"
    if content is not None:
        path.write_text(content)
    assert AtomicJSONStorage(path).read() is None
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert db.all() == []


def test_a_corrupt_file_is_named_in_the_error_and_left_untouched(tmp_path):
    path = tmp_path / "health.json"
    path.write_text('{"_default": {"1": {"state": "o')
    with pytest.raises(CorruptFileError, match=r"health\.json is not a valid JSON document"):
        AtomicJSONStorage(path).read()
    assert path.read_text() == '{"_default": {"1": {"state": "o'


def test_create_dirs_makes_the_parent_directories_on_write(tmp_path):
    path = tmp_path / "state" / "sources" / "health.json"
    with TinyDB(path, storage=AtomicJSONStorage, create_dirs=True) as db:
        db.insert({"n": 1})
    assert json.loads(path.read_text()) == {"_default": {"1": {"n": 1}}}


def test_dumps_options_pass_through_like_tinydbs_json_storage(tmp_path):
    path = tmp_path / "settings.json"
    with TinyDB(path, storage=AtomicJSONStorage, indent=2, sort_keys=True) as db:
        db.insert({"b": 1, "a": 2})
    assert path.read_text().startswith('{\n  "_default": {\n    "1": {\n      "a": 2,')


PAPERS = [
    {"id": "arxiv:2606.14677", "title": "Quasilinear Equivalence Checking\nfor Detector Error Models"},
    {"id": "arxiv:hep-th/9901001", "title": "Old-Style Identifier"},
    {"id": 'doi:10.1000/"quoted"', "title": "An id with quotes"},
    {"id": "url:Pérez", "title": "A non-ASCII id"},
]


@pytest.fixture
def shard(tmp_path):
    path = tmp_path / "2026-06-24.000001.json"
    ShardStorage(path).write({"papers": {str(n): doc for n, doc in enumerate(PAPERS, start=1)}})
    return path


def test_a_shard_holds_one_record_per_line(shard):
    lines = shard.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["{", '"papers":{']
    assert lines[2].startswith('"1":{"id":"arxiv:2606.14677",')
    assert len(lines) == 2 + len(PAPERS) + 2  # a newline inside a title is escaped, not a line break


def test_a_shard_is_a_plain_tinydb_document(shard):
    with TinyDB(shard, storage=ShardStorage) as db:
        assert [doc["id"] for doc in db.table("papers").all()] == [p["id"] for p in PAPERS]
        assert db.table("papers").get(doc_id=2)["title"] == "Old-Style Identifier"


def encoded(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def test_runs_are_written_as_a_tinydb_document_and_read_back_on_their_own(tmp_path):
    path = tmp_path / "000007.json"
    tables = {"2026-06-22": [[encoded(PAPERS[0]), encoded(PAPERS[1])], [encoded(PAPERS[2])]],
              "2026-06-23": [[encoded(PAPERS[3])]]}  # fmt: skip
    landed = ShardStorage(path).write_runs(tables)
    with TinyDB(path, storage=ShardStorage) as db:  # doc ids count on across a table's runs
        assert db.table("2026-06-22").get(doc_id=3) == PAPERS[2]
        assert db.table("2026-06-23").all() == [PAPERS[3]]
    assert [run.records for run in landed["2026-06-22"]] == [2, 1]
    for name, runs in landed.items():
        for run, records in zip(runs, tables[name], strict=True):
            (lines,) = read_spans(path, [(run.offset, run.length)])
            assert line_records(lines) == records
            assert json.loads(b"{%s}" % lines)  # a run in braces is a JSON object
            spans = [(start, end - start) for start, end in pairwise(run.lines)]
            assert [line_records(line)[0] for line in read_spans(path, spans)] == records


@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: p["id"])
def test_a_records_id_is_read_from_its_first_bytes(paper):
    assert record_id(encoded(paper)) == paper["id"]


def test_the_records_of_a_table_are_read_in_order_whatever_the_layout(shard):
    assert [json.loads(record) for record in table_records(shard.read_bytes(), "papers")] == PAPERS
    shard.write_text(json.dumps(json.loads(shard.read_text()), indent=1))  # by hand, or TinyDB's JSONStorage
    assert [json.loads(record) for record in table_records(shard.read_bytes(), "papers")] == PAPERS


def test_reading_past_the_end_of_a_file_says_it_is_shorter_than_written(shard):
    size = shard.stat().st_size
    with pytest.raises(CorruptFileError, match=rf"shorter than the store recorded \({size} bytes"):
        read_spans(shard, [(size - 10, 20)])


def test_a_shard_keeps_tinydbs_doc_ids(tmp_path):
    path = tmp_path / "notes.json"
    with TinyDB(path, storage=ShardStorage) as db:
        db.insert_multiple([{"n": 1}, {"n": 2}, {"n": 3}])
        db.remove(doc_ids=[2])
    with TinyDB(path, storage=ShardStorage) as db:
        assert [(doc.doc_id, doc["n"]) for doc in db.all()] == [(1, 1), (3, 3)]


def test_an_encoded_document_is_written_as_it_is(tmp_path):
    path = tmp_path / "day.json"
    ShardStorage(path).write(
        {"papers": {"1": EncodedDocument('{"id":"arxiv:1","n":1}'), "2": {"id": "arxiv:2"}}}
    )
    assert ShardStorage(path).read() == {"papers": {"1": {"id": "arxiv:1", "n": 1}, "2": {"id": "arxiv:2"}}}


def test_files_written_without_fsync_are_made_durable_together(tmp_path):
    paths = [tmp_path / f"{n}.json" for n in range(5)]
    for n, path in enumerate(paths):
        AtomicJSONStorage(path, durable=False).write({"n": {"1": {"n": n}}})
    fsync_files(paths)  # no error, and the content is what was written
    assert [AtomicJSONStorage(p).read()["n"]["1"]["n"] for p in paths] == list(range(5))
