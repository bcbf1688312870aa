"""Timely notice, in a real Chromium against a real sidecar refreshing recorded feeds from a local server:
a refresh the reader did not start that brings new radar matches shows one notification (how many, in
which categories, the best match's title), and a click on it opens the popup on the Radar tab, or the
paper where no popup can open; a quiet or failed refresh notifies nothing and the badge and the popup say
why; a setting turns notifications off."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_harness import (
    OPTIONS,
    ExtensionBrowser,
    LibraryDir,
    make_library,
    run_cli,
    sidecar_api,
    use_host,
)
from playwright.async_api import expect

from academichub.config import load_config, save_config
from feed_server import FeedServer, body, recorded, status
from running import stop_sidecar

SEED_DAY = Path(__file__).resolve().parents[2] / "sidecar" / "academichub" / "data" / "seed-day"
FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
NOTIFICATION = "academichub.radar"
FEED = "/arxiv.xml"


@dataclass
class Watched:
    """A library that follows one feed on the local server; the radar looks for learning and diffusion."""

    library: LibraryDir
    server: FeedServer
    gate: asyncio.Event  # the first (scheduled) refresh's fetch waits for it


@pytest.fixture(scope="module")
async def watched(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Watched]:
    """The seed day's cs.AI papers stored; the one source is the seed day's cs.LG feed, served by the local
    server, never fetched yet, so the schedule refreshes it as soon as the sidecar starts."""
    recordings = tmp_path_factory.mktemp("cs.AI")
    shutil.copy(SEED_DAY / "arxiv_rss_cs.AI.xml", recordings)
    gate = asyncio.Event()
    async with FeedServer() as server:
        cs_lg = recorded(SEED_DAY / "arxiv_rss_cs.LG.xml")

        async def gated(request: Any) -> Any:
            await gate.wait()
            return await cs_lg(request)

        url = server.serve(FEED, gated)
        library = make_library(tmp_path_factory.mktemp("watched"), [recordings], sources=[url])
        config = load_config(library.paths.config_file)
        config.refresh.scheduled = True
        save_config(library.paths.config_file, config)
        run_cli(library.path, "radar", "add", "learning", "--terms", "learning", "diffusion")
        yield Watched(library, server, gate)
        gate.set()
        stop_sidecar(library.path)


async def look(browser: ExtensionBrowser) -> None:
    """The worker's periodic look, as its alarm fires it; returns when the look has been recorded."""
    before = await stored(browser, "local", "radarSeen")
    await browser.worker_eval(
        "chrome.alarms.onAlarm.dispatch({name: 'academichub.watch', scheduledTime: Date.now()})"
    )
    for _ in range(400):
        seen = await stored(browser, "local", "radarSeen")
        if seen is not None and seen != before:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the worker's look never ended")


async def stored(browser: ExtensionBrowser, area: str, key: str) -> Any:
    return await browser.worker_eval(f"chrome.storage.{area}.get('{key}').then(v => v['{key}'] ?? null)")


async def notifications(browser: ExtensionBrowser) -> list[str]:
    return list(await browser.worker_eval("chrome.notifications.getAll()"))


async def refresh_done(library: LibraryDir, previous: str | None = None) -> dict[str, Any]:
    for _ in range(400):
        progress = (await sidecar_api(library.path, "GET", "/status"))["refresh"]
        if progress["id"] not in (None, previous) and progress["state"] in ("finished", "failed"):
            return progress
        await asyncio.sleep(0.05)
    raise AssertionError("the refresh never ended")


async def resumed_refresh(browser: ExtensionBrowser, watched: Watched, handler: Any) -> dict[str, Any]:
    """Another refresh the reader did not start: the sidecar stops in the middle of one and, started again
    by the worker's next look through the native host, resumes it, fetching what `handler` serves."""
    library = watched.library
    previous = (await sidecar_api(library.path, "GET", "/status"))["refresh"]["id"]
    stop_sidecar(library.path)
    marker = {"id": "interrupted", "trigger": "schedule", "kinds": None}
    (library.paths.state / "refresh-pending.json").write_text(json.dumps(marker))
    watched.server.serve(FEED, handler)
    await look(browser)  # finds the sidecar gone, has the host start it; the refresh resumes
    progress = await refresh_done(library, previous)
    assert progress["trigger"] == "resume"
    await look(browser)
    return progress


