"""The radar on arXiv pages, in a real Chromium: recorded listing, abstract and search pages served through
request routing, rules set through the real sidecar's API, and exactly which entries are marked and which
words highlighted; the page's own matcher marks the page once it is parsed, and the sidecar's answer
replaces what differs; MathJax (the real 2.7, as arXiv runs it) keeps its output; nothing shows and nothing
breaks while the sidecar is down, and the marks come as soon as it is up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from browser_harness import ROOT, ExtensionBrowser, LibraryDir, sidecar_api, use_host
from playwright.async_api import BrowserContext, Page, Route, expect

from highlights import HIGHLIGHTED, HIGHLIGHTED_IN

PAGES = ROOT / "tests" / "fixtures" / "pages"
MATHJAX = ROOT / "node_modules" / "mathjax"
LISTING = "https://arxiv.org/list/cs.AI/new"
UNFOLLOWED = "https://arxiv.org/list/math.OC/new"  # the same recording: a category the sidecar does not store
ABSTRACT = "https://arxiv.org/abs/2606.18186"
SEARCH = "https://arxiv.org/search/?query=diffusion&searchtype=all"

# On the recorded cs.AI listing: entry -> (badge, marks in the title, marks in the abstract, marks in authors)
LISTING_MARKS = {
    "2606.20560": ("Garcia", [], [], ["Ravi Garcia"]),
    "2606.18186": (
        "diffusion policies",
        ["Diffusion Policies"],
        ["diffusion policies", "diffusion policies"],
        [],
    ),
    "2603.09555": ("caching", ["Caching"], [], []),
    "2602.06014": ("bandits", ["Thompson Sampling"], ["Thompson sampling"] * 3, []),
}


def page_with_mathjax(html: str) -> str:
    return html.replace("</head>", (PAGES / "arxiv_mathjax_head.html").read_text() + "</head>", 1)


async def mathjax_typeset(page: Page) -> None:
    """MathJax has loaded, typeset every formula, and has nothing left in its queue."""
    await page.wait_for_function(
        """() => window.MathJax?.isReady && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running
                 && document.querySelectorAll('.MathJax').length > 0
                 && !document.querySelector('.MathJax_Processing, .MathJax_Preview:not(:empty)')""",
        timeout=20_000,
    )


async def serve_arxiv(
    target: BrowserContext | Page, pages: dict[str, str], mathjax: bool = False
) -> Callable[[], Awaitable[None]]:
    """arxiv.org from recordings: each document from its file, MathJax from node_modules, the rest 404.
    Returns what takes these routes away again (and only these)."""

    async def fulfil(route: Route) -> None:
        url = route.request.url
        for prefix, name in pages.items():
            if url.startswith(prefix):
                html = (PAGES / name).read_text()
                await route.fulfill(
                    content_type="text/html", body=page_with_mathjax(html) if mathjax else html
                )
                return
        await route.fallback()  # the browser's stand-in for the rest of arxiv.org

    async def mathjax_file(route: Route) -> None:
        path = MATHJAX / route.request.url.split("/MathJax-2.7.3/", 1)[1].split("?")[0]
        if path.is_file():
            await route.fulfill(path=path)
        else:
            await route.fulfill(status=404, body="")

    await target.route("https://arxiv.org/**", fulfil)
    await target.route("https://static.arxiv.org/MathJax-2.7.3/**", mathjax_file)

    async def remove() -> None:
        await target.unroute("https://arxiv.org/**", fulfil)
        await target.unroute("https://static.arxiv.org/MathJax-2.7.3/**", mathjax_file)

    return remove


@pytest.fixture(scope="module")
async def radar(extension: ExtensionBrowser, radar_rules: list[dict]) -> AsyncIterator[list[dict]]:
    pages = {
        LISTING: "arxiv_list_cs.AI_new.html",
        ABSTRACT: "arxiv_abs_2606.18186.html",
        SEARCH: "arxiv_search_diffusion.html",
    }
    remove = await serve_arxiv(extension.context, pages)
    yield radar_rules
    await remove()


def edited_listing(insert: str, after: str, within: str) -> str:
    """The recorded cs.AI listing with `insert` put right after the first `after` that follows `within`."""
    html = (PAGES / "arxiv_list_cs.AI_new.html").read_text()
    at = html.index(after, html.index(within)) + len(after)
    return html[:at] + insert + html[at:]


async def page_serving_listing(extension: ExtensionBrowser, html: str) -> Page:
    """A new tab in which the cs.AI listing is `html` (an edit of the recording)."""
    page = await extension.context.new_page()
    await page.route(LISTING, lambda route: route.fulfill(content_type="text/html", body=html))
    return page


async def overlay_done(page: Page) -> None:
    """The page is marked, and the sidecar has had its say (its answer replaced what differed)."""
    await page.wait_for_selector("#academichub-panel[data-confirmed-at]", state="attached", timeout=15_000)


async def highlighted(page: Page, selector: str) -> list[list[str]]:
    """For each element matching `selector`, in page order, the words highlighted in it."""
    return await page.evaluate(HIGHLIGHTED_IN, selector)


async def marks_of(page: Page, entry_selector: str, parts: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    """For each entry the overlay marked: its badge and, per part of the entry, the highlighted texts."""
    return await page.evaluate(
        """([entrySelector, parts]) => {
            const highlighted = """
        + HIGHLIGHTED
        + """;
            const found = {};
            for (const marker of document.querySelectorAll('.academichub-entry')) {
                const entry = marker.closest(entrySelector) ?? marker.parentElement;
                const id = entry.dataset.arxivId ?? entry.querySelector("a[title='Abstract'], p.list-title a")
                    ?.getAttribute('href').split('/abs/')[1] ?? document.querySelector(
                    "meta[name='citation_arxiv_id']").content;
                const scope = entry.tagName === 'DT' ? entry.nextElementSibling
                    : (entry.closest('li') ?? document);
                const result = {badge: marker.querySelector('.academichub-badge')?.textContent ?? null,
                                known: Boolean(marker.querySelector('.academichub-known'))};
                for (const [name, selector] of Object.entries(parts)) {
                    const part = scope.querySelector(selector);
                    result[name] = part ? highlighted(part) : [];
                }
                found[id] = result;
            }
            return found;
        }""",
        [entry_selector, parts],
    )


async def test_a_listing_page_marks_exactly_the_entries_the_radar_matches(
    extension: ExtensionBrowser, radar: list[dict], artifacts: Path
) -> None:
    page = await extension.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(LISTING)
    await overlay_done(page)
    found = await marks_of(
        page, "dt", {"title": "div.list-title", "abstract": "p.mathjax", "authors": "div.list-authors"}
    )
    assert found == {
        arxiv_id: {"badge": badge, "known": True, "title": title, "abstract": abstract, "authors": authors}
        for arxiv_id, (badge, title, abstract, authors) in LISTING_MARKS.items()
    }
    panel = page.locator("#academichub-panel")
    await expect(panel.locator(".academichub-panel-toggle")).to_have_text("AcademicHub · 4 radar matches")
    await expect(panel.locator("li")).to_have_count(4)
    await expect(panel.locator(".academichub-panel-known")).to_have_text("4 papers already in your library")
    # Every entry shows the text the sidecar stores: all were answered from there, none was sent.
    assert await panel.evaluate("p => [p.dataset.stored, p.dataset.asked]") == ["15", "0"]
    # "Title:" and the TeX are the page's: untouched.
    assert set(map(tuple, await highlighted(page, "div.list-title .descriptor"))) == {()}
    tex = await page.locator("dd p.mathjax").evaluate_all("ps => ps.map(p => p.textContent).join(' ')")
    assert "$K$-armed" in tex and "$K \\ge 2$" in tex
    await page.screenshot(path=artifacts / "overlay-listing.png")
    # Each panel entry is a link to its paper on the page.
    last = panel.locator("li a").nth(3)
    await expect(last).to_contain_text("Optimism Stabilizes Thompson Sampling")
    await last.click()
    await expect(page.locator("dt:has(a[href='/abs/2602.06014'])")).to_be_in_viewport()
    assert errors == []
    await page.close()


async def test_an_entry_whose_text_differs_from_the_stored_paper_is_sent_and_marked_on_its_own_text(
    extension: ExtensionBrowser, radar: list[dict]
) -> None:
    # A new version of 2602.06014 on the page: one more sentence, one more "Thompson sampling".
    sentence = "\nWe revisit Thompson sampling once more.\n"
    revised = edited_listing(sentence, "<p class='mathjax'>", 'id="2602.06014"')
    page = await page_serving_listing(extension, revised)
    await page.goto(LISTING)
    await overlay_done(page)
    assert await page.locator("#academichub-panel").evaluate("p => [p.dataset.stored, p.dataset.asked]") == [
        "14",
        "1",
    ]
    found = await marks_of(page, "dt", {"title": "div.list-title", "abstract": "p.mathjax"})
    assert found["2602.06014"]["abstract"] == ["Thompson sampling"] * 4
    assert {
        arxiv_id: (m["title"], m["abstract"]) for arxiv_id, m in found.items() if arxiv_id != "2602.06014"
    } == {
        arxiv_id: (title, abstract)
        for arxiv_id, (_, title, abstract, _) in LISTING_MARKS.items()
        if arxiv_id != "2602.06014"
    }
    await page.close()


async def test_a_listing_is_marked_from_the_compiled_rules_and_the_sidecar_replaces_what_differs(
    extension: ExtensionBrowser, library: LibraryDir, radar: list[dict]
) -> None:
    # The listing of a category the sidecar does not store: every entry is matched in the page, then sent.
    # The parser stops at a script the test holds back; meanwhile (the overlay has its compiled rules) a
    # rule is added, which only the sidecar's answer knows of.
    held = edited_listing('<script src="/static/held-back.js"></script>', "</dl>", "<h3>Cross submissions")
    release = asyncio.Event()

    async def hold(route: Route) -> None:
        await release.wait()
        await route.fulfill(content_type="text/javascript", body="")

    page = await extension.context.new_page()
    await page.route(UNFOLLOWED, lambda route: route.fulfill(content_type="text/html", body=held))
    await page.route("https://arxiv.org/static/held-back.js", hold)
    await page.goto(UNFOLLOWED, wait_until="commit")
    await page.wait_for_function("document.querySelectorAll('dl#articles > dt').length > 5")
    await asyncio.sleep(1)  # the overlay asked for the rules as the page began: the answer is in
    # Nothing is read or marked while the page loads.
    assert await page.evaluate("[document.readyState, document.querySelectorAll('.academichub').length]") == [
        "loading",
        0,
    ]
    added = {"name": "policies", "terms": ["polic*"]}
    await sidecar_api(library.path, "POST", "/radar/rules", added)
    try:
        release.set()
        await overlay_done(page)
        panel = page.locator("#academichub-panel")
        stats = await panel.evaluate("p => [p.dataset.entries, p.dataset.stored, p.dataset.asked]")
        assert stats == ["15", "0", "15"]
        found = await marks_of(page, "dt", {"title": "div.list-title", "abstract": "p.mathjax"})
        # The new rule's words are marked, as the sidecar found them; the others as before. Every matched
        # paper is in the library: the sidecar says so, the page's matcher could not.
        assert found["2606.18186"]["badge"] == "diffusion policies · policies"
        abstract = found["2606.18186"]["abstract"]
        assert abstract.count("diffusion policies") == 2 and abstract.count("policies") >= 1
        assert all(mark["known"] for mark in found.values())
        replaced = int(await panel.get_attribute("data-replaced") or 0)
        assert replaced == len(found)  # each differed (the library, a new rule): each was redrawn
    finally:
        await sidecar_api(library.path, "DELETE", "/radar/rules/policies")
    await page.close()


async def test_mathjax_output_stays_intact_beside_the_highlights(
    extension: ExtensionBrowser, radar: list[dict]
) -> None:
    page = await extension.context.new_page()
    await serve_arxiv(page, {LISTING: "arxiv_list_cs.AI_new.html"}, mathjax=True)  # for this page only
    await page.goto(LISTING)
    await overlay_done(page)
    await mathjax_typeset(page)
    # Typesetting split the text the words lie in ("Portable $O(1)$ Autoregressive Caching"): each word is
    # highlighted where it is now, every entry as on the page without MathJax.
    found = await marks_of(
        page, "dt", {"title": "div.list-title", "abstract": "p.mathjax", "authors": "div.list-authors"}
    )
    assert found == {
        arxiv_id: {"badge": badge, "known": True, "title": title, "abstract": abstract, "authors": authors}
        for arxiv_id, (badge, title, abstract, authors) in LISTING_MARKS.items()
    }
    title = page.locator("div.list-title", has_text="Caching")
    tex = await title.locator("script[type='math/tex']").evaluate_all("ss => ss.map(s => s.textContent)")
    assert tex == ["O(1)"]
    await expect(title.locator(".MathJax")).to_have_count(1)
    assert set(map(tuple, await highlighted(page, ".MathJax"))) == {()}
    typeset = await page.locator("p.mathjax script[type='math/tex']").evaluate_all(
        "ss => ss.map(s => s.textContent)"
    )
    assert "K" in typeset and "K \\ge 2" in typeset  # $K$ was typeset, not split by a highlight
    assert await page.locator(".MathJax mark, mark .MathJax, [class*='merror']").count() == 0
    await page.close()


async def test_words_stay_highlighted_where_they_are_when_the_page_typesets_a_marked_entry(
    extension: ExtensionBrowser, radar: list[dict]
) -> None:
    page = await extension.context.new_page()
    await page.goto(LISTING)
    await overlay_done(page)
    # As MathJax 2 does, once the page is marked: the text node "... Portable $O(1)$ Autoregressive
    # Caching ..." is split at the formula, the TeX taken out, and the typeset output put in its place.
    await page.evaluate(
        """() => {
            const title = [...document.querySelectorAll('div.list-title')]
                .find(t => t.textContent.includes('$O(1)$'));
            const node = [...title.childNodes]
                .find(n => n.nodeType === Node.TEXT_NODE && n.data.includes('$O(1)$'));
            const rest = node.splitText(node.data.indexOf('$O(1)$'));
            rest.data = rest.data.slice('$O(1)$'.length);
            const output = document.createElement('span');
            output.className = 'MathJax';
            output.textContent = 'O(1)';
            title.insertBefore(output, rest);
        }"""
    )
    found = await marks_of(page, "dt", {"title": "div.list-title"})
    assert found["2603.09555"]["title"] == ["Caching"]
    assert {arxiv_id: m["title"] for arxiv_id, m in found.items()} == {
        arxiv_id: title for arxiv_id, (_, title, _, _) in LISTING_MARKS.items()
    }
    await page.close()


async def test_an_abstract_page_marks_its_paper(extension: ExtensionBrowser, radar: list[dict]) -> None:
    page = await extension.context.new_page()
    await page.goto(ABSTRACT)
    await overlay_done(page)
    marker = page.locator("#abs > .academichub-entry")
    await expect(marker).to_have_count(1)
    assert await marker.evaluate("m => m.nextElementSibling.matches('h1.title')")
    await expect(marker.locator(".academichub-badge")).to_have_text("diffusion policies")
    await expect(marker.locator(".academichub-known")).to_have_text("in your library")
    assert await highlighted(page, "h1.title") == [["Diffusion Policies"]]
    assert await highlighted(page, "blockquote.abstract") == [["diffusion policies"] * 2]
    # The badge tells what a highlighted word does not: the rule, and the words it matched.
    assert await marker.locator(".academichub-badge").get_attribute("title") == (
        "AcademicHub radar: diffusion policies · highlighted: Diffusion Policies, diffusion policies"
    )
    await expect(page.locator("h1.title .descriptor")).to_have_text("Title:")
    await page.close()


async def test_search_results_are_marked_across_arxivs_own_highlights(
    extension: ExtensionBrowser, radar: list[dict]
) -> None:
    page = await extension.context.new_page()
    await page.goto(SEARCH)
    await overlay_done(page)
    found = await marks_of(
        page,
        "li.arxiv-result",
        {
            "title": "p.title",
            "abstract": "span.abstract-full",
            "short": "span.abstract-short",
            "authors": "p.authors",
        },
    )
    assert found == {
        # arXiv wraps "Diffusion" in span.search-hit: the phrase is highlighted in two pieces.
        "2606.18186": {
            "badge": "diffusion policies",
            "known": True,
            "title": ["Diffusion", " Policies"],
            "abstract": ["diffusion", " policies", "diffusion", " policies"],
            "short": ["diffusion", " policies"],
            "authors": [],
        },
        "2607.01234": {
            "badge": "diffusion policies",
            "known": False,
            "title": ["Diffusion", " Policies"],
            "abstract": ["diffusion", " policies", "Diffusion", " policies"],
            "short": ["diffusion", " policies"],
            "authors": [],
        },
        "2606.20560": {
            "badge": "Garcia",
            "known": True,
            "title": [],
            "abstract": [],
            "short": [],
            "authors": ["Ravi Garcia"],
        },
    }
    tex_title = await page.locator("li.arxiv-result").nth(1).locator("p.title").text_content()
    assert "$\\mathcal{O}(\\sqrt{T})$" in (tex_title or "")
    await expect(page.locator("#academichub-panel .academichub-panel-toggle")).to_have_text(
        "AcademicHub · 3 radar matches"
    )
    await page.close()


async def test_nothing_shows_while_the_sidecar_is_down_and_marks_come_once_it_is_up(
    extension_without_host: ExtensionBrowser, library: LibraryDir, radar: list[dict]
) -> None:
    browser = extension_without_host
    await use_host(browser, None)
    page = await browser.context.new_page()
    await serve_arxiv(page, {LISTING: "arxiv_list_cs.AI_new.html"}, mathjax=True)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    await page.goto(LISTING)
    await mathjax_typeset(page)
    await asyncio.sleep(0.5)  # the overlay has asked, and heard that there is no sidecar
    assert await page.locator(".academichub").count() == 0
    assert problems == []

    # The sidecar can be reached now; the reader comes back to the tab. MathJax has typeset the page
    # already, so this time the overlay reads the entries with their formulas typeset.
    await use_host(browser, library.path)
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    await overlay_done(page)
    found = await marks_of(
        page, "dt", {"title": "div.list-title", "abstract": "p.mathjax", "authors": "div.list-authors"}
    )
    assert {arxiv_id: (m["title"], m["abstract"]) for arxiv_id, m in found.items()} == {
        arxiv_id: (title, abstract) for arxiv_id, (_, title, abstract, _) in LISTING_MARKS.items()
    }
    assert await page.locator(".MathJax mark").count() == 0
    assert set(map(tuple, await highlighted(page, ".MathJax"))) == {()}
    assert problems == []
    await use_host(browser, None)
    await page.close()
