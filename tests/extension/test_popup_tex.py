"""Mathematics in the popup, in a real Chromium: titles, abstracts and the briefing show their $...$ and
\\(...\\) typeset by the vendored KaTeX, as arXiv's pages typeset them; TeX that KaTeX cannot parse shows as
its source; copying a title gives its TeX; and TeX built to run, link, style or exhaust the popup does
nothing of the kind."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_harness import SOURCE_TEXT, ExtensionBrowser, LibraryDir, make_library, use_host
from playwright.async_api import Page, expect

from running import stop_sidecar

ROOT = Path(__file__).resolve().parents[2]
TEX_FEED = ROOT / "tests" / "fixtures" / "feeds" / "HOSTILE_rss_tex_attacks.xml"
VENDOR = ROOT / "extension" / "vendor" / "katex"


@pytest.fixture(scope="module")
def tex_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibraryDir]:
    """One day of TeX attacks (tests/fixtures/feeds/HOSTILE_rss_tex_attacks.xml) and nothing else."""
    recordings = tmp_path_factory.mktemp("tex-feed")
    shutil.copy(TEX_FEED, recordings)
    library = make_library(tmp_path_factory.mktemp("tex"), [recordings])
    yield library
    stop_sidecar(library.path)


async def show_card(page: Page, n: int) -> None:
    """Scrolls the popup until card n is loaded (the first page has 20) and on screen."""
    for _ in range(20):
        if await page.locator(f"#card-{n}").count():
            break
        await page.locator("#more").scroll_into_view_if_needed()
        await page.wait_for_timeout(100)
    await page.locator(f"#card-{n}").scroll_into_view_if_needed()


async def source_of(page: Page, selector: str) -> str:
    return await page.locator(selector).evaluate(SOURCE_TEXT)


async def test_katex_ships_with_the_extension_at_the_pinned_version() -> None:
    assert (VENDOR / "katex.min.js").is_file() and (VENDOR / "katex.min.css").is_file()
    assert sorted(VENDOR.glob("fonts/*.woff2")), "the stylesheet's fonts"
    assert (VENDOR / "VERSION").read_text().startswith("katex ")


async def test_formulas_in_titles_and_abstracts_are_typeset(
    extension: ExtensionBrowser, library: LibraryDir
) -> None:
    with_tex = [card for card in library.cards() if "$" in card["title"]]
    assert with_tex, "the seed day has titles with TeX ($O(1)$, $\\mu_0$, $^2$)"
    page = await extension.popup()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    for card in with_tex:
        await show_card(page, card["n"])
        article = page.locator(f"#card-{card['n']}")
        title = article.locator(".card-title")
        await expect(title.locator(".katex").first).to_be_attached()
        # What a reader sees is KaTeX's rendering; what a screen reader reads is its MathML; the source
        # stays on the formula.
        assert await title.locator(".katex-html").count() == await title.locator(".katex-mathml").count() > 0
        assert await source_of(page, f"#card-{card['n']} .card-title") == card["title"]
        formulas = await title.locator("[data-tex]").evaluate_all("fs => fs.map(f => f.dataset.tex)")
        assert formulas and all(f[0] == f[-1] == "$" and f in card["title"] for f in formulas)
    fonts = await page.evaluate(
        "document.fonts.ready.then(set => [...set].filter(f => f.status === 'loaded').map(f => f.family))"
    )
    assert any(family.startswith("KaTeX_") for family in fonts), "KaTeX's own fonts, from the extension"
    assert all(url.startswith(("chrome-extension://", "data:")) for url in fetched), "nothing from afar"
    assert page.errors == []  # type: ignore[attr-defined]
    await page.close()


async def test_copying_a_title_gives_its_tex_source(extension: ExtensionBrowser, library: LibraryDir) -> None:
    card = next(card for card in library.cards() if "$O(1)$" in card["title"])
    page = await extension.popup()
    await show_card(page, card["n"])
    title = page.locator(f"#card-{card['n']} .card-title")
    await title.evaluate(
        """node => {
            const range = document.createRange();
            range.selectNodeContents(node);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    await page.keyboard.press("Control+C")
    # Chromium grants clipboard reading to web origins only: read it back from one.
    reader = await extension.context.new_page()
    await reader.goto("https://arxiv.org/")
    await extension.context.grant_permissions(["clipboard-read"], origin="https://arxiv.org")
    assert await reader.evaluate("navigator.clipboard.readText()") == card["title"]
    await reader.close()
    await page.close()


async def test_tex_attacks_run_nothing_and_what_cannot_be_typeset_shows_as_source(
    extension_without_host: ExtensionBrowser, tex_library: LibraryDir
) -> None:
    expected = tex_library.cards()
    await use_host(extension_without_host, tex_library.path)
    page = await extension_without_host.popup()
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    await page.evaluate(
        """() => {
            window.__longest = 0;
            new PerformanceObserver(list => {
                for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
            }).observe({type: 'longtask', buffered: true});
        }"""
    )
    cards = page.locator("#cards")
    await expect(cards.locator("article")).to_have_count(len(expected))
    for card in expected:
        for field in ("title", "abstract"):
            assert await source_of(page, f"#card-{card['n']} .card-{field}") == card[field]

    # \href, \url, \includegraphics and the \html... commands need trust, which KaTeX never gets: no link,
    # no image, no class or id or style from the feed.
    assert await cards.locator("a").evaluate_all("links => links.map(a => a.href)") == [
        card["url"] for card in expected
    ]
    assert await cards.locator("img, script, iframe, [id='pwned'], .x").count() == 0
    styles = await cards.locator("[style]").evaluate_all("nodes => nodes.map(n => n.getAttribute('style'))")
    assert not [style for style in styles if "url(" in style or "javascript" in style]
    # Too deep, too long, or not TeX at all: the source, as the feed wrote it, and not KaTeX's error.
    shown_as_source = await cards.locator(".tex-source").evaluate_all("fs => fs.map(f => f.textContent)")
    assert any(source.startswith("${{{{") for source in shown_as_source)  # groups nested 3,000 deep
    assert any(len(source) >= 50_000 for source in shown_as_source)  # the 50 KB formula
    assert {"$\\frac{a}$", "$x^$", "$\\nosuchmacro{b}$", "$\\def\\a{\\a\\a}\\a$"} <= set(shown_as_source)
    asked_for_trust = ["href", "url", "htmlClass", "htmlId", "htmlStyle", "htmlData", "includegraphics"]
    commands = [source[2 : source.find("{")] for source in shown_as_source]
    assert sorted(c for c in commands if c in asked_for_trust) == sorted(asked_for_trust)
    assert await cards.locator(".katex-error").count() == 0
    # A macro defined with \gdef in one formula does not reach the next.
    alpha = await cards.locator("[data-tex]").evaluate_all(
        "fs => fs.filter(f => f.dataset.tex === '$\\\\alpha$').map(f => f.textContent)"
    )
    assert len(alpha) == 1 and "α" in alpha[0] and "PWNED" not in alpha[0]
    # A rule the size of the screen is held to KaTeX's maxSize.
    widths = await cards.locator(".katex").evaluate_all("fs => fs.map(f => f.getBoundingClientRect().width)")
    assert max(widths) < 2_000

    # The briefing (code's: each paper's phrase, here its title's) treats the same TeX the same way.
    briefing = page.locator("#briefing")
    await expect(briefing).to_have_attribute("aria-busy", "false")
    sources = await briefing.locator(".tex-source").evaluate_all("fs => fs.map(f => f.textContent)")
    assert any(source.startswith("${{{{") for source in sources)  # the title's groups nested 3,000 deep
    links = await briefing.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(link.startswith("#card-") for link in links)  # its citations, and nothing else
    assert await briefing.locator("img, script, iframe, [id='pwned'], .x").count() == 0
    for article in await cards.locator("article").all():  # unfold and hover: still nothing runs
        await article.locator(".card-abstract").click()
        await article.locator(".card-abstract").hover()
    await expect(page.locator("#card-1 .card-abstract")).not_to_have_class("card-abstract folded")
    assert await page.evaluate("window.__pwned") is None
    assert dialogs == [] and page.errors == []  # type: ignore[attr-defined]
    # Responsive throughout: no task held the page for as long as a second.
    assert await page.evaluate("window.__longest") < 1_000
    await page.close()
