import datetime as dt
import json
import threading

import pytest
from tinydb import TinyDB

import academichub.store.compaction as store_module
from academichub.ingest.sources import parse_feed
from academichub.models import Paper
from academichub.store.compaction import FOLD_SHARE, FOLDS_PER_COMMIT, MAX_RUNS
from academichub.store.paper_store import PaperStore, StoreError
from academichub.store.storage import ShardStorage

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


def manifest_of(store: PaperStore) -> dict:
    return json.loads((store.data_dir / "manifest.json").read_text())


def written_by(store: PaperStore, generation: int) -> list[str]:
    """The files a commit wrote (named after its generation), relative to the store directory."""
    return sorted(
        str(path.relative_to(store.data_dir)) for path in store.data_dir.rglob(f"*{generation:06d}*")
    )


def runs_of(store: PaperStore, day: dt.date) -> list[list]:
    return manifest_of(store)["days"][day.isoformat()]["patches"]


def listing(store: PaperStore) -> dict[dt.date, list[Paper]]:
    return {day: store.day(day) for day in store.days()}


def test_a_revision_of_an_old_day_goes_into_the_commits_patch_file(store):
    store.add([preprint(n) for n in range(100)])
    store.add([preprint(5, WEDNESDAY, version=2), preprint(200, WEDNESDAY)])
    assert [(name, n) for name, _, _, n in runs_of(store, TUESDAY)] == [("patches/000002.json", 1)]
    assert manifest_of(store)["days"][TUESDAY.isoformat()]["base"] == [f"days/{TUESDAY}.000001.json", 100]
    with reopen(store) as again:
        assert again.day(TUESDAY)[5].title == "Paper 5 v2"
        assert again.get("arxiv:2606.00005").title == "Paper 5 v2"
        assert len(again.day(TUESDAY)) == 100


def test_a_commit_that_revises_papers_of_many_days_writes_a_handful_of_files(store):
    old_days = [MONDAY - dt.timedelta(days=n) for n in range(60)]
    store.add([preprint(1000 * n + k, day) for n, day in enumerate(old_days) for k in range(40)])
    generation = 2
    revisions = [preprint(1000 * n + 7, WEDNESDAY, version=2) for n in range(len(old_days))]
    report = store.add([*revisions, preprint(99_999, WEDNESDAY)])
    assert len(report.days) == len(old_days) + 1
    assert written_by(store, generation) == [
        f"days/{WEDNESDAY}.{generation:06d}.json",  # the new day
        f"days/{WEDNESDAY}.{generation:06d}.lines.json",
        f"index/{generation:06d}.json",
        f"patches/{generation:06d}.json",  # every old day's revision
    ]
    with reopen(store) as again:
        assert all(again.day(day)[7].title == f"Paper {1000 * n + 7} v2" for n, day in enumerate(old_days))


def test_a_patch_file_is_a_tinydb_document_with_a_table_per_day(store):
    store.add([preprint(n) for n in range(10)] + [preprint(n, MONDAY) for n in range(10, 20)])
    store.add([preprint(3, WEDNESDAY, version=2), preprint(12, WEDNESDAY, version=2)])
    with TinyDB(store.data_dir / "patches" / "000002.json", storage=ShardStorage) as patch:
        assert patch.tables() == {MONDAY.isoformat(), TUESDAY.isoformat()}
        assert patch.table(TUESDAY.isoformat()).get(doc_id=1)["title"] == "Paper 3 v2"


