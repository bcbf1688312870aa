"""arXiv's announcement calendar: which days have a listing, when it goes out, and which submissions it holds.

The schedule (https://info.arxiv.org/help/availability.html): new submissions are announced Sunday to
Thursday at 20:00 America/New_York. Each announcement is a *mailing* dated the next day, which is the date
the RSS feed carries (pubDate midnight ET), so mailings are dated Monday to Friday; there is none on
Saturday and Sunday, and none on arXiv's holidays. We speak of a mailing by that date: the "announcement
day". Submissions received before 14:00 ET on a working day go into that evening's announcement; the
Friday-to-Monday submissions all wait for Monday's evening announcement (Tuesday's mailing).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

ARXIV_TZ = ZoneInfo("America/New_York")
ANNOUNCE_TIME = dt.time(20, 0)  # the evening before the mailing's date
SUBMISSION_CUTOFF = dt.time(14, 0)  # on the working day before the mailing's date

# The RSS feed is rebuilt some hours after the announcement: recorded feeds carry lastBuildDate 04:00 UTC
# (midnight ET) on the mailing's date, one 08:58 UTC. Before this much time has passed since 20:00 ET, an
# old feed is a feed that has not been rebuilt yet, not a stale one.
RSS_LAG = dt.timedelta(hours=6)

# Mailing dates arXiv skips for its holidays, as arXiv has published them (the availability page and the
# yearly blog notice). A holiday moves that day's submissions into the next mailing. This is data: add next
# year's dates when arXiv announces them; a wrong or missing date only mislabels a source as stale for a day.
HOLIDAYS: dict[dt.date, str] = {
    dt.date(2025, 1, 1): "New Year's Day",
    dt.date(2025, 6, 19): "Juneteenth",
    dt.date(2025, 7, 4): "Independence Day",
    dt.date(2025, 11, 27): "Thanksgiving",
    dt.date(2025, 12, 25): "Christmas Day",
    dt.date(2026, 1, 1): "New Year's Day",
    dt.date(2026, 6, 19): "Juneteenth",
    dt.date(2026, 7, 3): "Independence Day (observed)",
    dt.date(2026, 11, 26): "Thanksgiving",
    dt.date(2026, 12, 25): "Christmas Day",
    dt.date(2027, 1, 1): "New Year's Day",
}

_ONE_DAY = dt.timedelta(days=1)


def is_announcement_day(d: dt.date) -> bool:
    """True when arXiv issues a mailing dated `d`: a weekday that is not one of arXiv's holidays."""
    return d.weekday() < 5 and d not in HOLIDAYS


def why_no_announcement(d: dt.date) -> str | None:
    """The reason a day has no mailing, in words for a source's health ('weekend', 'Thanksgiving')."""
    if d.weekday() >= 5:
        return "weekend"
    return HOLIDAYS.get(d)


def previous_announcement_day(d: dt.date) -> dt.date:
    """The last announcement day strictly before `d`."""
    d -= _ONE_DAY
    while not is_announcement_day(d):
        d -= _ONE_DAY
    return d


def next_announcement_day(d: dt.date) -> dt.date:
    """The first announcement day strictly after `d`."""
    d += _ONE_DAY
    while not is_announcement_day(d):
        d += _ONE_DAY
    return d


def announcement_time(d: dt.date) -> dt.datetime:
    """When the mailing dated `d` goes out: 20:00 ET the evening before."""
    return dt.datetime.combine(d - _ONE_DAY, ANNOUNCE_TIME, tzinfo=ARXIV_TZ)


def _in_arxiv_time(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None:
        raise ValueError(f"{now!r} has no time zone: arXiv's schedule needs an aware datetime")
    return now.astimezone(ARXIV_TZ)


def expected_announcement(now: dt.datetime) -> dt.date:
    """The most recent announcement day whose listing is out by `now` (an aware datetime)."""
    local = _in_arxiv_time(now)
    # After 20:00 the mailing dated tomorrow is out.
    candidate = local.date() + _ONE_DAY if local.time() >= ANNOUNCE_TIME else local.date()
    return candidate if is_announcement_day(candidate) else previous_announcement_day(candidate)


def expected_feed_date(now: dt.datetime) -> dt.date:
    """The mailing the RSS feed should show by `now`, allowing for its rebuild some hours after 20:00 ET."""
    return expected_announcement(now - RSS_LAG)


def next_announcement_time(now: dt.datetime) -> dt.datetime:
    """The next 20:00 ET announcement strictly after `now`, as an aware datetime in ET."""
    local = _in_arxiv_time(now)
    d = local.date() if is_announcement_day(local.date()) else next_announcement_day(local.date())
    while announcement_time(d) <= local:
        d = next_announcement_day(d)
    return announcement_time(d)


def announcement_days_between(a: dt.date, b: dt.date) -> list[dt.date]:
    """Every announcement day from `a` to `b`, both included, oldest first (empty when a > b)."""
    days = []
    d = a
    while d <= b:
        if is_announcement_day(d):
            days.append(d)
        d += _ONE_DAY
    return days


def submission_window(d: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The submissions announced in the mailing dated `d`, as [start, end) in ET.

    A mailing holds what arrived between the previous mailing's cutoff and 14:00 ET on the weekday before
    its date: Tuesday's holds Friday 14:00 to Monday 14:00; after a holiday the window spans both days.
    This is the new-submission (v1) window; replacements and late cross-lists are announced by other rules,
    and a paper held in moderation may appear days later, so the window is a close approximation.
    """
    if not is_announcement_day(d):
        raise ValueError(f"{d} has no arXiv mailing ({why_no_announcement(d)})")

    def cutoff(mailing: dt.date) -> dt.datetime:
        day_before = mailing - _ONE_DAY
        while day_before.weekday() >= 5:
            day_before -= _ONE_DAY
        return dt.datetime.combine(day_before, SUBMISSION_CUTOFF, tzinfo=ARXIV_TZ)

    return cutoff(previous_announcement_day(d)), cutoff(d)
