"""Fill in arXiv mailings missed while the machine was off, from the arXiv export API.

An arXiv RSS feed holds only the latest mailing (and nothing at all at weekends), so a day not fetched on
the day is gone from RSS. The export API can still list a category's submissions by date; we ask it for
each missed mailing's submission window (see arxiv_calendar.submission_window) and date the papers by the
mailing they were announced in, not by when they were submitted, so they land on the right day's cards.
Requests go through the Fetcher, which keeps arXiv's one request per three seconds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from dataclasses import dataclass, field

from yarl import URL

from ..models import Paper, Source
from .arxiv_calendar import announcement_days_between, submission_window
from .fetcher import Fetcher, FetchError
from .sources import FeedError, parse_feed

ARXIV_API = "http://export.arxiv.org/api/query"
# A busy category (cs.LG, cs.CV) has 300-600 submissions a day, cross-lists included.
PAGE_SIZE = 200
MAX_PAGES = 5

_API_ERROR = re.compile(rb"arxiv\.org/api/errors.*?<summary>(.*?)</summary>", re.S)


class BackfillError(Exception):
    pass


@dataclass
class BackfillResult:
    """What a backfill brought in; it stops at the first day that fails, so no day is skipped for good."""

    papers: list[Paper] = field(default_factory=list)
    days: list[dt.date] = field(default_factory=list)  # the mailings filled, oldest first
    requests: int = 0
    error: str | None = None


def plan_backfill(last_day: dt.date | None, today_expected: dt.date, max_days: int = 7) -> list[dt.date]:
    """The mailings after `last_day` and before `today_expected` (the one the feed serves), oldest first.

    Only the most recent `max_days` are kept: older news is rarely wanted and each day costs API requests.
    Without a last day there is nothing known to be missing.
    """
    if last_day is None or max_days <= 0:
        return []
    missed = announcement_days_between(last_day + dt.timedelta(days=1), today_expected - dt.timedelta(days=1))
    return missed[-max_days:]


def source_categories(source: Source) -> list[str]:
    """The arXiv categories a source follows: its category, or the `+`-joined list of a combined feed."""
    category = source.category or source.key.removeprefix("arxiv:")
    categories = [c for c in category.split("+") if c]
    if not categories or ":" in category:
        raise BackfillError(f"{source.name}: no arXiv category to ask the API for")
    return categories


def search_query(categories: list[str], day: dt.date) -> str:
    """The API's query for one mailing: the categories, submitted within the mailing's window.

    submittedDate takes minutes in GMT and both ends are inclusive, so the window [start, end) becomes
    [start, end - 1 minute].
    """
    start, end = submission_window(day)
    to_gmt = lambda t: t.astimezone(dt.UTC).strftime("%Y%m%d%H%M")  # noqa: E731
    cats = " OR ".join(f"cat:{c}" for c in categories)
    if len(categories) > 1:
        cats = f"({cats})"
    return f"{cats} AND submittedDate:[{to_gmt(start)} TO {to_gmt(end - dt.timedelta(minutes=1))}]"


def query_url(api: str, categories: list[str], day: dt.date, start: int, page_size: int) -> str:
    query: dict[str, str | int] = {
        "search_query": search_query(categories, day),
        "sortBy": "submittedDate",
        "sortOrder": "descending",
        "start": start,
        "max_results": page_size,
    }
    return str(URL(api).with_query(query))


def as_announced(paper: Paper, day: dt.date, categories: list[str], source: Source) -> Paper:
    """Date a paper by its mailing; the API has no announce type, so infer new or cross from its primary."""
    update: dict[str, object] = {"date": day, "day": day}
    if paper.announce_type is None:
        primary = paper.categories[0] if paper.categories else None
        update["announce_type"] = "new" if primary is None or primary in categories else "cross"
    if source.key not in paper.feeds:
        update["feeds"] = [*paper.feeds, source.key]
    return paper.model_copy(update=update)


async def backfill(
    source: Source,
    days: list[dt.date],
    fetcher: Fetcher,
    *,
    api: str = ARXIV_API,
    page_size: int = PAGE_SIZE,
    max_pages: int = MAX_PAGES,
) -> BackfillResult:
    """Fetch each missed mailing of an arXiv source from the export API, oldest first."""
    result = BackfillResult()
    categories = source_categories(source)
    for day in days:
        try:
            papers = await _fetch_day(source, categories, day, fetcher, result, api, page_size, max_pages)
        except (FetchError, FeedError, BackfillError) as exc:
            result.error = f"backfill of {day} stopped: {getattr(exc, 'reason', exc)}"
            break
        result.papers.extend(papers)
        result.days.append(day)
    return result


async def _fetch_day(
    source: Source,
    categories: list[str],
    day: dt.date,
    fetcher: Fetcher,
    result: BackfillResult,
    api: str,
    page_size: int,
    max_pages: int,
) -> list[Paper]:
    found: dict[str, Paper] = {}
    for page in range(max_pages):
        fetched = await fetcher.fetch(query_url(api, categories, day, page * page_size, page_size))
        result.requests += 1
        body = fetched.body or b""
        if error := _API_ERROR.search(body):
            raise BackfillError(f"the arXiv API refused the query: {error.group(1).decode(errors='replace')}")
        feed = await asyncio.to_thread(parse_feed, body, source)
        for paper in feed.papers:
            found.setdefault(paper.id, as_announced(paper, day, categories, source))
        if len(feed.papers) < page_size:
            break
    return list(found.values())
