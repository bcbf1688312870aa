"""What the radar learns from, in a real Chromium with the real sidecar: a library dropped on the options
page, "pick five papers you like", and the popup's star, which the sidecar's learned radar learns from
and whose matches the Radar tab then explains ("Like your ‘Title’")."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from browser_harness import OPTIONS, ExtensionBrowser, LibraryDir, sidecar_api
from playwright.async_api import expect

QUANTUM_BIB = Path(__file__).parents[1] / "fixtures" / "library" / "quantum.bib"


@pytest.fixture
async def forgetting(library: LibraryDir) -> AsyncIterator[None]:
    """The session's sidecar is shared: whatever a test teaches it is forgotten afterwards."""
    yield
    await sidecar_api(library.path, "POST", "/radar/reset", {})
    await trained(library)


async def trained(library: LibraryDir) -> dict:
    for _ in range(200):
        state = await sidecar_api(library.path, "GET", "/radar/learned")
        if not state["training"]:
            return state
        await asyncio.sleep(0.05)
    raise AssertionError("the sidecar's training did not end")


async def test_a_dropped_library_and_five_picks_teach_the_radar(
    extension: ExtensionBrowser, library: LibraryDir, forgetting: None
) -> None:
    page = await extension.open(OPTIONS)
    await expect(page.locator("#sidecar-state")).to_contain_text("Connected to the sidecar", timeout=30_000)
    await expect(page.locator("#learning-state")).to_contain_text("Library: 0 papers")
    await expect(page.locator("#pick li")).to_have_count(5)
    await page.locator("#library-file").set_input_files(QUANTUM_BIB)
    await expect(page.locator("#learning-message")).to_have_text(
        "Read 5 entries, 5 new; the library holds 5."
    )
    await expect(page.locator("#learning-state")).to_contain_text("Library: 5 papers")
    assert len((await sidecar_api(library.path, "GET", "/library"))["entries"]) == 5

    first = page.locator("#pick li").first
    picked = await first.get_attribute("data-id")
    await first.locator("button", has_text="I like this").click()
    await expect(page.locator("#learning-message")).to_have_text("Noted: the radar learns from it.")
    await expect(page.locator(f"#pick li[data-id='{picked}']")).to_have_count(0)
    assert picked in {s["id"] for s in (await sidecar_api(library.path, "GET", "/stars"))["stars"]}
    await expect(page.locator("#learning-state")).to_contain_text("1 stars")
    await page.close()


async def test_a_star_in_the_popup_brings_explained_matches_to_the_radar_tab(
    extension: ExtensionBrowser, library: LibraryDir, forgetting: None
) -> None:
    page = await extension.popup()
    card = page.locator("#cards > article").first
    starred = await card.get_attribute("data-id")
    await card.locator(".star").click()
    await expect(card.locator(".star")).to_have_attribute("aria-pressed", "true")
    for _ in range(100):
        stars = (await sidecar_api(library.path, "GET", "/stars"))["stars"]
        if stars:
            break
        await asyncio.sleep(0.05)
    assert [s["id"] for s in stars] == [starred]
    assert (await trained(library))["trained"]

    await page.get_by_role("tab", name="Radar").click()
    why = page.locator(f"#cards > article[data-id='{starred}'] .learned-why")
    await expect(why).to_contain_text("Like your ‘")
    await card.page.close()
