import asyncio
import datetime as dt
import gc
import shutil
import time

import pytest

import academichub.ingest.refresh
from academichub.ingest.arxiv_calendar import ARXIV_TZ
from academichub.ingest.fetcher import Fetcher
from academichub.ingest.health import HealthBook
from academichub.ingest.refresh import ingest_directory, refresh
from academichub.ingest.sources import parse_feed
from academichub.models import HealthState, Source, SourceHealth, SourceKind
from academichub.store.paper_store import PaperStore
from feed_server import FEEDS, SEED_DAY, FeedServer, body, in_turn, recorded, slow, status

D = dt.date
SEED_MAILING = D(2026, 6, 24)  # the seed day's arXiv feeds are Wednesday's mailing
WEDNESDAY_NOON = dt.datetime(2026, 6, 24, 12, tzinfo=ARXIV_TZ)
API_PAGE = FEEDS / "arxiv_api_query_cat_cs.RO_2026-09-20_technews.xml"
WEEKEND_FEED = FEEDS / "GENERATED_arxiv_rss_empty_weekend.xml"  # dated Saturday 2026-09-26
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>Try later</body></html>"
)


class CountingStore(PaperStore):
    """The real store, counting its commits: a refresh must make exactly one."""

    commits = 0

    def add(self, papers):
        self.commits += 1
        return super().add(papers)


class FullDiskStore(PaperStore):
    def add(self, papers):
        raise OSError(28, "No space left on device")


def seed_source(file_name: str, url: str) -> Source:
    stem = file_name.removesuffix(".xml")
    if stem.startswith("arxiv_rss_"):
        category = stem.removeprefix("arxiv_rss_")
        return Source(key=f"arxiv:{category}", name=f"arXiv ({category})", url=url, kind=SourceKind.arxiv,
                      category=category)  # fmt: skip
    return Source(key=stem, name=stem, url=url, kind=SourceKind.journal)


@pytest.fixture
async def feed_server():
    async with FeedServer() as server:
        yield server


@pytest.fixture
def store(tmp_path):
    with CountingStore(tmp_path / "papers") as store:
        yield store


@pytest.fixture
def health(tmp_path):
    with HealthBook(tmp_path / "state") as book:
        yield book


@pytest.fixture
async def fetcher():
    async with Fetcher(timeout=0.5, backoff=0.01, gaps={}, default_gap=0.0) as fetcher:
        yield fetcher


@pytest.fixture
def seed_sources(feed_server) -> list[Source]:
    return [
        seed_source(f.name, feed_server.serve(f"/feeds/{f.name}", recorded(f)))
        for f in sorted(SEED_DAY.glob("*.xml"))
    ]


def run(sources, store, health, fetcher, feed_server, **options):
    options = {"now": WEDNESDAY_NOON, "arxiv_api": feed_server.url("/api/query")} | options
    return refresh(sources, store, health, fetcher, **options)


async def test_a_refresh_fetches_every_source_and_stores_all_papers_in_one_commit(
    seed_sources, store, health, fetcher, feed_server
):
    events = []
    report = await run(seed_sources, store, health, fetcher, feed_server, progress=events.append)

    assert report.ok, report.summary()
    assert store.commits == 1
    assert [s.state for s in report.sources] == [HealthState.ok] * 10
    assert report.ingest.added == store.count() > 60
    listed = store.day(SEED_MAILING)
    assert len(listed) == store.count()  # journal items join the day of the fetch that brought them
    assert {p.day for p in listed} == {SEED_MAILING}
    assert {p.date for p in listed if p.arxiv_id} == {SEED_MAILING}
    assert sum(s.new for s in report.sources) >= report.ingest.added  # a cross-list is new in each feed
    assert [e["done"] for e in events] == list(range(1, 11))
    assert {e["source"] for e in events} == {s.key for s in seed_sources}
    assert all(e["total"] == 10 for e in events)
    kept = health.get("arxiv:cs.AI")
    assert (kept.state, kept.feed_date, kept.last_success) == (HealthState.ok, SEED_MAILING, WEDNESDAY_NOON)
    assert kept.etag and kept.item_count > 0
    assert feed_server.arrivals_at("/api/query") == []  # nothing was missed


