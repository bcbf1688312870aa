import datetime as dt
import json
import threading

import pytest

from academichub.models import Paper
from academichub.sources import parse_feed
from academichub.store import FOLD_SHARE, MAX_DELTAS, MAX_INDEX_FILES, PaperStore, StoreError

MONDAY, TUESDAY, WEDNESDAY = dt.date(2026, 6, 22), dt.date(2026, 6, 23), dt.date(2026, 6, 24)


def preprint(n: int, date: dt.date = TUESDAY, version: int = 1, feed: str = "cs.LG", **fields) -> Paper:
    arxiv_id = f"2606.{n:05d}"
    values = {
        "id": f"arxiv:{arxiv_id}",
        "title": f"Paper {n} v{version}",
        "authors": ["Ada Lovelace", "Daniel Pérez Herrera"],
        "abstract": f"Abstract of paper {n}, version {version}. For $x<y$ the bound holds.",
        "source_label": f"arXiv ({feed})",
        "date": date,
        "url": f"https://arxiv.org/abs/{arxiv_id}",
        "categories": [feed],
        "arxiv_id": arxiv_id,
        "arxiv_version": version,
        "announce_type": "new" if version == 1 else "replace",
        "feeds": [f"arxiv:{feed}"],
    }
    return Paper(**(values | fields))


def article(n: int, date: dt.date = TUESDAY, **fields) -> Paper:
    values = {
        "id": f"doi:10.1038/s41586-026-{n:05d}",
        "title": f"Article {n}",
        "source_label": "Nature",
        "date": date,
        "doi": f"10.1038/s41586-026-{n:05d}",
        "feeds": ["nature"],
    }
    return Paper(**(values | fields))


@pytest.fixture
def store(tmp_path):
    with PaperStore(tmp_path / "papers") as store:
        yield store


def reopen(store: PaperStore) -> PaperStore:
    store.close()
    return PaperStore(store.data_dir)


def ids(papers: list[Paper]) -> list[str]:
    return [paper.id for paper in papers]


def shard_files(store: PaperStore, day: dt.date) -> list[str]:
    return sorted(p.name for p in (store.data_dir / "days").glob(f"{day.isoformat()}.*"))


# -- the basics ----------------------------------------------------------------------------------------------


def test_an_empty_store_has_no_days_and_no_papers(store):
    assert (store.count(), store.days(), store.latest_day()) == (0, [], None)
    assert store.day(TUESDAY) == []
    assert store.get("arxiv:2606.00001") is None
    assert store.find_by_doi("10.1038/s41586-026-00001") is None


def test_added_papers_are_listed_by_day_in_the_order_they_came(store):
    report = store.add([preprint(3), preprint(1, MONDAY), preprint(2), article(1, WEDNESDAY)])
    assert (report.parsed, report.added, report.updated, report.unchanged) == (4, 4, 0, 0)
    assert report.days == [MONDAY, TUESDAY, WEDNESDAY]
    assert ids(store.day(TUESDAY)) == ["arxiv:2606.00003", "arxiv:2606.00002"]
    assert (store.days(), store.latest_day(), store.count()) == ([MONDAY, TUESDAY, WEDNESDAY], WEDNESDAY, 4)
    assert store.get("arxiv:2606.00001") == preprint(1, MONDAY, day=MONDAY)
    assert "arxiv:2606.00002" in store and "arxiv:2606.09999" not in store


def test_everything_is_still_there_after_reopening(store):
    store.add([preprint(n) for n in range(1, 6)] + [article(1, MONDAY)])
    store.add([preprint(2, version=2), preprint(6, WEDNESDAY)])
    before = {day: store.day(day) for day in store.days()}
    with reopen(store) as again:
        assert {day: again.day(day) for day in again.days()} == before
        assert again.count() == 7
        assert again.get("arxiv:2606.00002").title == "Paper 2 v2"
        assert again.find_by_doi("10.1038/s41586-026-00001").id == "doi:10.1038/s41586-026-00001"


