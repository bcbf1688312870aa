"""The toolbar popup in a real Chromium, against the real sidecar the native host started: the day as
numbered cards exactly as `academichub cards --json` has them, navigation, keys, marks, both languages,
both colour schemes, and feed text that tries to be markup."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from browser_harness import SOURCE_TEXT, ExtensionBrowser, LibraryDir
from playwright.async_api import Page, expect

SEED_DAY = "2026-06-24"
HOSTILE_DAY = "2026-06-19"


async def load_every_card(page: Page) -> int:
    """Scrolls until the popup has fetched every page of cards; returns how many it shows."""
    total = None
    for _ in range(50):
        status = await page.locator("#cards-status").text_content()
        shown, total = (int(n) for n in re.findall(r"\d+", status or "0 0")[:2])
        if shown >= total:
            return await page.locator("#cards > article").count()
        await page.locator("#more").scroll_into_view_if_needed()
        await page.wait_for_function(f"() => document.querySelectorAll('#cards > article').length > {shown}")
    raise AssertionError(f"the popup never showed all {total} cards")


async def card_fields(page: Page) -> list[dict[str, object]]:
    """Each card's fields as shown; the title and abstract as their text with each typeset formula's TeX."""
    return await page.locator("#cards > article").evaluate_all(
        f"""articles => {{ const source = {SOURCE_TEXT}; return articles.map(a => ({{
            number: a.querySelector('.card-number').textContent,
            source_label: a.querySelector('.card-source').textContent,
            date: a.querySelector('.card-date').textContent,
            title: source(a.querySelector('.card-title')),
            title_link: a.querySelector('.card-title a')?.getAttribute('href') ?? null,
            authors: a.querySelector('.card-authors-names')?.textContent ?? null,
            abstract: a.querySelector('.card-abstract') ? source(a.querySelector('.card-abstract')) : null,
            pdf: a.querySelector('a.pdf')?.getAttribute('href') ?? null,
            id: a.dataset.id,
        }})) }}"""
    )


def expected_fields(card: dict) -> dict[str, object]:
    return {
        "number": f"{card['n']:02d}.",
        "source_label": card["source_label"],
        "date": card["date"],
        "title": card["title"],
        "title_link": card["url"] if card["url"].startswith(("https:", "http:")) else None,
        "authors": ", ".join(card["authors"]) if card["authors"] else None,
        "abstract": card["abstract"] or None,
        "pdf": card["pdf_url"],
        "id": card["id"],
    }


async def test_the_popup_shows_the_seed_day_exactly_as_the_cli_lists_it(
    extension: ExtensionBrowser, library: LibraryDir
) -> None:
    expected = library.cards()
    page = await extension.popup()
    assert len(expected) > 50  # more than one page of cards
    assert await load_every_card(page) == len(expected)
    assert await card_fields(page) == [expected_fields(card) for card in expected]
    assert await page.locator("#day-label").text_content() == "Wednesday, June 24, 2026"
    assert page.errors == []  # type: ignore[attr-defined]
    await page.close()


async def test_cards_are_numbered_without_gaps_and_a_card_without_authors_has_no_author_line(
    extension: ExtensionBrowser, library: LibraryDir
) -> None:
    page = await extension.popup()
    shown = await load_every_card(page)
    numbers = await page.locator(".card-number").all_text_contents()
    assert numbers == [f"{n:02d}." for n in range(1, shown + 1)] and shown == len(library.cards())
    without_authors = [card["n"] for card in library.cards() if not card["authors"]]
    assert without_authors, "the seed day has Nature items with no dc:creator"
    for n in without_authors:
        assert await page.locator(f"#card-{n} .card-authors").count() == 0
    assert "Unknown Author" not in (await page.locator("#cards").text_content() or "")
    await page.close()


async def test_previous_days_are_a_click_away(extension: ExtensionBrowser) -> None:
    page = await extension.popup()
    days = (await page.evaluate("AcademicHubProtocol.api('GET', '/days')"))["data"]["days"]
    assert days[0] == SEED_DAY and HOSTILE_DAY in days
    await expect(page.locator("#next-day")).to_be_disabled()
    await page.locator("#prev-day").click()
    await expect(page.locator("#day-label")).to_have_text(
        dt.date.fromisoformat(days[1]).strftime("%A, %B %-d, %Y")
    )
    await page.locator("#next-day").click()
    await expect(page.locator("#day-label")).to_have_text("Wednesday, June 24, 2026")
    await expect(page.locator("#next-day")).to_be_disabled()
    await page.close()


async def test_hostile_feed_text_shows_as_plain_text_and_runs_nothing(
    extension: ExtensionBrowser, library: LibraryDir
) -> None:
    expected = library.cards("--day", HOSTILE_DAY)
    # The sidecar strips tags from titles and names and drops non-web links, but keeps TeX verbatim, so the
    # markup the feed hid inside $...$ reaches the extension as it is.
    shown = " ".join(card["title"] + " " + card["abstract"] for card in expected)
    assert "<img src=x onerror=" in shown and "<script>" in shown
    dialogs: list[str] = []
    page = await extension.popup(f"day={HOSTILE_DAY}")
    page.on("dialog", lambda d: dialogs.append(d.message))
    assert await card_fields(page) == [expected_fields(card) for card in expected]
    cards = page.locator("#cards")
    for tag in ("script", "img", "iframe", "svg", "style", "b"):
        assert await cards.locator(tag).count() == 0, f"feed text became a <{tag}> element"
    hrefs = await cards.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs and all(href.startswith(("https://", "http://")) for href in hrefs)
    for article in await cards.locator("article").all():  # unfold, star: still nothing runs
        await article.locator(".card-abstract").click()
    assert await page.evaluate("window.__pwned") is None
    assert dialogs == [] and page.errors == []  # type: ignore[attr-defined]
    await page.close()


async def test_the_abstract_is_folded_and_unfolds_on_click(extension: ExtensionBrowser) -> None:
    page = await extension.popup()
    card = page.locator("#card-1")
    abstract = card.locator(".card-abstract")
    folded_height = await abstract.evaluate("e => e.getBoundingClientRect().height")
    await expect(abstract).to_have_class(re.compile(r"\bfolded\b"))
    await abstract.click()
    await expect(abstract).not_to_have_class(re.compile(r"\bfolded\b"))
    await expect(card.locator(".unfold")).to_have_attribute("aria-expanded", "true")
    assert await abstract.evaluate("e => e.getBoundingClientRect().height") > folded_height * 2
    await card.locator(".unfold").click()
    await expect(abstract).to_have_class(re.compile(r"\bfolded\b"))
    await page.close()


async def test_keys_move_open_and_search(extension: ExtensionBrowser, library: LibraryDir) -> None:
    cards = library.cards()
    page = await extension.popup()
    await page.keyboard.press("j")
    await expect(page.locator("#card-1")).to_be_focused()
    await page.keyboard.press("j")
    await page.keyboard.press("j")
    await expect(page.locator("#card-3")).to_be_focused()
    await page.keyboard.press("k")
    await expect(page.locator("#card-2")).to_be_focused()

    async with extension.context.expect_page() as opened:
        await page.keyboard.press("Enter")
    paper = await opened.value
    assert paper.url == cards[1]["url"]
    await paper.close()
    await expect(page.locator("#card-2")).to_have_class(re.compile(r"\bread\b"))

    await page.keyboard.press("/")
    await expect(page.locator("#search")).to_be_focused()
    await page.keyboard.type("quantum")
    await expect(page.locator("#cards-status")).to_contain_text("of")
    await page.wait_for_function(
        "() => [...document.querySelectorAll('#cards > article')].every(a => /quantum/i.test(a.textContent))"
    )
    shown = await page.locator(".card-number").all_text_contents()
    assert shown and shown == [f"{n:02d}." for n in range(1, len(shown) + 1)]
    await page.keyboard.press("Escape")
    await expect(page.locator("#search")).not_to_be_focused()
    await page.close()


async def test_star_and_read_state_are_remembered(extension: ExtensionBrowser) -> None:
    page = await extension.popup()
    star = page.locator("#card-4 .star")
    await star.click()
    await expect(star).to_have_attribute("aria-pressed", "true")
    await page.locator("#card-5 .card-title a").click(modifiers=["Control"])
    await expect(page.locator("#card-5")).to_have_class(re.compile(r"\bread\b"))
    await page.close()

    again = await extension.popup()
    await expect(again.locator("#card-4 .star")).to_have_attribute("aria-pressed", "true")
    await expect(again.locator("#card-5")).to_have_class(re.compile(r"\bread\b"))
    await expect(again.locator("#card-5 .read-mark")).to_have_count(1)
    await again.locator("#card-4 .star").click()  # and off again
    await expect(again.locator("#card-4 .star")).to_have_attribute("aria-pressed", "false")
    await again.close()


async def test_copy_bibtex_puts_the_papers_entry_on_the_clipboard(
    extension: ExtensionBrowser, library: LibraryDir
) -> None:
    card = library.cards()[0]
    page = await extension.popup()
    await page.locator("#card-1 .bibtex").click()
    await expect(page.locator("#card-1 .bibtex")).to_have_text("Copied")
    # Chromium grants clipboard reading to web origins only: read it back from one.
    reader = await extension.context.new_page()
    await reader.goto("https://arxiv.org/")
    await extension.context.grant_permissions(["clipboard-read"], origin="https://arxiv.org")
    copied = await reader.evaluate("navigator.clipboard.readText()")
    assert copied.lstrip().startswith("@") and card["arxiv_id"] in copied
    await reader.close()
    await page.close()


@pytest.mark.parametrize("tab", ["Nature", "arXiv", "bioRxiv"])
async def test_a_source_tab_shows_that_source_numbered_from_one(
    extension: ExtensionBrowser, library: LibraryDir, tab: str
) -> None:
    expected = library.cards("--source", tab)
    page = await extension.popup()
    await page.get_by_role("tab", name=tab, exact=True).click()
    await expect(page.get_by_role("tab", name=tab, exact=True)).to_have_attribute("aria-selected", "true")
    # The first card of a source tab may be the All tab's first too: wait for the tab's own count.
    await expect(page.locator("#cards-status")).to_have_text(re.compile(rf"\bof {len(expected)} papers"))
    await expect(page.locator("#card-1")).to_have_attribute("data-id", expected[0]["id"])
    await load_every_card(page)
    assert await card_fields(page) == [expected_fields(card) for card in expected]
    await page.close()


async def test_screen_readers_get_roles_names_and_order(
    extension: ExtensionBrowser, library: LibraryDir
) -> None:
    page = await extension.popup()
    await expect(page.locator("#cards")).to_have_attribute("role", "feed")
    await expect(page.get_by_role("tablist")).to_have_count(1)
    await expect(page.get_by_role("tab", name="All")).to_have_attribute("aria-selected", "true")
    await expect(page.get_by_role("searchbox")).to_have_accessible_name(re.compile("Search"))
    first = page.locator("#card-1")
    await expect(first).to_have_attribute("aria-posinset", "1")
    await expect(first).to_have_attribute("aria-setsize", str(len(library.cards())))
    await expect(first).to_have_accessible_name(await first.locator(".card-title").text_content() or "")
    unnamed = await page.locator("button, a, input").evaluate_all(
        "els => els.filter(e => !(e.getAttribute('aria-label') || e.textContent.trim() || e.placeholder))"
        ".length"
    )
    assert unnamed == 0
    # Tab order: the day's controls, the search box, the selected tab, then into the cards.
    order = []
    for _ in range(7):
        await page.keyboard.press("Tab")
        order.append(await page.evaluate("document.activeElement.id || document.activeElement.className"))
    assert order[:5] == ["prev-day", "refresh", "open-options", "search", "tab-all"]
    # Arrow keys move along the tabs (the ARIA tabs pattern), selecting as they go.
    await page.locator("#tab-all").focus()
    await page.keyboard.press("ArrowLeft")
    await expect(page.get_by_role("tab", name="Radar")).to_be_focused()
    await expect(page.get_by_role("tab", name="Radar")).to_have_attribute("aria-selected", "true")
    await expect(page.locator("#cards")).to_have_attribute("aria-labelledby", "tab-radar")
    await page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_the_popup_follows_the_systems_colour_scheme(
    extension: ExtensionBrowser, artifacts, scheme: str
) -> None:
    page = await extension.context.new_page()
    await page.emulate_media(color_scheme=scheme)
    await page.set_viewport_size({"width": 460, "height": 600})
    await page.goto(extension.base + "extension/popup/popup.html")
    await page.wait_for_selector("#cards[aria-busy='false']")
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(21, 24, 29)")
    await page.screenshot(path=artifacts / f"popup-{scheme}.png")
    await page.close()


async def test_the_chinese_ui_renders(extension_zh: ExtensionBrowser, artifacts) -> None:
    page = await extension_zh.popup()
    assert await page.evaluate("chrome.i18n.getUILanguage()") == "zh-CN"
    await expect(page.get_by_role("tab", name="全部")).to_have_attribute("aria-selected", "true")
    await expect(page.get_by_role("tab", name="雷达")).to_be_visible()
    await expect(page.locator("#search")).to_have_attribute("placeholder", "搜索今日论文（/）")
    await expect(page.locator("#day-label")).to_have_text("2026年6月24日星期三")
    await expect(page.locator("#card-1 .card-authors-label")).to_have_text("作者：")
    await expect(page.locator("#card-1 .bibtex")).to_have_text("复制 BibTeX")
    await page.set_viewport_size({"width": 460, "height": 600})
    await page.screenshot(path=artifacts / "popup-zh.png")
    await page.close()


def test_seed_day_is_the_latest_day(library: LibraryDir) -> None:
    days = {card["day"] for card in library.cards()}
    assert days == {SEED_DAY} and dt.date.fromisoformat(HOSTILE_DAY) < dt.date.fromisoformat(SEED_DAY)


async def test_the_briefing_stands_above_the_cards_and_cites_them_as_links(
    extension: ExtensionBrowser, library: LibraryDir
) -> None:
    page = await extension.popup()
    briefing = page.locator("#briefing")
    await expect(briefing).to_be_visible(timeout=20_000)
    await expect(briefing).to_have_attribute("aria-busy", "false", timeout=20_000)
    assert await page.evaluate(
        "document.querySelector('#briefing').compareDocumentPosition(document.querySelector('#cards')) & 4"
    )  # the briefing comes before the cards
    await expect(briefing.locator("h3")).not_to_be_empty()
    # The test library names a model file that does not exist: the briefing says so, and who wrote it.
    await expect(briefing.locator(".briefing-byline")).to_contain_text("Not written by a model")
    await expect(briefing.locator(".briefing-byline")).to_contain_text("no-such-model.gguf")
    citations = briefing.locator("a.citation")
    assert await citations.count() > 0
    cited = [int(n) for n in await citations.all_text_contents()]
    assert all(1 <= n <= len(library.cards()) for n in cited)
    # Following a citation focuses its card, in the day's whole list, loading cards until it is there.
    await page.get_by_role("tab", name="Nature", exact=True).click()
    furthest = citations.nth(cited.index(max(cited)))
    await furthest.click()
    await expect(page.locator(f"#card-{max(cited)}")).to_be_focused()
    await expect(page.get_by_role("tab", name="All")).to_have_attribute("aria-selected", "true")
    await page.close()
