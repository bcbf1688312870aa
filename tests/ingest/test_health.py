import datetime as dt
import json

import pytest

from academichub.ingest.arxiv_calendar import ARXIV_TZ
from academichub.ingest.health import HealthBook, after_failure, after_fetch, assess
from academichub.models import HealthState, Source, SourceHealth, SourceKind

D = dt.date
CS_AI = Source(
    key="arxiv:cs.AI", name="arXiv (cs.AI)", url="https://rss.arxiv.org/rss/cs.AI", kind=SourceKind.arxiv
)
NATURE = Source(key="nature", name="Nature", url="https://www.nature.com/nature.rss", kind=SourceKind.journal)


def et(y: int, m: int, d: int, hh: int = 12) -> dt.datetime:
    return dt.datetime(y, m, d, hh, tzinfo=ARXIV_TZ)


def fetched_before(feed_date: dt.date | None, when: dt.datetime) -> SourceHealth:
    return SourceHealth(
        key=CS_AI.key, state=HealthState.ok, last_success=when, item_count=40, feed_date=feed_date
    )


NEVER = SourceHealth(key=CS_AI.key)
WEDNESDAY_MORNING = fetched_before(D(2026, 6, 24), et(2026, 6, 24, 9))


@pytest.mark.parametrize(
    ("source", "previous", "items", "new", "feed_date", "now", "state", "reason"),
    [
        pytest.param(
            CS_AI, NEVER, 0, 0, D(2026, 9, 26), et(2026, 9, 26), HealthState.quiet,
            "no arXiv announcements on Sat 2026-09-26 (weekend)", id="empty-weekend-feed",
        ),
        pytest.param(
            CS_AI, NEVER, 0, 0, D(2026, 11, 26), et(2026, 11, 26), HealthState.quiet,
            "no arXiv announcements on Thu 2026-11-26 (Thanksgiving)", id="empty-holiday-feed",
        ),
        pytest.param(
            CS_AI, NEVER, 0, 0, D(2026, 6, 24), et(2026, 6, 24), HealthState.quiet,
            "no papers in the listing of 2026-06-24", id="empty-listing-on-a-weekday",
        ),
        pytest.param(
            CS_AI, NEVER, 0, 0, None, et(2026, 9, 27), HealthState.quiet,
            "no arXiv announcements on Sun 2026-09-27 (weekend)", id="empty-feed-without-a-date",
        ),
        pytest.param(
            CS_AI, NEVER, 40, 40, D(2026, 6, 24), et(2026, 6, 24), HealthState.ok,
            "40 papers announced 2026-06-24", id="first-fetch",
        ),
        pytest.param(
            CS_AI, WEDNESDAY_MORNING, 40, 0, D(2026, 6, 24), et(2026, 6, 25, 9), HealthState.stale,
            "feed still shows 2026-06-24; expected 2026-06-25", id="same-mailing-when-next-is-due",
        ),
        pytest.param(
            CS_AI, WEDNESDAY_MORNING, 40, 0, D(2026, 6, 24), et(2026, 6, 24, 22), HealthState.ok,
            "40 papers announced 2026-06-24", id="same-mailing-before-the-feed-is-rebuilt",
        ),
        pytest.param(
            CS_AI, WEDNESDAY_MORNING, 40, 0, D(2026, 6, 24), et(2026, 6, 27), HealthState.stale,
            "feed still shows 2026-06-24; expected 2026-06-26", id="same-mailing-on-saturday",
        ),
        pytest.param(
            CS_AI, fetched_before(D(2026, 6, 23), et(2026, 6, 23)), 40, 40, D(2026, 6, 24), et(2026, 6, 26),
            HealthState.ok, "40 papers announced 2026-06-24", id="behind-the-calendar-but-new-papers",
        ),
        pytest.param(
            CS_AI, fetched_before(None, et(2026, 6, 24, 9)), 40, 0, None, et(2026, 6, 25, 9),
            HealthState.stale, "feed still shows the same 40 papers; expected 2026-06-25's",
            id="same-ids-without-a-date",
        ),
        pytest.param(
            CS_AI, fetched_before(None, et(2026, 6, 24, 9)), 40, 3, None, et(2026, 6, 25, 9),
            HealthState.ok, "40 papers", id="new-ids-without-a-date",
        ),
        pytest.param(
            NATURE, NEVER, 0, 0, None, et(2026, 6, 24), HealthState.quiet, "the feed has no items",
            id="empty-journal",
        ),
        pytest.param(
            NATURE, NEVER, 12, 0, None, et(2026, 6, 27), HealthState.ok, "12 items", id="journal-on-saturday",
        ),
    ],
)  # fmt: skip
def test_a_fetched_feed_is_judged_against_the_arxiv_calendar(
    source, previous, items, new, feed_date, now, state, reason
):
    assert assess(source, previous, items=items, new=new, feed_date=feed_date, now=now) == (state, reason)