def test_a_paper_without_a_radar_day_is_listed_under_its_date_and_gets_that_day(store):
    store.add([article(1, MONDAY)])
    assert store.get("doi:10.1038/s41586-026-00001").day == MONDAY


def test_a_journal_item_is_listed_under_the_radar_day_it_arrived_not_its_publication_date(store):
    store.add([article(1, dt.date(2026, 5, 6), day=WEDNESDAY)])
    assert store.days() == [WEDNESDAY]
    assert store.day(WEDNESDAY)[0].date == dt.date(2026, 5, 6)  # the card still shows when it was published


def test_an_empty_batch_or_a_batch_of_known_papers_writes_nothing(store):
    store.add([preprint(1)])
    files = sorted(p.name for p in store.data_dir.rglob("*"))
    assert store.add([]) == store.add([]).model_copy(update={"parsed": 0})
    report = store.add([preprint(1)])
    assert (report.parsed, report.added, report.updated, report.unchanged, report.days) == (1, 0, 0, 1, [])
    assert sorted(p.name for p in store.data_dir.rglob("*")) == files


def test_the_seed_day_is_stored_once_however_often_it_is_ingested(store, seed_day):
    papers = [p for feed in sorted(seed_day.glob("*.xml")) for p in parse_feed(feed.read_bytes()).papers]
    first = store.add(papers)
    second = store.add(papers)
    assert (first.added, second.added, second.updated, second.unchanged) == (71, 0, 0, 71)
    assert store.count() == sum(len(store.day(day)) for day in store.days()) == 71
    assert {p.id for p in papers if p.arxiv_id} <= set(
        ids(store.day(WEDNESDAY))
    )  # the mailing's 63 preprints


# -- one paper, one card -------------------------------------------------------------------------------------


def cross_listed(feed: str, announce: str, version: int = 1, **fields) -> Paper:
    # Primary stat.ML, cross-listed to cs.LG and cs.AI: every feed lists all three, primary first.
    categories = ["stat.ML", "cs.LG", "cs.AI"]
    return preprint(7, feed=feed, version=version, announce_type=announce, categories=categories, **fields)


def test_a_cross_list_in_one_batch_is_stored_once_with_the_primary_label(store):
    batch = [preprint(1), cross_listed("cs.LG", "cross"), preprint(2), cross_listed("stat.ML", "new")]
    report = store.add(batch)
    assert (report.parsed, report.added, report.updated, report.unchanged) == (4, 3, 0, 0)
    assert ids(store.day(TUESDAY)) == ["arxiv:2606.00001", "arxiv:2606.00007", "arxiv:2606.00002"]
    paper = store.get("arxiv:2606.00007")
    assert (paper.source_label, paper.announce_type) == ("arXiv (stat.ML)", "new")
    assert (paper.categories, paper.feeds) == (
        ["stat.ML", "cs.LG", "cs.AI"],
        ["arxiv:cs.LG", "arxiv:stat.ML"],
    )


def test_a_cross_list_in_a_later_batch_merges_into_the_stored_paper(store):
    store.add([cross_listed("stat.ML", "new"), preprint(1)])
    report = store.add([cross_listed("cs.AI", "cross")])
    assert (report.added, report.updated, report.days) == (0, 1, [TUESDAY])
    assert ids(store.day(TUESDAY)) == ["arxiv:2606.00007", "arxiv:2606.00001"]
    assert store.get("arxiv:2606.00007").feeds == ["arxiv:stat.ML", "arxiv:cs.AI"]
    assert store.count() == 2


