"""extension/content/fingerprint.js on its own, in the real browser: it fingerprints an entry exactly as the
sidecar fingerprints the stored paper (so an entry that shows the stored text is known for it), and moves
spans on the stored text onto the page's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from browser_harness import ROOT, ExtensionBrowser
from playwright.async_api import Page

from academichub.radar.fingerprint import text_fingerprint

FINGERPRINT_JS = ROOT / "extension" / "content" / "fingerprint.js"


@pytest.fixture(scope="module")
async def page(extension: ExtensionBrowser) -> AsyncIterator[Page]:
    page = await extension.context.new_page()
    await page.goto("https://arxiv.org/help/fingerprint")  # a blank arXiv stand-in: no content script runs
    await page.add_script_tag(path=FINGERPRINT_JS)
    yield page
    await page.close()


async def page_fingerprint(page: Page, title: str, abstract: str, authors: list[str]) -> str:
    return await page.evaluate(
        """([title, abstract, authors]) => {
            const O = globalThis.AcademicHubOverlay;
            return O.fingerprint(O.collapsed(title), O.collapsed(abstract), authors);
        }""",
        [title, abstract, authors],
    )


@pytest.mark.parametrize(
    ("stored", "on_page"),
    [
        (("Graph nets", "Short.", ["Ana Ivanov"]), ("\nGraph nets\n", "\n  Short.\n", ["Ana Ivanov"])),
        (("Pérez–Ørsted ß", "Über 漢字 and 🧬 DNA", ["José Pérez"]), None),
        (("$O(1)$ caching for \\(K\\ge2\\)", "Lin & $a<b$ bold", []), None),
        (("Line break", "one two", ["A B"]), ("Line\nbreak", "one\u00a0\n two", ["A B"])),
        (("", "", []), None),
    ],
)
async def test_an_entry_showing_the_stored_text_has_the_stored_fingerprint(
    page: Page, stored: tuple[str, str, list[str]], on_page: tuple[str, str, list[str]] | None
) -> None:
    assert await page_fingerprint(page, *(on_page or stored)) == text_fingerprint(*stored)


@pytest.mark.parametrize(
    "on_page",
    [
        ("Graph nets", "Short!", ["Ana Ivanov"]),  # one character of the abstract
        ("Graph nets", "Short.", ["Ana Ivanova"]),  # an author
        ("Graph nets", "Short.", ["Ana Ivanov", "Li Wei"]),  # one more author
        ("Graph-nets", "Short.", ["Ana Ivanov"]),
    ],
)
async def test_any_other_text_has_another_fingerprint(page: Page, on_page: tuple[str, str, list]) -> None:
    assert await page_fingerprint(page, *on_page) != text_fingerprint("Graph nets", "Short.", ["Ana Ivanov"])


async def test_spans_on_the_collapsed_text_cover_the_same_words_on_the_page(page: Page) -> None:
    raw = "\n  Graph   neural\nnetworks  for\tURL parsing \n"
    stored = "Graph neural networks for URL parsing"
    words = ["Graph", "neural networks", "URL", stored]
    spans = [[stored.index(w), stored.index(w) + len(w)] for w in words]
    moved = await page.evaluate(
        """([raw, spans]) => {
            const O = globalThis.AcademicHubOverlay;
            return O.uncollapse(O.collapse(raw), [...spans, [0, 999]]);
        }""",
        [raw, spans],
    )
    assert [raw[start:end] for start, end in moved] == [
        "Graph",
        "neural\nnetworks",
        "URL",
        "Graph   neural\nnetworks  for\tURL parsing",
    ]  # and the span past the end is dropped