def test_a_day_is_folded_into_a_new_base_once_its_patch_holds_a_quarter_of_it(store):
    store.add([preprint(n) for n in range(20)])
    for n in range(int(20 * FOLD_SHARE)):
        store.add([preprint(n, WEDNESDAY, version=2)])
    assert manifest_of(store)["days"][TUESDAY.isoformat()]["base"][0] == f"days/{TUESDAY}.000001.json"
    store.add([preprint(5, WEDNESDAY, version=2)])  # the sixth revised paper: more than a quarter of 20
    day = manifest_of(store)["days"][TUESDAY.isoformat()]
    assert (day["base"], day["patches"]) == ([f"days/{TUESDAY}.000007.json", 20], [])
    with reopen(store) as again:
        assert shard_files(again, TUESDAY) == [f"{TUESDAY}.000007.json", f"{TUESDAY}.000007.lines.json"]
        assert [p.title for p in again.day(TUESDAY)][:7] == [f"Paper {n} v2" for n in range(6)] + [
            "Paper 6 v1"
        ]


def test_a_commit_folds_only_the_most_overdue_days_and_leaves_the_rest_to_the_next(store):
    old_days = [MONDAY - dt.timedelta(days=n) for n in range(FOLDS_PER_COMMIT + 2)]
    for n, day in enumerate(old_days):
        store.add([preprint(100 * n + k, day) for k in range(8)])
    # Every old day gets 3 of its 8 papers revised (over a quarter), the last one the most (4).
    store.add([preprint(100 * n + k, WEDNESDAY, version=2) for n in range(len(old_days)) for k in range(3)]
              + [preprint(100 * (len(old_days) - 1) + 3, WEDNESDAY, version=2)])  # fmt: skip
    folded = [day for day in old_days if not runs_of(store, day)]
    assert len(folded) == FOLDS_PER_COMMIT and old_days[-1] in folded
    store.add([preprint(9999, WEDNESDAY)])  # a commit about something else folds the ones left over
    assert sum(not runs_of(store, day) for day in old_days) == min(len(old_days), 2 * FOLDS_PER_COMMIT)
    with reopen(store) as again:
        assert all(
            [p.arxiv_version for p in again.day(day)] == [2, 2, 2, 1 + (n == len(old_days) - 1), 1, 1, 1, 1]
            for n, day in enumerate(old_days)
        )


def test_revisions_spread_thin_over_many_days_are_folded_once_patches_crowd_the_store(store, monkeypatch):
    monkeypatch.setattr(store_module, "PATCHED_FLOOR", 0)
    days = [MONDAY - dt.timedelta(days=n) for n in range(5)]
    store.add([preprint(100 * n + k, day) for n, day in enumerate(days) for k in range(40)])
    store.add([preprint(100 * n + k, WEDNESDAY, version=2) for n in range(len(days)) for k in range(2)])
    assert all(len(runs_of(store, day)) == 1 for day in days)  # 10 of 200 papers: 5%, not more
    store.add([preprint(7, WEDNESDAY, version=2)])  # the 11th: the most patched day is folded
    assert [len(runs_of(store, day)) for day in days] == [0, 1, 1, 1, 1]
    with reopen(store) as again:
        assert [p.arxiv_version for p in again.day(days[0])][:9] == [2, 2, 1, 1, 1, 1, 1, 2, 1]


def test_a_day_revised_by_many_commits_keeps_a_few_runs(store):
    revised = 40  # fewer than a quarter of the day: no fold
    store.add([preprint(n) for n in range(200)])
    for n in range(revised):
        store.add([preprint(n, WEDNESDAY, version=2)])
        assert len(runs_of(store, TUESDAY)) <= min(MAX_RUNS, (n + 1).bit_length())  # merged tier by tier
    assert sum(run[3] for run in runs_of(store, TUESDAY)) == revised  # each record once
    with reopen(store) as again:
        assert [p.arxiv_version for p in again.day(TUESDAY)] == [2] * revised + [1] * (200 - revised)


def test_a_later_revision_in_a_merged_run_wins_and_keeps_its_place(store):
    store.add([preprint(n) for n in range(100)])
    store.add([preprint(4, version=2)])
    store.add([preprint(4, version=3), preprint(9, version=2)])  # merges the first run
    assert [run[3] for run in runs_of(store, TUESDAY)] == [2]
    with reopen(store) as again:
        assert [(p.id, p.arxiv_version) for p in again.day(TUESDAY)[3:6]] == [
            ("arxiv:2606.00003", 1),
            ("arxiv:2606.00004", 3),
            ("arxiv:2606.00005", 1),
        ]
        assert (again.get("arxiv:2606.00004").arxiv_version, again.get("arxiv:2606.00009").arxiv_version) == (
            3,
            2,
        )


