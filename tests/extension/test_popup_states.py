"""The popup's honest states, in a real Chromium: no native host, a sidecar that cannot start, no sources,
no papers yet, a quiet day and a failing source; each says what is wrong and what to do. And the refresh
button, which fetches the sources (from a local feed server) while the popup shows its progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from browser_harness import ExtensionBrowser, LibraryDir, make_library, use_host
from playwright.async_api import expect

from academichub.ingest.health import HealthBook
from academichub.ingest.sources import parse_feed
from academichub.models import HealthState, SourceHealth
from feed_server import FeedServer, recorded
from running import stop_sidecar

SEED_DAY = Path(__file__).resolve().parents[2] / "sidecar" / "academichub" / "data" / "seed-day"


@pytest.fixture(scope="module")
def troubled_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibraryDir]:
    """The seed day, two sources followed: arXiv cs.AI had a quiet day (a Saturday), Nature fails."""
    library = make_library(tmp_path_factory.mktemp("troubled"), [SEED_DAY], sources=["arxiv:cs.AI", "nature"])
    now = dt.datetime(2026, 6, 27, 14, 0, tzinfo=dt.UTC)
    with HealthBook(library.paths.state) as book:
        book.save(
            [
                SourceHealth(
                    key="arxiv:cs.AI",
                    state=HealthState.quiet,
                    reason="no announcement on Saturday",
                    last_attempt=now,
                    last_success=now,
                ),
                SourceHealth(
                    key="nature",
                    state=HealthState.failing,
                    reason="HTTP 503 from www.nature.com",
                    last_attempt=now,
                    last_error="HTTP 503",
                ),
            ]
        )
    yield library
    stop_sidecar(library.path)


@pytest.fixture(scope="module")
async def refreshing_library(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LibraryDir]:
    """No papers yet; one source, PLOS Medicine's recorded feed, served on 127.0.0.1."""
    async with FeedServer() as server:
        url = server.serve("/plos-medicine.xml", recorded(SEED_DAY / "journal_rss1_plos_medicine.xml"))
        library = make_library(tmp_path_factory.mktemp("refreshing"), [], sources=[url])
        yield library
        stop_sidecar(library.path)


@pytest.fixture(scope="module")
def empty_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibraryDir]:
    """A first run: no sources chosen, no papers."""
    library = make_library(tmp_path_factory.mktemp("empty"), [], sources=[])
    yield library
    stop_sidecar(library.path)


async def test_without_the_native_host_the_popup_says_how_to_install_it_and_tries_again(
    extension_without_host: ExtensionBrowser, troubled_library: LibraryDir
) -> None:
    await use_host(extension_without_host, None)
    page = await extension_without_host.popup()
    notice = page.locator("[data-notice='host-missing']")
    await expect(notice).to_contain_text("academichub install-native-host")
    await expect(page.locator("#cards > article")).to_have_count(0)

    await use_host(extension_without_host, troubled_library.path)
    await notice.get_by_role("button", name="Try again").click()
    await expect(page.locator("#card-1")).to_be_visible()
    await expect(notice).to_have_count(0)
    assert page.errors == []  # type: ignore[attr-defined]
    await page.close()


async def test_a_sidecar_that_cannot_start_is_named_with_how_to_start_it(
    extension_without_host: ExtensionBrowser, tmp_path: Path
) -> None:
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("a file where the data dir should be")
    await use_host(extension_without_host, not_a_dir)
    page = await extension_without_host.popup()
    notice = page.locator("[data-notice='sidecar-down']")
    await expect(notice).to_contain_text("academichub serve")
    await expect(notice.locator(".notice-detail")).to_contain_text("could not start")
    await page.close()


async def test_a_quiet_day_and_a_failing_source_are_said(
    extension_without_host: ExtensionBrowser, troubled_library: LibraryDir
) -> None:
    await use_host(extension_without_host, troubled_library.path)
    page = await extension_without_host.popup()
    await expect(page.locator("[data-notice='quiet-day']")).to_have_text(
        "No announcements today (a weekend or a holiday). Showing the last day: Wednesday, June 24, 2026."
    )
    await expect(page.locator("[data-notice='failing']")).to_have_text(
        "Nature could not be fetched: HTTP 503 from www.nature.com"
    )
    await expect(page.locator("#card-1")).to_be_visible()  # the last day's cards, all the same
    await page.close()


async def test_with_no_sources_the_popup_offers_the_picker(
    extension_without_host: ExtensionBrowser, empty_library: LibraryDir
) -> None:
    await use_host(extension_without_host, empty_library.path)
    page = await extension_without_host.popup()
    notice = page.locator("[data-notice='no-sources']")
    await expect(notice).to_contain_text("You follow no sources yet.")
    async with extension_without_host.context.expect_page() as opened:
        await notice.get_by_role("button", name="Choose sources").click()
    options = await opened.value
    assert options.url.startswith(extension_without_host.base + "extension/options/options.html")
    await options.close()
    await page.close()


async def test_refresh_shows_its_progress_then_the_new_papers(
    extension_without_host: ExtensionBrowser, refreshing_library: LibraryDir
) -> None:
    fetched = parse_feed((SEED_DAY / "journal_rss1_plos_medicine.xml").read_bytes()).papers
    await use_host(extension_without_host, refreshing_library.path)
    page = await extension_without_host.popup()
    await expect(page.locator("[data-notice='no-papers']")).to_have_text(
        "No papers yet: refresh to fetch your sources."
    )
    await page.get_by_role("button", name="Refresh sources now").click()
    progress = page.locator("#refresh-progress")
    await expect(progress).to_contain_text(f"Up to date · {len(fetched)} new papers")
    assert await progress.locator("progress").evaluate("p => [p.value, p.max]") == [1, 1]
    await expect(page.locator("#cards > article")).to_have_count(len(fetched))
    await expect(page.locator("#card-1 .card-source")).to_have_text("PLOS Medicine")
    await expect(page.locator("[data-notice='no-papers']")).to_have_count(0)
    await expect(page.get_by_role("button", name="Refresh sources now")).to_be_enabled()
    await page.close()


@pytest.fixture(scope="module")
def offline_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibraryDir]:
    """The seed day; the sources' hosts cannot be looked up, as on a laptop without network."""
    nowhere = ["http://feeds.academichub-test.invalid/a.xml", "http://journal.academichub-test.invalid/b.xml"]
    library = make_library(tmp_path_factory.mktemp("offline"), [SEED_DAY], sources=nowhere)
    yield library
    stop_sidecar(library.path)


async def test_without_network_the_popup_says_offline_since_and_shows_the_last_day(
    extension_without_host: ExtensionBrowser, offline_library: LibraryDir
) -> None:
    await use_host(extension_without_host, offline_library.path)
    page = await extension_without_host.popup()
    await page.get_by_role("button", name="Refresh sources now").click()
    notice = page.locator("[data-notice='offline']")
    await expect(notice).to_contain_text("Offline since ")
    await expect(notice).to_contain_text("showing the last day, Wednesday, June 24, 2026.")
    await expect(page.locator("[data-notice='failing']")).to_have_count(0)  # one state, not two failures
    await expect(page.locator("#card-1")).to_be_visible()
    await page.close()
