import datetime as dt

import pytest
from aiohttp import web

from academichub.ingest.backfill import backfill, plan_backfill, search_query
from academichub.models import Source, SourceKind
from feed_server import FEEDS, FeedServer, Handler, body, in_turn, quick_fetcher, recorded, status

D = dt.date
CS_RO = Source(
    key="arxiv:cs.RO", name="arXiv (cs.RO)", url="https://rss.arxiv.org/rss/cs.RO", kind=SourceKind.arxiv,
    category="cs.RO",
)  # fmt: skip
API_PAGE = FEEDS / "arxiv_api_query_cat_cs.RO_2026-09-20_technews.xml"  # 3 entries, real API shape
OTHER_PAGE = FEEDS / "GENERATED_arxiv_atom_edgecases.xml"  # 4 entries
EMPTY_PAGE = FEEDS / "GENERATED_arxiv_atom_empty_weekend.xml"
# The export API's answer to a query it cannot run: an Atom feed with one "Error" entry.
API_ERROR = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>arXiv Query: search_query=cat:cs.RO</title>
  <entry>
    <id>http://arxiv.org/api/errors#malformed_search_query</id>
    <title>Error</title>
    <summary>malformed search_query</summary>
  </entry>
</feed>"""

TUESDAY, WEDNESDAY = D(2026, 6, 23), D(2026, 6, 24)
WINDOWS = {
    "cat:cs.RO AND submittedDate:[202606191800 TO 202606221759]": TUESDAY,
    "cat:cs.RO AND submittedDate:[202606221800 TO 202606231759]": WEDNESDAY,
}


@pytest.fixture
async def feed_server():
    async with FeedServer() as server:
        yield server


def by_window(pages: dict[dt.date, Handler]) -> Handler:
    """An export API that answers each mailing's submission window with that day's page."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return await pages[WINDOWS[request.query["search_query"]]](request)

    return handler


@pytest.mark.parametrize(
    ("last_day", "expected", "max_days", "plan"),
    [
        (None, D(2026, 6, 25), 7, []),  # nothing known to be missing
        (D(2026, 6, 22), D(2026, 6, 25), 7, [D(2026, 6, 23), D(2026, 6, 24)]),
        (D(2026, 6, 25), D(2026, 6, 25), 7, []),
        (D(2026, 6, 24), D(2026, 6, 25), 7, []),
        (D(2026, 6, 18), D(2026, 6, 23), 7, [D(2026, 6, 22)]),  # Juneteenth and the weekend have no mailing
        (D(2026, 6, 1), D(2026, 6, 25), 2, [D(2026, 6, 23), D(2026, 6, 24)]),  # only the most recent
        (D(2026, 6, 22), D(2026, 6, 25), 0, []),
    ],
)
def test_the_plan_is_the_mailings_between_the_last_held_and_the_one_the_feed_serves(
    last_day, expected, max_days, plan
):
    assert plan_backfill(last_day, expected, max_days) == plan


@pytest.mark.parametrize(
    ("categories", "mailing", "query"),
    [
        (["cs.RO"], TUESDAY, "cat:cs.RO AND submittedDate:[202606191800 TO 202606221759]"),
        # Eastern Standard Time: 14:00 ET is 19:00 GMT.
        (["cs.AI"], D(2026, 12, 2), "cat:cs.AI AND submittedDate:[202611301900 TO 202612011859]"),
        (
            ["cs.LG", "stat.ML"],
            D(2026, 9, 28),
            "(cat:cs.LG OR cat:stat.ML) AND submittedDate:[202609241800 TO 202609251759]",
        ),
    ],
)
def test_the_api_is_asked_for_the_mailings_submission_window_in_gmt(categories, mailing, query):
    assert search_query(categories, mailing) == query