def test_a_newer_version_replaces_the_text_and_keeps_the_card_in_its_first_day(store):
    store.add([preprint(1), preprint(2), preprint(3)])
    report = store.add([preprint(2, WEDNESDAY, version=2), preprint(4, WEDNESDAY)])
    assert (report.added, report.updated, report.days) == (1, 1, [TUESDAY, WEDNESDAY])
    assert [p.title for p in store.day(TUESDAY)] == ["Paper 1 v1", "Paper 2 v2", "Paper 3 v1"]
    assert ids(store.day(WEDNESDAY)) == ["arxiv:2606.00004"]
    revised = store.get("arxiv:2606.00002")
    assert (revised.arxiv_version, revised.announce_type, revised.date, revised.day) == (
        2,
        "replace",
        TUESDAY,
        TUESDAY,
    )


def test_an_older_version_never_overwrites_a_newer_one(store):
    store.add([preprint(1, version=3)])
    report = store.add([preprint(1, version=2), preprint(1, version=1)])
    assert (report.updated, report.unchanged) == (0, 1)
    assert store.get("arxiv:2606.00001").title == "Paper 1 v3"


def test_versions_in_one_batch_end_at_the_newest_whatever_their_order(store):
    store.add([preprint(1, version=2), preprint(1, version=3), preprint(1, version=1)])
    assert (store.count(), store.get("arxiv:2606.00001").arxiv_version) == (1, 3)


def test_a_journal_item_with_a_stored_papers_doi_merges_into_it(store):
    store.add([preprint(1, doi="10.1038/s41586-026-00001")])
    report = store.add([article(1, WEDNESDAY, journal_ref="Nature 640, 12-19 (2026)")])
    assert (report.added, report.updated) == (0, 1)
    assert store.count() == 1 and store.days() == [TUESDAY]
    paper = store.find_by_doi("10.1038/s41586-026-00001")
    assert (paper.id, paper.journal_ref, paper.feeds) == ("arxiv:2606.00001", "Nature 640, 12-19 (2026)",
                                                          ["arxiv:cs.LG", "nature"])  # fmt: skip
    assert store.get("doi:10.1038/s41586-026-00001") == paper  # the journal's id leads to the same card


def test_the_same_doi_twice_in_one_batch_is_one_paper(store):
    report = store.add([article(1), preprint(1, WEDNESDAY, doi="10.1038/S41586-026-00001")])
    assert (report.added, store.count()) == (1, 1)
    assert store.get("arxiv:2606.00001").id == "doi:10.1038/s41586-026-00001"


@pytest.mark.parametrize(
    "written",
    ["10.1038/S41586-026-00001", "https://doi.org/10.1038/s41586-026-00001", "doi:10.1038/s41586-026-00001",
     " 10.1038/s41586-026-00001 "],
)  # fmt: skip
def test_a_doi_is_found_however_it_is_written(store, written):
    store.add([article(1)])
    assert store.find_by_doi(written).id == "doi:10.1038/s41586-026-00001"


def test_a_doi_learnt_from_a_revision_is_indexed(store):
    store.add([preprint(1)])
    store.add([preprint(1, version=2, doi="10.1000/xyz123")])
    with reopen(store) as again:
        assert again.find_by_doi("10.1000/XYZ123").arxiv_version == 2


def test_two_preprints_that_carry_one_journal_doi_stay_two_papers(store):
    store.add([preprint(1, doi="10.1000/companion")])
    store.add([preprint(2, doi="10.1000/companion")])
    assert store.count() == 2
    assert store.find_by_doi("10.1000/companion").id == "arxiv:2606.00001"


# -- what is written -----------------------------------------------------------------------------------------


def test_a_small_change_to_an_old_day_is_written_as_a_small_delta_shard(store):
    store.add([preprint(n) for n in range(100)])
    store.add([preprint(5, WEDNESDAY, version=2), preprint(200, WEDNESDAY)])
    manifest = json.loads((store.data_dir / "manifest.json").read_text())
    assert [n for _, n in manifest["days"][TUESDAY.isoformat()]] == [
        100,
        1,
    ]  # the base, then the one revision
    with reopen(store) as again:
        assert again.day(TUESDAY)[5].title == "Paper 5 v2"
        assert again.get("arxiv:2606.00005").title == "Paper 5 v2"