async def test_a_second_refresh_asks_conditionally_and_parses_nothing(
    seed_sources, store, health, fetcher, feed_server
):
    await run(seed_sources, store, health, fetcher, feed_server)
    again = await run(
        seed_sources, store, health, fetcher, feed_server, now=WEDNESDAY_NOON + dt.timedelta(hours=2)
    )

    assert all("If-None-Match" in a.headers for a in feed_server.arrivals[10:])
    assert [s.state for s in again.sources] == [HealthState.ok] * 10
    assert all(s.reason.endswith("(not modified)") for s in again.sources)
    assert (again.ingest.parsed, again.new, store.commits) == (0, 0, 1)  # nothing to store, no commit


async def test_a_broken_source_never_stops_the_others(store, health, fetcher, feed_server):
    cs_ai = SEED_DAY / "arxiv_rss_cs.AI.xml"
    good = seed_source(cs_ai.name, feed_server.serve("/good", recorded(cs_ai)))
    broken = {
        "arXiv (cs.CV)": feed_server.serve("/500", status(500)),
        "arXiv (cs.LG)": feed_server.serve("/hangs", slow(2.0)),
        "Nature": feed_server.serve("/html", body(HTML_ERROR_PAGE, content_type="text/html")),
        "PLOS Medicine": feed_server.serve(
            "/not-xml", body(b"\x00\x01 not a feed at all", content_type="text/plain")
        ),
        "bioRxiv": feed_server.url("/gone"),
    }
    sources = [good] + [
        Source(key=f"k{i}", name=name, url=url) for i, (name, url) in enumerate(broken.items())
    ]
    report = await run(sources, store, health, fetcher, feed_server)

    rows = {s.name: s for s in report.sources}
    assert rows[good.name].state == HealthState.ok
    assert store.count() == rows[good.name].items > 0
    assert rows["arXiv (cs.CV)"].error == "arXiv (cs.CV): HTTP 500 after 3 tries"
    assert rows["arXiv (cs.LG)"].error == "arXiv (cs.LG): timed out after 0.5 s"
    assert rows["bioRxiv"].error == "bioRxiv: HTTP 404 Not Found"
    for name in broken:
        assert rows[name].state == HealthState.failing
        assert rows[name].error.startswith(f"{name}: ")
        assert health.get(rows[name].key).state == HealthState.failing
    assert not report.ok
    assert "arXiv (cs.CV): HTTP 500 after 3 tries" in report.summary()


