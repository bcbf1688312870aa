import datetime as dt

import pytest

from academichub.ingest.arxiv_calendar import (
    ARXIV_TZ,
    HOLIDAYS,
    announcement_days_between,
    expected_announcement,
    expected_feed_date,
    is_announcement_day,
    next_announcement_time,
    submission_window,
)

D = dt.date


def et(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=ARXIV_TZ)


@pytest.mark.parametrize(
    ("day", "announced"),
    [
        (D(2026, 6, 22), True),  # Monday
        (D(2026, 6, 26), True),  # Friday: Thursday evening's mailing
        (D(2026, 6, 27), False),  # Saturday
        (D(2026, 6, 28), False),  # Sunday
        (D(2026, 6, 19), False),  # Juneteenth
        (D(2026, 11, 26), False),  # Thanksgiving
        (D(2025, 12, 25), False),  # Christmas
        (D(2026, 9, 7), True),  # US Labor Day: arXiv announces as usual
    ],
)
def test_mailings_are_dated_monday_to_friday_except_holidays(day, announced):
    assert is_announcement_day(day) is announced


def test_every_listed_holiday_falls_on_a_weekday():
    assert [d for d in HOLIDAYS if d.weekday() >= 5] == []


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (et(2026, 6, 24, 10), D(2026, 6, 24)),
        (et(2026, 6, 24, 19, 59), D(2026, 6, 24)),
        (et(2026, 6, 24, 20, 0), D(2026, 6, 25)),  # Wednesday 20:00 announces Thursday's mailing
        (et(2026, 9, 25, 21), D(2026, 9, 25)),  # no announcement on Friday evening
        (et(2026, 9, 26, 12), D(2026, 9, 25)),  # Saturday
        (et(2026, 9, 27, 19), D(2026, 9, 25)),  # Sunday before the announcement
        (et(2026, 9, 27, 20, 30), D(2026, 9, 28)),  # Sunday evening announces Monday's
        (et(2026, 11, 25, 21), D(2026, 11, 25)),  # Thanksgiving's mailing is skipped
        (et(2026, 11, 26, 20, 5), D(2026, 11, 27)),
        (dt.datetime(2026, 6, 25, 0, 30, tzinfo=dt.UTC), D(2026, 6, 25)),  # 20:30 EDT
        (dt.datetime(2026, 12, 2, 0, 30, tzinfo=dt.UTC), D(2026, 12, 1)),  # 19:30 EST: not yet
        (dt.datetime(2026, 12, 2, 1, 30, tzinfo=dt.UTC), D(2026, 12, 2)),  # 20:30 EST
    ],
)
def test_the_expected_announcement_is_the_latest_one_out(now, expected):
    assert expected_announcement(now) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [(et(2026, 6, 25, 1), D(2026, 6, 24)), (et(2026, 6, 25, 3), D(2026, 6, 25))],
)
def test_the_rss_feed_is_expected_to_show_a_mailing_hours_after_it_is_announced(now, expected):
    assert expected_feed_date(now) == expected


def test_a_time_without_a_zone_is_refused():
    with pytest.raises(ValueError, match="no time zone"):
        expected_announcement(dt.datetime(2026, 6, 24, 12))


@pytest.mark.parametrize(
    ("now", "next_time"),
    [
        (et(2026, 6, 24, 19), et(2026, 6, 24, 20)),
        (et(2026, 6, 24, 20), et(2026, 6, 25, 20)),  # strictly after now
        (et(2026, 9, 25, 12), et(2026, 9, 27, 20)),  # Friday: next is Sunday evening
        (et(2026, 9, 26, 23), et(2026, 9, 27, 20)),
        (et(2026, 11, 25, 12), et(2026, 11, 26, 20)),  # no announcement the evening before Thanksgiving
        (dt.datetime(2026, 6, 24, 12, tzinfo=dt.UTC), et(2026, 6, 24, 20)),
    ],
)
def test_the_next_announcement_time_is_the_next_sunday_to_thursday_evening(now, next_time):
    found = next_announcement_time(now)
    assert found == next_time
    assert found.tzinfo == ARXIV_TZ


@pytest.mark.parametrize(
    ("a", "b", "days"),
    [
        (D(2026, 6, 18), D(2026, 6, 23), [D(2026, 6, 18), D(2026, 6, 22), D(2026, 6, 23)]),
        (D(2026, 6, 27), D(2026, 6, 28), []),
        (D(2026, 6, 24), D(2026, 6, 24), [D(2026, 6, 24)]),
        (D(2026, 6, 25), D(2026, 6, 24), []),
    ],
)
def test_announcement_days_between_includes_both_ends(a, b, days):
    assert announcement_days_between(a, b) == days


@pytest.mark.parametrize(
    ("mailing", "start", "end"),
    [
        (D(2026, 9, 24), et(2026, 9, 22, 14), et(2026, 9, 23, 14)),  # Thursday
        (D(2026, 9, 28), et(2026, 9, 24, 14), et(2026, 9, 25, 14)),  # Monday: Thursday to Friday
        (D(2026, 9, 29), et(2026, 9, 25, 14), et(2026, 9, 28, 14)),  # Tuesday: the whole weekend
        (D(2026, 11, 27), et(2026, 11, 24, 14), et(2026, 11, 26, 14)),  # after Thanksgiving: two days
    ],
)
def test_a_mailing_holds_the_submissions_up_to_14h_on_the_weekday_before(mailing, start, end):
    assert submission_window(mailing) == (start, end)


def test_a_day_without_a_mailing_has_no_submission_window():
    with pytest.raises(ValueError, match=r"2026-09-26 has no arXiv mailing \(weekend\)"):
        submission_window(D(2026, 9, 26))