async def radar_cards(library: LibraryDir, day: str) -> list[dict[str, Any]]:
    page = await sidecar_api(library.path, "GET", f"/cards?radar=true&day={day}&limit=100")
    assert page["total"] <= 100
    return page["cards"]


@pytest.fixture(scope="module")
async def notified(extension_without_host: ExtensionBrowser, watched: Watched) -> dict[str, Any]:
    """The scheduled refresh, looked at before and after: what the notification should say, and said."""
    browser, library = extension_without_host, watched.library
    await browser.worker_eval("chrome.storage.local.remove(['radarSeen', 'notifyRadar'])")
    await browser.worker_eval(f"chrome.notifications.clear('{NOTIFICATION}')")
    await use_host(browser, library.path)
    await look(browser)  # the host starts the sidecar; its schedule's refresh waits at the feed server
    baseline = await stored(browser, "local", "radarSeen")
    assert baseline["ids"], "the stored cs.AI papers match the radar already"
    watched.gate.set()
    progress = await refresh_done(library)
    assert progress["trigger"] == "schedule" and progress["papers_new"] > 0
    await look(browser)
    day = baseline["day"]
    added = [card for card in await radar_cards(library, day) if card["id"] not in baseline["ids"]]
    return {"added": added, "day": day, "shown": await stored(browser, "session", "radarNotice")}


async def test_new_radar_matches_after_a_scheduled_refresh_show_one_notification(
    extension_without_host: ExtensionBrowser, notified: dict[str, Any]
) -> None:
    added, shown = notified["added"], notified["shown"]
    assert added, "the cs.LG feed brings papers the radar matches"
    assert await notifications(extension_without_host) == [NOTIFICATION]
    categories = list(dict.fromkeys(card["categories"][0] for card in added))
    count = f"{len(added)} new radar {'match' if len(added) == 1 else 'matches'}"
    assert shown["title"] == f"{count} in {', '.join(categories[:4])}" + (
        f" and {len(categories) - 4} more" if len(categories) > 4 else ""
    )
    assert shown["message"] == added[0]["title"]  # the best match: the Radar tab lists it first
    # The papers stored before the refresh were matches already: they are not announced again.
    assert shown["id"] == added[0]["id"]
    # A later look, with nothing new since, announces nothing more. (The notification itself may have
    # timed out by now: headless Chromium has no notification centre to keep it in.)
    await look(extension_without_host)
    assert await stored(extension_without_host, "session", "radarNotice") == shown


async def test_clicking_the_notification_opens_the_popup_on_the_radar_tab(
    extension_without_host: ExtensionBrowser, watched: Watched, notified: dict[str, Any]
) -> None:
    browser = extension_without_host
    page = await browser.open(OPTIONS)  # a window to open the popup in; its page can see the popup's
    await page.bring_to_front()
    await browser.worker_eval(f"chrome.notifications.onClicked.dispatch('{NOTIFICATION}')")
    await page.wait_for_function("() => chrome.extension.getViews({type: 'popup'}).length === 1")
    popup = "chrome.extension.getViews({type: 'popup'})[0]"
    await page.wait_for_function(f"() => {popup}.document.querySelector('#cards[aria-busy=false] article')")
    assert await page.evaluate(f"{popup}.location.search") == f"?view=radar&day={notified['day']}"
    assert await page.evaluate(f"{popup}.document.querySelector('#tab-radar').ariaSelected") == "true"
    first = await page.evaluate(f"{popup}.document.querySelector('#cards article').dataset.id")
    assert first == (await radar_cards(watched.library, notified["day"]))[0]["id"]
    assert await notifications(browser) == []  # the click answered it
    # The toolbar's popup is the plain one again afterwards.
    plain = f"{browser.base}extension/popup/popup.html"
    assert await browser.worker_eval("chrome.action.getPopup({})") == plain
    await page.evaluate(f"{popup}.close()")
    await page.close()