async def test_missed_mailings_are_fetched_politely_and_dated_by_their_announcement(feed_server):
    api = feed_server.serve(
        "/api/query", by_window({TUESDAY: recorded(API_PAGE), WEDNESDAY: recorded(OTHER_PAGE)})
    )
    async with quick_fetcher(gaps={"127.0.0.1": 0.05}) as fetcher:
        result = await backfill(CS_RO, [TUESDAY, WEDNESDAY], fetcher, api=api, page_size=50)

    assert result.error is None
    assert result.days == [TUESDAY, WEDNESDAY]
    assert result.requests == 2
    dates = {p.arxiv_id: p.date for p in result.papers}
    assert (
        dates["2012.11345"] == TUESDAY
    )  # submitted in 2020: the date is the mailing's, not the submission's
    assert dates["2609.99901"] == WEDNESDAY
    assert len(result.papers) == 3 + 4
    assert all(CS_RO.key in p.feeds for p in result.papers)
    first, second = feed_server.arrivals
    assert second.started >= first.finished + 0.05  # the fetcher's per-host gap, as arXiv asks
    assert first.query == {
        "search_query": "cat:cs.RO AND submittedDate:[202606191800 TO 202606221759]",
        "sortBy": "submittedDate",
        "sortOrder": "descending",
        "start": "0",
        "max_results": "50",
    }


async def test_a_paper_without_an_announce_type_is_new_in_its_primary_category_and_cross_elsewhere(
    feed_server,
):
    api = feed_server.serve("/api/query", recorded(OTHER_PAGE))
    cs_lg = CS_RO.model_copy(update={"key": "arxiv:cs.LG", "category": "cs.LG"})
    async with quick_fetcher() as fetcher:
        result = await backfill(cs_lg, [TUESDAY], fetcher, api=api)
    types = {p.arxiv_id: p.announce_type for p in result.papers}
    # The recording states its own types (kept); the API's real pages state none (inferred).
    assert types["2609.99901"] == "new"
    assert types["2609.99902"] == "cross"


async def test_pages_are_followed_until_a_short_page(feed_server):
    pages = in_turn(recorded(API_PAGE), recorded(OTHER_PAGE), recorded(EMPTY_PAGE))
    api = feed_server.serve("/api/query", pages)
    async with quick_fetcher() as fetcher:
        result = await backfill(CS_RO, [TUESDAY], fetcher, api=api, page_size=3)
    assert [a.query["start"] for a in feed_server.arrivals] == ["0", "3", "6"]
    assert result.requests == 3
    assert len(result.papers) == 7


async def test_pages_are_bounded_even_when_every_page_is_full(feed_server):
    api = feed_server.serve("/api/query", recorded(API_PAGE))
    async with quick_fetcher() as fetcher:
        result = await backfill(CS_RO, [TUESDAY], fetcher, api=api, page_size=3, max_pages=2)
    assert result.requests == 2
    assert len(result.papers) == 3  # the same page twice is one set of papers


async def test_a_rate_limited_api_is_waited_for(feed_server):
    api = feed_server.serve("/api/query", in_turn(status(429, **{"Retry-After": "0"}), recorded(API_PAGE)))
    async with quick_fetcher() as fetcher:
        result = await backfill(CS_RO, [TUESDAY], fetcher, api=api)
    assert result.error is None
    assert len(result.papers) == 3


async def test_a_failing_day_stops_the_backfill_so_no_day_is_skipped_for_good(feed_server):
    api = feed_server.serve("/api/query", by_window({TUESDAY: recorded(API_PAGE), WEDNESDAY: status(500)}))
    async with quick_fetcher() as fetcher:
        result = await backfill(CS_RO, [TUESDAY, WEDNESDAY], fetcher, api=api)
    assert result.days == [TUESDAY]
    assert {p.date for p in result.papers} == {TUESDAY}
    assert result.error == "backfill of 2026-06-24 stopped: HTTP 500 after 3 tries"


async def test_an_api_error_entry_is_an_error_not_a_paper(feed_server):
    api = feed_server.serve("/api/query", body(API_ERROR))
    async with quick_fetcher() as fetcher:
        result = await backfill(CS_RO, [TUESDAY], fetcher, api=api)
    assert result.papers == []
    assert (
        result.error
        == "backfill of 2026-06-23 stopped: the arXiv API refused the query: malformed search_query"
    )