def test_papers_arriving_late_on_an_old_day_are_listed_after_it_and_keep_their_place(store):
    store.add([preprint(n) for n in range(100)])
    store.add([preprint(500), preprint(501)])  # e.g. a backfilled feed of Tuesday
    assert [p.id for p in store.day(TUESDAY)][-3:] == [
        "arxiv:2606.00099",
        "arxiv:2606.00500",
        "arxiv:2606.00501",
    ]
    store.add([preprint(n, version=2) for n in range(40)] + [preprint(500, version=2)])  # a fold
    assert runs_of(store, TUESDAY) == []
    store.close()
    with PaperStore(store.data_dir, cache_days=0) as again:
        assert [p.id for p in again.day(TUESDAY)][-2:] == ["arxiv:2606.00500", "arxiv:2606.00501"]
        assert again.get("arxiv:2606.00500").arxiv_version == 2
        assert again.get("arxiv:2606.00501").arxiv_version == 1
        assert again.get("arxiv:2606.00050").arxiv_version == 1


def test_past_the_limit_of_patch_files_the_sparsest_ones_runs_are_copied_into_the_new_one(store, monkeypatch):
    monkeypatch.setattr(store_module, "MAX_PATCH_FILES", 2)
    days = [MONDAY - dt.timedelta(days=n) for n in range(4)]
    for n, day in enumerate(days):
        store.add([preprint(100 * n + k, day) for k in range(40)])
    for n in range(len(days)):  # one commit per old day: patch files 5, 6, 7, 8
        store.add([preprint(100 * n + k, WEDNESDAY, version=2) for k in range(n + 1)])
    patch_files = {run[0] for day in days for run in runs_of(store, day)}
    assert len(patch_files) <= 2
    with reopen(store) as again:
        assert sorted(p.name for p in (store.data_dir / "patches").iterdir()) == sorted(
            name.removeprefix("patches/") for name in patch_files
        )
        assert [[p.arxiv_version for p in again.day(day)][: len(days) + 1] for day in days] == [
            [2] * (n + 1) + [1] * (len(days) - n) for n in range(len(days))
        ]


def test_the_index_log_stays_a_few_files_and_still_finds_everything(store):
    commits = 20
    for n in range(commits):
        store.add([preprint(n, doi=f"10.1000/{n}")])
    assert len(list((store.data_dir / "index").iterdir())) <= commits.bit_length()
    with reopen(store) as again:
        assert again.count() == commits
        assert all(again.find_by_doi(f"10.1000/{n}").id == preprint(n).id for n in range(commits))


def test_superseded_files_are_deleted_after_the_commit_at_the_latest_by_closing(store):
    store.add([preprint(n) for n in range(4)])
    store.add([preprint(n, version=2) for n in range(4)])  # the whole day changed: a new base
    store.add([preprint(n, version=3) for n in range(4)])  # and again
    store.close()  # waits for the deletion running in the background
    assert shard_files(store, TUESDAY) == [f"{TUESDAY}.000003.json", f"{TUESDAY}.000003.lines.json"]
    assert list((store.data_dir / "patches").iterdir()) == []
    assert sorted(p.name for p in (store.data_dir / "index").iterdir()) == ["000001.json"]


def test_a_paper_is_read_from_its_latest_record_without_the_day_in_memory(tmp_path):
    with PaperStore(tmp_path, cache_days=0) as store:  # nothing cached: every read goes to the files
        store.add([preprint(n) for n in range(50)])
        store.add([preprint(7, version=2)])
        assert store.get("arxiv:2606.00007").title == "Paper 7 v2"
        store.add([preprint(7, feed="cs.AI", version=2)])
        assert store.get("arxiv:2606.00007").feeds == ["arxiv:cs.LG", "arxiv:cs.AI"]
        assert store.get("arxiv:2606.00008").title == "Paper 8 v1"  # read at its line of the base
        assert [p.title for p in store.day(TUESDAY)][6:9] == ["Paper 6 v1", "Paper 7 v2", "Paper 8 v1"]