async def test_where_the_popup_cannot_open_the_click_opens_the_paper(
    extension_without_host: ExtensionBrowser, notified: dict[str, Any]
) -> None:
    browser = extension_without_host
    top = notified["added"][0]
    await browser.worker_eval(
        f"chrome.storage.session.set({{radarNotice: {json.dumps({**notified['shown']})}}})"
    )
    # As in a browser whose action cannot open its popup (no focused window, or no openPopup at all).
    await browser.worker_eval(
        "globalThis.__openPopup = chrome.action.openPopup;"
        "chrome.action.openPopup = () => Promise.reject(new Error('no popup here')); null"
    )
    try:
        async with browser.context.expect_page() as opened:
            await browser.worker_eval(f"chrome.notifications.onClicked.dispatch('{NOTIFICATION}')")
        paper = await opened.value
        await expect(paper).to_have_url(top["url"])
        await paper.close()
    finally:
        await browser.worker_eval("chrome.action.openPopup = globalThis.__openPopup; null")


async def test_a_quiet_day_notifies_nothing_and_the_badge_and_popup_say_why(
    extension_without_host: ExtensionBrowser, watched: Watched, notified: dict[str, Any]
) -> None:
    browser = extension_without_host
    await browser.worker_eval(f"chrome.notifications.clear('{NOTIFICATION}')")
    weekend = (FEEDS / "GENERATED_arxiv_rss_empty_weekend.xml").read_bytes()  # arXiv announces nothing
    progress = await resumed_refresh(browser, watched, body(weekend))
    assert progress["state"] == "finished" and progress["papers_new"] == 0
    assert await notifications(browser) == []
    title = await browser.worker_eval("chrome.action.getTitle({})")
    assert title.endswith("The last refresh found no new papers (a quiet day).")
    page = await browser.popup()
    await expect(page.locator("[data-notice='quiet-day']")).to_contain_text("No announcements today")
    await page.close()


async def test_a_failed_refresh_notifies_nothing_and_the_badge_and_popup_say_why(
    extension_without_host: ExtensionBrowser, watched: Watched, notified: dict[str, Any]
) -> None:
    browser = extension_without_host
    await browser.worker_eval(f"chrome.notifications.clear('{NOTIFICATION}')")
    await resumed_refresh(browser, watched, status(410))  # gone: failed at once, not tried again
    assert await notifications(browser) == []
    title = await browser.worker_eval("chrome.action.getTitle({})")
    assert "The last refresh failed: no source could be fetched" in title
    assert await browser.worker_eval("chrome.action.getBadgeBackgroundColor({})") == [168, 50, 30, 255]
    page = await browser.popup()
    await expect(page.locator("[data-notice='failing']")).to_contain_text("could not be fetched")
    await page.close()


async def test_the_setting_turns_notifications_off(
    extension_without_host: ExtensionBrowser, watched: Watched, notified: dict[str, Any]
) -> None:
    browser = extension_without_host
    options = await browser.open(OPTIONS)
    box = options.get_by_label("Notify me when a scheduled refresh brings new radar matches")
    await expect(box).to_be_checked()
    await box.uncheck()
    await expect(options.locator("#notify-message")).to_have_text("Saved.")
    await options.close()
    before = await stored(browser, "local", "radarSeen")
    # Served without validators: the feed's last copy had the same Last-Modified, and would get a 304.
    progress = await resumed_refresh(browser, watched, body((SEED_DAY / "arxiv_rss_cs.CV.xml").read_bytes()))
    assert progress["papers_new"] > 0
    after = await stored(browser, "local", "radarSeen")
    assert set(after["ids"]) - set(before["ids"]), "new matches came, and were not announced"
    assert await notifications(browser) == []
    await browser.worker_eval("chrome.storage.local.remove('notifyRadar')")
