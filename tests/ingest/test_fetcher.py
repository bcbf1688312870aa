import asyncio
import datetime as dt
import gzip
import itertools
import socket

import pytest

from academichub import USER_AGENT
from academichub.ingest.fetcher import MB, Fetcher, FetchError, retry_after_seconds
from feed_server import (
    LAST_MODIFIED,
    SEED_DAY,
    FeedServer,
    body,
    etag_of,
    gzipped,
    in_turn,
    quick_fetcher,
    recorded,
    slow,
    status,
    streamed,
)

CS_AI = SEED_DAY / "arxiv_rss_cs.AI.xml"


@pytest.fixture
async def feed_server():
    async with FeedServer() as server:
        yield server


async def test_fetch_returns_the_body_and_the_validators_for_next_time(feed_server):
    url = feed_server.serve("/rss/cs.AI", recorded(CS_AI))
    async with quick_fetcher() as fetcher:
        result = await fetcher.fetch(url)
    assert result.status == 200
    assert result.body == CS_AI.read_bytes()
    assert result.etag == etag_of(CS_AI.read_bytes())
    assert result.last_modified == LAST_MODIFIED
    assert result.final_url == url
    assert result.tries == 1
    assert result.elapsed > 0


@pytest.mark.parametrize(
    "validators",
    [{"etag": etag_of(CS_AI.read_bytes())}, {"last_modified": LAST_MODIFIED}],
    ids=["If-None-Match", "If-Modified-Since"],
)
async def test_an_unchanged_feed_comes_back_as_304_with_nothing_to_parse(feed_server, validators):
    url = feed_server.serve("/rss/cs.AI", recorded(CS_AI))
    async with quick_fetcher() as fetcher:
        result = await fetcher.fetch(url, **validators)
    assert result.not_modified
    assert result.body is None


async def test_requests_name_the_product_and_accept_gzip(feed_server):
    url = feed_server.serve("/rss/cs.AI", recorded(CS_AI))
    async with quick_fetcher() as fetcher:
        await fetcher.fetch(url)
    headers = feed_server.arrivals[0].headers
    assert headers["User-Agent"] == USER_AGENT
    assert "gzip" in headers["Accept-Encoding"]


async def test_a_gzip_encoded_body_arrives_decompressed(feed_server):
    url = feed_server.serve("/rss/cs.AI", gzipped(CS_AI))
    async with quick_fetcher() as fetcher:
        result = await fetcher.fetch(url)
    assert result.body == CS_AI.read_bytes()


async def test_429_waits_as_long_as_retry_after_says_then_succeeds(feed_server):
    url = feed_server.serve("/api", in_turn(status(429, **{"Retry-After": "1"}), recorded(CS_AI)))
    async with quick_fetcher() as fetcher:
        result = await fetcher.fetch(url)
    first, second = feed_server.arrivals
    assert second.started - first.finished >= 0.95
    assert result.body == CS_AI.read_bytes()
    assert result.tries == 2


async def test_a_retry_after_beyond_the_cap_fails_at_once_and_says_how_long(feed_server):
    url = feed_server.serve("/api", status(503, **{"Retry-After": "3600"}))
    async with quick_fetcher(max_retry_after=5) as fetcher:
        with pytest.raises(FetchError, match="HTTP 503; asked to retry after 3600 s"):
            await fetcher.fetch(url)
    assert len(feed_server.arrivals) == 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Wed, 24 Jun 2026 12:02:00 GMT", 120.0),
        ("Wed, 24 Jun 2026 11:00:00 GMT", 0.0),  # a date in the past: go now
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_as_an_http_date(header, seconds):
    now = dt.datetime(2026, 6, 24, 12, 0, tzinfo=dt.UTC)
    assert retry_after_seconds(header, now) == seconds


async def test_server_errors_are_retried_with_growing_waits(feed_server):
    url = feed_server.serve("/rss", in_turn(status(500), status(502), recorded(CS_AI)))
    async with quick_fetcher(backoff=0.05) as fetcher:
        result = await fetcher.fetch(url)
    first, second, third = feed_server.arrivals
    assert second.started - first.finished >= 0.05
    assert third.started - second.finished >= 0.1
    assert result.body == CS_AI.read_bytes()
    assert result.tries == 3


async def test_a_server_error_that_persists_names_the_url_the_status_and_the_tries(feed_server):
    url = feed_server.serve("/rss", status(500))
    async with quick_fetcher() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(url)
    assert caught.value.reason == "HTTP 500 after 3 tries"
    assert str(caught.value) == f"{url}: HTTP 500 after 3 tries"
    assert len(feed_server.arrivals) == 3