def test_after_a_fetch_the_feed_date_only_moves_forward_and_validators_are_replaced():
    previous = WEDNESDAY_MORNING.model_copy(update={"etag": '"old"', "last_error": "HTTP 500 after 3 tries"})
    now = et(2026, 6, 27)
    quiet = after_fetch(
        previous, state=HealthState.quiet, reason="weekend", now=now, items=0, new=0,
        feed_date=D(2026, 6, 27), etag='"new"', last_modified=None,
    )  # fmt: skip
    assert quiet.feed_date == D(2026, 6, 24)  # an empty weekend feed is no mailing held
    assert (quiet.etag, quiet.last_error, quiet.last_success, quiet.item_count) == ('"new"', None, now, 0)
    fresh = after_fetch(
        quiet, state=HealthState.ok, reason="", now=now, items=5, new=5,
        feed_date=D(2026, 6, 29), etag=None, last_modified="Mon, 29 Jun 2026 04:00:00 GMT",
    )  # fmt: skip
    assert fresh.feed_date == D(2026, 6, 29)
    assert (fresh.etag, fresh.last_modified) == (None, "Mon, 29 Jun 2026 04:00:00 GMT")


def test_a_failure_keeps_what_the_last_success_left():
    previous = WEDNESDAY_MORNING.model_copy(update={"etag": '"abc"', "last_modified": "x"})
    now = et(2026, 6, 25)
    failed = after_failure(previous, error="HTTP 503 after 3 tries", now=now)
    assert (failed.state, failed.reason, failed.last_error) == (
        HealthState.failing,
        *["HTTP 503 after 3 tries"] * 2,
    )
    assert failed.last_attempt == now
    assert (failed.etag, failed.last_modified, failed.last_success, failed.item_count, failed.feed_date) == (
        '"abc"', "x", previous.last_success, 40, D(2026, 6, 24),
    )  # fmt: skip


def test_a_source_never_fetched_is_in_state_never(tmp_path):
    with HealthBook(tmp_path) as book:
        assert book.get("arxiv:cs.AI") == SourceHealth(key="arxiv:cs.AI", state=HealthState.never)
        assert book.all() == []


def test_the_book_keeps_each_source_across_openings(tmp_path):
    first = WEDNESDAY_MORNING.model_copy(update={"etag": '"abc"'})
    with HealthBook(tmp_path) as book:
        book.save(
            [first, SourceHealth(key="nature", state=HealthState.failing, reason="HTTP 500 after 3 tries")]
        )
    with HealthBook(tmp_path) as book:
        assert book.get(CS_AI.key) == first
        book.save([first.model_copy(update={"state": HealthState.stale}), SourceHealth(key="plos-medicine")])
    with HealthBook(tmp_path) as book:
        assert {h.key: h.state for h in book.all()} == {
            CS_AI.key: HealthState.stale,
            "nature": HealthState.failing,
            "plos-medicine": HealthState.never,
        }
    stored = json.loads((tmp_path / "health.json").read_text())
    assert len(stored["sources"]) == 3  # one document per source, nothing duplicated