async def test_a_feed_cut_off_by_its_server_keeps_its_whole_items_and_is_fetched_whole_next_time(
    store, health, fetcher, feed_server
):
    cs_cl = SEED_DAY / "arxiv_rss_cs.CL.xml"
    data = cs_cl.read_bytes()
    cut_off = body(
        data[: len(data) // 2], ETag='"cut-off"', **{"Last-Modified": "Wed, 24 Jun 2026 04:00:00 GMT"}
    )
    source = seed_source(cs_cl.name, feed_server.serve("/cs.CL", in_turn(cut_off, recorded(cs_cl))))
    first = await run([source], store, health, fetcher, feed_server)
    (row,) = first.sources
    assert row.state == HealthState.ok
    assert "the feed is cut off" in row.reason
    assert 0 < row.items == store.count()
    assert health.get(source.key).etag is None

    second = await run(
        [source], store, health, fetcher, feed_server, now=WEDNESDAY_NOON + dt.timedelta(hours=1)
    )
    assert "If-None-Match" not in feed_server.arrivals[1].headers
    assert "If-Modified-Since" not in feed_server.arrivals[1].headers
    assert second.sources[0].items == second.sources[0].new + row.items  # the rest arrived
    assert store.count() == second.sources[0].items


async def test_an_empty_weekend_feed_is_quiet_not_failing(store, health, fetcher, feed_server):
    source = seed_source("arxiv_rss_cs.LG.xml", feed_server.serve("/weekend", recorded(WEEKEND_FEED)))
    saturday = dt.datetime(2026, 9, 26, 12, tzinfo=ARXIV_TZ)
    report = await run([source], store, health, fetcher, feed_server, now=saturday, backfill_days=0)

    (row,) = report.sources
    assert (row.state, row.error, row.items) == (HealthState.quiet, None, 0)
    assert row.reason == "no arXiv announcements on Sat 2026-09-26 (weekend)"
    assert report.ok


@pytest.mark.parametrize("conditional", [True, False], ids=["304", "same-document"])
async def test_yesterdays_mailing_when_todays_is_due_is_stale_and_not_new(
    store, health, fetcher, feed_server, conditional
):
    cs_ai = SEED_DAY / "arxiv_rss_cs.AI.xml"
    handler = recorded(cs_ai) if conditional else body(cs_ai.read_bytes())
    source = seed_source(cs_ai.name, feed_server.serve("/cs.AI", handler))
    await run([source], store, health, fetcher, feed_server)
    thursday = WEDNESDAY_NOON + dt.timedelta(days=1)
    report = await run([source], store, health, fetcher, feed_server, now=thursday)

    (row,) = report.sources
    assert row.state == HealthState.stale
    assert row.reason.startswith("feed still shows 2026-06-24; expected 2026-06-25")
    assert (row.new, report.ingest.parsed, store.commits) == (0, 0, 1)
    assert report.ok  # stale is a state to show, not a failure


async def test_mailings_missed_while_the_machine_was_off_are_filled_from_the_api(
    store, health, fetcher, feed_server
):
    cs_ai = SEED_DAY / "arxiv_rss_cs.AI.xml"
    source = seed_source(cs_ai.name, feed_server.serve("/cs.AI", recorded(cs_ai)))
    feed_server.serve("/api/query", recorded(API_PAGE))
    health.save([SourceHealth(key=source.key, state=HealthState.ok, feed_date=D(2026, 6, 22))])  # Monday's
    report = await run([source], store, health, fetcher, feed_server)

    (row,) = report.sources
    assert row.backfilled == [D(2026, 6, 23)]
    (api_call,) = feed_server.arrivals_at("/api/query")
    assert api_call.query["search_query"] == "cat:cs.AI AND submittedDate:[202606191800 TO 202606221759]"
    tuesday = store.day(D(2026, 6, 23))
    assert sorted(p.arxiv_id for p in tuesday) == ["2012.11345", "2012.12142", "2012.13240"]
    assert store.commits == 1
    assert health.get(source.key).feed_date == SEED_MAILING
    assert "filled 1 missed mailings" in row.reason


async def test_a_weekend_feed_no_longer_shows_friday_so_friday_is_filled(store, health, fetcher, feed_server):
    source = seed_source("arxiv_rss_cs.LG.xml", feed_server.serve("/weekend", recorded(WEEKEND_FEED)))
    feed_server.serve("/api/query", recorded(API_PAGE))
    health.save([SourceHealth(key=source.key, state=HealthState.ok, feed_date=D(2026, 9, 24))])  # Thursday's
    saturday = dt.datetime(2026, 9, 26, 12, tzinfo=ARXIV_TZ)
    report = await run([source], store, health, fetcher, feed_server, now=saturday)

    (row,) = report.sources
    assert (row.state, row.backfilled) == (HealthState.quiet, [D(2026, 9, 25)])
    assert {p.date for p in store.day(D(2026, 9, 25))} == {D(2026, 9, 25)}
    assert health.get(source.key).feed_date == D(2026, 9, 25)


async def test_a_failed_save_keeps_the_old_validators_so_the_next_refresh_fetches_again(
    tmp_path, seed_sources, health, fetcher, feed_server
):
    with FullDiskStore(tmp_path / "full") as full:
        failed = await run(seed_sources, full, health, fetcher, feed_server)
    assert failed.error.endswith("No space left on device")
    assert not failed.ok
    assert all(health.get(s.key).etag is None for s in seed_sources)

    with PaperStore(tmp_path / "papers") as store:
        retried = await run(seed_sources, store, health, fetcher, feed_server)
        assert retried.ok and retried.new == store.count() > 60


async def test_disabled_sources_are_not_fetched(seed_sources, store, health, fetcher, feed_server):
    sources = [s.model_copy(update={"enabled": i % 2 == 0}) for i, s in enumerate(seed_sources)]
    report = await run(sources, store, health, fetcher, feed_server)
    assert [s.key for s in report.sources] == [s.key for s in sources if s.enabled]
    assert len(feed_server.arrivals) == 5


async def test_an_async_progress_listener_is_awaited_and_a_failing_one_is_ignored(
    seed_sources, store, health, fetcher, feed_server
):
    heard = []

    async def listener(event):
        await asyncio.sleep(0)
        heard.append(event["source"])
        if len(heard) == 1:
            raise ConnectionResetError("the browser went away")

    report = await run(seed_sources, store, health, fetcher, feed_server, progress=listener)
    assert len(heard) == 10 and report.ok


async def test_the_event_loop_stays_responsive_while_a_thousand_item_feed_is_parsed(
    monkeypatch, store, health, fetcher, feed_server
):
    parsed_on_the_loop = []

    def parse_and_tell(data, source=None):
        try:
            asyncio.get_running_loop()
            parsed_on_the_loop.append(source.key)
        except RuntimeError:  # no loop in this thread: a worker
            pass
        return parse_feed(data, source)

    monkeypatch.setattr(academichub.ingest.refresh, "parse_feed", parse_and_tell)
    big = thousand_item_feed(SEED_DAY / "arxiv_rss_cs.AI.xml")
    source = seed_source("arxiv_rss_cs.AI.xml", feed_server.serve("/big", body(big)))
    worst_lag = 0.0
    finished = asyncio.Event()

    async def ticker():
        nonlocal worst_lag
        while not finished.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            worst_lag = max(worst_lag, time.perf_counter() - before - 0.005)

    # Collector passes over the test runner's own heap stall every thread alike; keep them out of the figure.
    gc.freeze()
    try:
        ticking = asyncio.create_task(ticker())
        report = await run([source], store, health, fetcher, feed_server)
        finished.set()
        await ticking
    finally:
        gc.unfreeze()
    assert report.sources[0].items == 1000
    assert parsed_on_the_loop == []
    # Parsing 1,000 items takes 0.5-1.5 s here: on the loop, it would stall it that long.
    assert worst_lag < 0.3, f"the event loop stalled for {worst_lag:.3f} s"


def thousand_item_feed(recording) -> bytes:
    """An arXiv feed of 1,000 items (a busy day in cs.LG), made from the recording's first item."""
    text = recording.read_text(encoding="utf-8")
    head, rest = text.split("<item>", 1)
    item, _ = rest.split("</item>", 1)
    arxiv_id = item.split("arXiv:", 1)[1].split("v", 1)[0]
    items = "".join("<item>" + item.replace(arxiv_id, f"2606.{i:05d}") + "</item>" for i in range(1000))
    return (head + items + "</channel></rss>").encode()


def test_recorded_feeds_in_a_directory_are_ingested_in_one_commit(tmp_path, store):
    report = ingest_directory(SEED_DAY, store)
    assert store.commits == 1
    assert [s.key for s in report.sources] == sorted(f.name for f in SEED_DAY.glob("*.xml"))
    assert all(s.state == HealthState.ok for s in report.sources)
    assert report.ingest.added == store.count() > 60


def test_a_file_that_is_not_a_feed_is_named_and_the_others_are_ingested(tmp_path, store):
    shutil.copy(SEED_DAY / "arxiv_rss_cs.AI.xml", tmp_path)
    shutil.copy(FEEDS / "arxiv_html_latexml_2407.04763v1_EXCERPT.html", tmp_path)
    (tmp_path / "notes.txt").write_text("remember to read the cs.AI listing\n")
    report = ingest_directory(tmp_path, store)

    rows = {s.key: s for s in report.sources}
    assert rows["arxiv_rss_cs.AI.xml"].state == HealthState.ok
    assert store.count() == rows["arxiv_rss_cs.AI.xml"].items > 0
    for name in ("arxiv_html_latexml_2407.04763v1_EXCERPT.html", "notes.txt"):
        assert rows[name].state == HealthState.failing
        assert rows[name].error.startswith(f"{name}: ")
    assert not report.ok


def test_ingesting_a_missing_directory_says_which(tmp_path, store):
    with pytest.raises(NotADirectoryError, match="no-such-dir: not a directory of recorded feeds"):
        ingest_directory(tmp_path / "no-such-dir", store)


async def test_a_refresh_has_a_deadline_and_the_sources_done_by_then_are_saved(store, health, feed_server):
    hanging = seed_source("hanging", feed_server.serve("/hanging.xml", slow(30)))
    feed_server.serve("/fine.xml", recorded(SEED_DAY / "journal_rss1_nature_science.xml"))
    fine = seed_source("nature", feed_server.url("/fine.xml", host="localhost"))  # another host
    async with Fetcher(default_gap=0, gaps={}, timeout=60) as patient:
        report = await run([hanging, fine], store, health, patient, feed_server, deadline=1.0)
    by_key = {s.key: s for s in report.sources}
    assert by_key["hanging"].error == "hanging: no answer within the refresh's deadline of 1 s"
    assert by_key["nature"].state == HealthState.ok, by_key["nature"]
    assert store.count() == by_key["nature"].items > 0