@pytest.mark.parametrize(
    "paper_id", ["doi:10.1000/é-accent", 'doi:10.1000/"quoted"', "doi:10.1000/back\\slash", "url:tab\there"]
)
def test_a_paper_whose_id_json_escapes_is_read_from_its_latest_record(tmp_path, paper_id):
    with PaperStore(tmp_path, cache_days=0) as store:
        store.add([article(n) for n in range(20)] + [article(99, id=paper_id, title="First")])
        store.add([article(99, id=paper_id, title="Corrected")])  # a patch run
        assert store.get(paper_id).title == "Corrected"
        store.add([article(99, id=paper_id, title="Corrected again")])  # a newer run
        assert store.get(paper_id).title == "Corrected again"
        assert store.day(TUESDAY)[-1].title == "Corrected again"


def test_a_base_rewritten_in_another_layout_is_still_read(tmp_path):
    with PaperStore(tmp_path, cache_days=0) as store:
        store.add([preprint(n) for n in range(20)])
        base = store.data_dir / "days" / f"{TUESDAY}.000001.json"
        base.write_text(json.dumps(json.loads(base.read_text()), indent=1))  # e.g. by TinyDB's JSONStorage
        assert store.get("arxiv:2606.00013").title == "Paper 13 v1"
        store.add([preprint(n, version=2) for n in range(10)])  # a fold reads it too
        assert [p.arxiv_version for p in store.day(TUESDAY)] == [2] * 10 + [1] * 10


def test_warm_reads_the_latest_days_into_memory(tmp_path):
    with PaperStore(tmp_path, cache_days=2) as store:
        store.add([preprint(1, MONDAY), preprint(2, TUESDAY), preprint(3, WEDNESDAY)])
    with PaperStore(tmp_path, cache_days=2) as store:
        store.warm()
        (tmp_path / "days").rename(tmp_path / "away")  # from here on, only what is in memory can be listed
        assert (ids(store.day(TUESDAY)), ids(store.day(WEDNESDAY))) == (
            ["arxiv:2606.00002"],
            ["arxiv:2606.00003"],
        )
        with pytest.raises(StoreError, match=r"is named by .* but missing"):
            store.day(MONDAY)
        (tmp_path / "away").rename(tmp_path / "days")
        store.warm([MONDAY])
        (tmp_path / "days").rename(tmp_path / "away")
        assert ids(store.day(MONDAY)) == ["arxiv:2606.00001"]
        (tmp_path / "away").rename(tmp_path / "days")


# -- durability ----------------------------------------------------------------------------------------------


def test_a_commit_that_fails_changes_nothing_and_the_next_one_works(store):
    store.add([preprint(n) for n in range(10)])
    blocker = store.data_dir / "index" / "000002.json"
    blocker.mkdir()  # the index cannot take its name: the commit fails half-way, as on a full disk
    with pytest.raises(IsADirectoryError, match=blocker.name):
        store.add([preprint(1, version=2), preprint(20, WEDNESDAY)])  # a patch and a new day written before
    assert (store.count(), store.days(), store.get("arxiv:2606.00001").title) == (10, [TUESDAY], "Paper 1 v1")
    assert written_by(store, 2) == ["index/000002.json"]  # the patch and Wednesday's base were removed
    blocker.rmdir()
    assert store.add([preprint(20, WEDNESDAY), preprint(1, version=2)]).added == 1
    with reopen(store) as again:
        assert (again.count(), again.get("arxiv:2606.00001").title) == (11, "Paper 1 v2")