def test_a_day_is_rewritten_whole_once_its_deltas_hold_a_quarter_of_it(store):
    store.add([preprint(n) for n in range(20)])
    for n in range(int(20 * FOLD_SHARE) + 1):
        store.add([preprint(n, WEDNESDAY, version=2)])
    assert len(shard_files(store, TUESDAY)) == 1
    assert [p.title for p in store.day(TUESDAY)][:7] == [f"Paper {n} v2" for n in range(6)] + ["Paper 6 v1"]


def test_many_small_revisions_keep_a_day_to_a_few_files(store):
    revised = MAX_DELTAS + 3
    store.add([preprint(n) for n in range(200)])
    for n in range(revised):
        store.add([preprint(n, WEDNESDAY, version=2)])
    assert len(shard_files(store, TUESDAY)) <= 1 + MAX_DELTAS
    with reopen(store) as again:
        assert [p.arxiv_version for p in again.day(TUESDAY)] == [2] * revised + [1] * (200 - revised)


def test_the_index_log_is_folded_into_one_file_and_still_finds_everything(store):
    for n in range(MAX_INDEX_FILES + 2):
        store.add([preprint(n, doi=f"10.1000/{n}")])
    assert len(list((store.data_dir / "index").iterdir())) < MAX_INDEX_FILES
    with reopen(store) as again:
        assert again.count() == MAX_INDEX_FILES + 2
        assert all(again.find_by_doi(f"10.1000/{n}").id == preprint(n).id for n in range(MAX_INDEX_FILES + 2))


def test_superseded_files_are_deleted_after_the_commit(store):
    store.add([preprint(n) for n in range(4)])
    store.add([preprint(n, version=2) for n in range(4)])  # the whole day changed: one new shard
    assert shard_files(store, TUESDAY) == [f"{TUESDAY.isoformat()}.000002.json"]


def test_a_paper_is_read_from_its_latest_shard_without_the_day_in_memory(tmp_path):
    with PaperStore(tmp_path, cache_days=0) as store:  # nothing cached: every read goes to the files
        store.add([preprint(n) for n in range(50)])
        store.add([preprint(7, version=2)])
        assert store.get("arxiv:2606.00007").title == "Paper 7 v2"
        store.add([preprint(7, feed="cs.AI", version=2)])
        assert store.get("arxiv:2606.00007").feeds == ["arxiv:cs.LG", "arxiv:cs.AI"]
        assert [p.title for p in store.day(TUESDAY)][6:9] == ["Paper 6 v1", "Paper 7 v2", "Paper 8 v1"]


# -- durability ----------------------------------------------------------------------------------------------


def test_a_commit_that_fails_changes_nothing_and_the_next_one_works(store):
    store.add([preprint(1)])
    blocker = store.data_dir / "days" / f"{WEDNESDAY.isoformat()}.000002.json"
    blocker.mkdir()  # the new shard cannot take its name: the commit fails half-way, as on a full disk
    with pytest.raises(IsADirectoryError, match=blocker.name):
        store.add([preprint(1, version=2), preprint(2, WEDNESDAY)])  # Tuesday's delta is written first
    assert (store.count(), store.days(), store.get("arxiv:2606.00001").title) == (1, [TUESDAY], "Paper 1 v1")
    assert shard_files(store, TUESDAY) == [f"{TUESDAY.isoformat()}.000001.json"]  # its delta was removed
    blocker.rmdir()
    assert store.add([preprint(2, WEDNESDAY), preprint(1, version=2)]).added == 1
    with reopen(store) as again:
        assert (again.count(), again.get("arxiv:2606.00001").title) == (2, "Paper 1 v2")