async def test_a_missing_feed_is_not_retried(feed_server):
    url = feed_server.url("/rss/no-such-category")
    async with quick_fetcher() as fetcher:
        with pytest.raises(FetchError, match=r"HTTP 404 Not Found$"):
            await fetcher.fetch(url)
    assert len(feed_server.arrivals) == 1


async def test_a_server_that_hangs_times_out_without_retrying(feed_server):
    url = feed_server.serve("/rss", slow(1.0))
    async with quick_fetcher(timeout=0.2) as fetcher:
        with pytest.raises(FetchError, match=r"timed out after 0\.2 s$"):
            await fetcher.fetch(url)
    assert len(feed_server.arrivals) == 1


async def test_a_refused_connection_is_retried_then_reported():
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with quick_fetcher() as fetcher:
        with pytest.raises(FetchError, match="connection refused after 3 tries"):
            await fetcher.fetch(f"http://127.0.0.1:{port}/rss")


@pytest.mark.parametrize(
    "handler",
    [
        body(b"x" * (MB + 1)),  # Content-Length says so up front
        streamed(3 * MB),  # chunked: no length, counted as it arrives
        # Small on the wire, huge once inflated.
        body(gzip.compress(b"\0" * 3 * MB), **{"Content-Encoding": "gzip"}),
    ],
    ids=["content-length", "chunked", "gzip"],
)
async def test_a_response_over_the_size_cap_is_abandoned(feed_server, handler):
    url = feed_server.serve("/huge", handler)
    async with quick_fetcher(max_bytes=MB) as fetcher:
        with pytest.raises(FetchError, match=r"response larger than 1 MB$"):
            await fetcher.fetch(url)


async def test_one_request_at_a_time_per_host_with_a_gap_while_other_hosts_go_ahead(feed_server):
    gap = 0.15
    feed_server.serve("/rss", slow(0.05, recorded(CS_AI)))
    urls = [feed_server.url("/rss", host) for host in ("127.0.0.1", "localhost") for _ in range(3)]
    async with quick_fetcher(default_gap=gap) as fetcher:
        await asyncio.gather(*(fetcher.fetch(url) for url in urls))

    for host in ("127.0.0.1", "localhost"):
        arrivals = sorted((a for a in feed_server.arrivals if a.host == host), key=lambda a: a.started)
        assert len(arrivals) == 3
        for before, after in itertools.pairwise(arrivals):
            assert after.started >= before.finished + gap * 0.95  # never overlapping, and spaced by the gap
    first_ip, first_name = (
        min((a for a in feed_server.arrivals if a.host == h), key=lambda a: a.started)
        for h in ("127.0.0.1", "localhost")
    )
    assert first_ip.started < first_name.finished and first_name.started < first_ip.finished


def test_arxiv_hosts_get_three_seconds_between_requests_and_others_one():
    fetcher = Fetcher()
    assert [fetcher.gap_for(h) for h in ("rss.arxiv.org", "export.arxiv.org", "arxiv.org")] == [3.0] * 3
    assert fetcher.gap_for("www.nature.com") == 1.0


async def test_fetching_needs_an_open_fetcher():
    with pytest.raises(RuntimeError, match="async with Fetcher"):
        await Fetcher().fetch("http://127.0.0.1/rss")


async def test_a_non_http_url_is_refused_with_the_url_named():
    async with quick_fetcher() as fetcher:
        with pytest.raises(FetchError, match=r"^feeds/cs\.AI\.xml: not an http"):
            await fetcher.fetch("feeds/cs.AI.xml")


async def test_a_private_address_the_user_never_added_is_refused(feed_server):
    url = feed_server.serve("/rss/cs.AI", recorded(CS_AI))
    async with quick_fetcher(trusted_hosts=[]) as fetcher:
        with pytest.raises(FetchError, match=r"127\.0\.0\.1 is a private address, and only a feed you added"):
            await fetcher.fetch(url)
        fetcher.trust([url])
        assert (await fetcher.fetch(url)).status == 200


@pytest.mark.parametrize(("added", "target"), [("localhost", "127.0.0.1"), ("127.0.0.1", "localhost")])
async def test_a_redirect_to_a_private_address_is_refused(feed_server, added, target):
    # The user added a feed on one name; it redirects to the machine under another, which they never added.
    feed_server.serve("/router-admin", recorded(CS_AI))
    feed_server.serve("/moved", status(302, Location=feed_server.url("/router-admin", host=target)))
    url = feed_server.url("/moved", host=added)
    async with quick_fetcher(trusted_hosts=[]) as fetcher:
        fetcher.trust([url])
        with pytest.raises(FetchError, match=f"{target}.* private address"):
            await fetcher.fetch(url)
    assert feed_server.arrivals_at("/router-admin") == []