def test_an_interrupted_commits_files_are_removed_and_ignored_on_open(store):
    store.add([preprint(n) for n in range(3)])
    days, patches, index = (store.data_dir / sub for sub in ("days", "patches", "index"))
    # What a crash between writing the files and renaming the manifest leaves: files of generation 2.
    (days / f"{TUESDAY}.000002.json").write_text('{\n"papers":{\n"1":{"id":"arxiv:2606.09999"')
    (days / f"{WEDNESDAY}.000002.json").write_text((days / f"{TUESDAY}.000001.json").read_text())
    (days / f"{WEDNESDAY}.000002.lines.json").write_text("[1, 2")
    (patches / "000002.json").write_text('{\n"2026-06-23":{\n"1":{"id":"arxiv:2606.00001","title":"X"')
    (index / "000002.json").write_text('{"ids": {"arxiv:2606.09999": "2026-06-23/3"}}')
    (days / f"{TUESDAY}.000003.json.tmp").write_text('{\n"pap')
    listed = store.day(TUESDAY)
    with reopen(store) as again:
        assert (again.count(), again.days(), again.day(TUESDAY)) == (3, [TUESDAY], listed)
        assert again.get("arxiv:2606.09999") is None
        assert shard_files(again, TUESDAY) == [f"{TUESDAY}.000001.json", f"{TUESDAY}.000001.lines.json"]
        assert sorted(p.name for p in index.iterdir()) == ["000001.json"]
        assert list(patches.iterdir()) == []
        again.add([preprint(9), preprint(1, version=2)])  # and the next commit reuses none of their contents
        assert (again.count(), again.get("arxiv:2606.00001").title) == (4, "Paper 1 v2")


def test_a_half_written_manifest_temp_file_is_ignored_and_removed(store):
    store.add([preprint(1)])
    temp = store.data_dir / ".manifest.json.x1y2z3.tmp"  # as files.atomic_write names it
    temp.write_text('{"format": 1, "generation": 7, "da')
    with reopen(store) as again:
        assert again.count() == 1
    assert not temp.exists()


def test_a_missing_manifest_with_shards_left_is_refused_and_nothing_is_deleted(store):
    store.add([preprint(1)])
    store.close()
    (store.data_dir / "manifest.json").unlink()
    before = sorted(p.relative_to(store.data_dir) for p in store.data_dir.rglob("*.json"))
    with pytest.raises(StoreError, match=r"manifest.json is missing but 3 shard files remain"):
        PaperStore(store.data_dir)
    assert sorted(p.relative_to(store.data_dir) for p in store.data_dir.rglob("*.json")) == before


def test_a_damaged_shard_is_named_in_the_error_and_left_untouched(store):
    store.add([preprint(1)])
    shard = store.data_dir / "days" / f"{TUESDAY.isoformat()}.000001.json"
    shard.write_text('{\n"papers":{\n"1":{"id":"arxiv:2606.00001","title":')
    with reopen(store) as again, pytest.raises(StoreError, match=rf"{shard.name} is damaged"):
        again.day(TUESDAY)
    assert shard.read_text().endswith('"title":')


def test_a_damaged_patch_is_named_in_the_error_and_left_untouched(store):
    store.add([preprint(n) for n in range(10)])
    store.add([preprint(1, version=2)])
    patch = store.data_dir / "patches" / "000002.json"
    patch.write_text(patch.read_text().replace('"title":', '"title":{'))
    with reopen(store) as again, pytest.raises(StoreError, match=r"000002.json is damaged"):
        again.day(TUESDAY)


def test_a_store_of_another_format_is_refused_and_left_untouched(store):
    store.close()
    manifest = store.data_dir / "manifest.json"
    manifest.write_text('{"format": 1, "generation": 3, "days": {}, "index": []}')
    with pytest.raises(StoreError, match=r"has format 1; this AcademicHub reads format 2"):
        PaperStore(store.data_dir)
    assert manifest.read_text() == '{"format": 1, "generation": 3, "days": {}, "index": []}'


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