def test_an_interrupted_commits_files_are_removed_and_ignored_on_open(store):
    store.add([preprint(n) for n in range(3)])
    days, index = store.data_dir / "days", store.data_dir / "index"
    # What a crash between writing the shards and renaming the manifest leaves: files of generation 2.
    (days / f"{TUESDAY.isoformat()}.000002.json").write_text('{\n"papers":{\n"1":{"id":"arxiv:2606.09999"')
    (days / f"{WEDNESDAY.isoformat()}.000002.json").write_text(
        (days / f"{TUESDAY.isoformat()}.000001.json").read_text()
    )
    (index / "000002.json").write_text('{"ids": {"arxiv:2606.09999": "2026-06-23"}}')
    (days / f"{TUESDAY.isoformat()}.000003.json.tmp").write_text('{\n"pap')
    listed = ids(store.day(TUESDAY))
    with reopen(store) as again:
        assert (again.count(), again.days(), ids(again.day(TUESDAY))) == (3, [TUESDAY], listed)
        assert again.get("arxiv:2606.09999") is None
        assert shard_files(again, TUESDAY) == [f"{TUESDAY.isoformat()}.000001.json"]
        assert sorted(p.name for p in index.iterdir()) == ["000001.json"]
        again.add([preprint(9)])  # and the next commit reuses none of those names' contents
        assert again.count() == 4


def test_a_half_written_manifest_temp_file_is_ignored_and_removed(store):
    store.add([preprint(1)])
    temp = store.data_dir / "manifest.json.tmp"
    temp.write_text('{"format": 1, "generation": 7, "da')
    with reopen(store) as again:
        assert again.count() == 1
    assert not temp.exists()


def test_a_missing_manifest_with_shards_left_is_refused_and_nothing_is_deleted(store):
    store.add([preprint(1)])
    store.close()
    (store.data_dir / "manifest.json").unlink()
    before = sorted(p.relative_to(store.data_dir) for p in store.data_dir.rglob("*.json"))
    with pytest.raises(StoreError, match=r"manifest.json is missing but 2 shard files remain"):
        PaperStore(store.data_dir)
    assert sorted(p.relative_to(store.data_dir) for p in store.data_dir.rglob("*.json")) == before


def test_a_damaged_shard_is_named_in_the_error_and_left_untouched(store):
    store.add([preprint(1)])
    shard = store.data_dir / "days" / f"{TUESDAY.isoformat()}.000001.json"
    shard.write_text('{\n"papers":{\n"1":{"id":"arxiv:2606.00001","title":')
    with reopen(store) as again, pytest.raises(StoreError, match=rf"{shard.name} is damaged"):
        again.day(TUESDAY)
    assert shard.read_text().endswith('"title":')


def test_a_damaged_manifest_is_refused(store):
    store.close()
    (store.data_dir / "manifest.json").write_text('{"format": 1, "generation": ')
    with pytest.raises(StoreError, match=r"manifest\.json is not a valid JSON document"):
        PaperStore(store.data_dir)


def test_a_second_store_on_the_same_directory_is_refused_until_the_first_closes(store):
    with pytest.raises(StoreError, match="is already open"):
        PaperStore(store.data_dir)
    store.close()
    with PaperStore(store.data_dir) as again:
        assert again.count() == 0


def test_a_closed_store_says_so(store):
    store.close()
    with pytest.raises(StoreError, match="is closed"):
        store.day(TUESDAY)


def test_adding_in_a_worker_thread_while_listing_days_keeps_both_consistent(store):
    store.add([preprint(n) for n in range(20)])
    worker = threading.Thread(target=lambda: [store.add([preprint(n, version=2)]) for n in range(20)])
    worker.start()
    seen = []
    while worker.is_alive():
        seen.append(ids(store.day(TUESDAY)))
    worker.join()
    assert all(listed == ids(store.day(TUESDAY)) for listed in seen)
    assert [p.arxiv_version for p in store.day(TUESDAY)] == [2] * 20
