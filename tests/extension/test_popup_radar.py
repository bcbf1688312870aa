"""The radar in the popup and on the toolbar, in a real Chromium with the real sidecar: the Radar tab
lists the day's matches best first with their rules as badges, the toolbar badge counts them, and "Not
interested" keeps a paper out of the radar."""

from __future__ import annotations

import asyncio

from browser_harness import ExtensionBrowser, LibraryDir, sidecar_api
from playwright.async_api import expect


async def radar_cards(library: LibraryDir) -> list[dict]:
    return (await sidecar_api(library.path, "GET", "/cards?radar=true&limit=100"))["cards"]


async def badge_text(extension: ExtensionBrowser) -> str:
    return await extension.worker_eval("chrome.action.getBadgeText({})")


async def badge_becomes(extension: ExtensionBrowser, text: str) -> None:
    for _ in range(100):
        if await badge_text(extension) == text:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the toolbar badge says {await badge_text(extension)!r}, not {text!r}")


async def test_the_radar_tab_lists_the_matches_best_first_with_their_rules(
    extension: ExtensionBrowser, library: LibraryDir, radar_rules: list[dict]
) -> None:
    expected = await radar_cards(library)
    assert len(expected) >= 3
    page = await extension.popup()
    await page.get_by_role("tab", name="Radar").click()
    await expect(page.locator("#cards > article")).to_have_count(len(expected))
    shown = await page.locator("#cards > article").evaluate_all(
        "as => as.map(a => [a.querySelector('.card-number').textContent, a.dataset.id, "
        "[...a.querySelectorAll('.radar-badge')].map(b => b.textContent)])"
    )
    assert shown == [
        [f"{n:02d}.", card["id"], list(dict.fromkeys(hit["rule"] for hit in card["radar"]))]
        for n, card in enumerate(expected, start=1)
    ]
    scores = [card["score"] for card in expected]
    assert scores == sorted(scores, reverse=True)
    first = page.locator("#card-1 .radar-badge").first
    assert "“" in (await first.get_attribute("title") or "")  # says which words, in which field
    await page.close()


async def test_the_toolbar_badge_counts_todays_radar_matches(
    extension: ExtensionBrowser, library: LibraryDir, radar_rules: list[dict]
) -> None:
    page = await extension.popup()  # opening the popup brings the count up to date
    await badge_becomes(extension, str(len(await radar_cards(library))))
    await page.close()


async def test_not_interested_keeps_a_paper_out_of_the_radar(
    extension: ExtensionBrowser, library: LibraryDir, radar_rules: list[dict]
) -> None:
    before = await radar_cards(library)
    page = await extension.popup()
    await page.get_by_role("tab", name="Radar").click()
    await expect(page.locator("#cards > article")).to_have_count(len(before))
    await page.locator("#card-1 .dismiss").click()
    await expect(page.locator("#cards > article")).to_have_count(len(before) - 1)
    numbers = await page.locator(".card-number").all_text_contents()
    assert numbers == [f"{n:02d}." for n in range(1, len(before))]
    assert before[0]["id"] not in await page.locator("#cards > article").evaluate_all(
        "as => as.map(a => a.dataset.id)"
    )
    await badge_becomes(extension, str(len(before) - 1))
    await sidecar_api(library.path, "DELETE", f"/radar/dismissals/{before[0]['id']}")  # as it was
    await page.close()
