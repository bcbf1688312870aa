"""extension/content/highlight.js on its own, in the real browser: which text an entry is read as, how the
radar's spans become highlights (and which they never become), both as the CSS Custom Highlight API's ranges,
which leave the page's DOM as it was, and as <mark>s where a browser lacks that API, and how spans follow
MathJax's typesetting."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from browser_harness import ROOT, ExtensionBrowser
from playwright.async_api import Page

from highlights import HIGHLIGHTED

HIGHLIGHT_JS = ROOT / "extension" / "content" / "highlight.js"


@pytest.fixture(scope="module")
async def page(extension: ExtensionBrowser) -> AsyncIterator[Page]:
    page = await extension.context.new_page()
    await page.goto(
        "https://arxiv.org/help/highlight"
    )  # a blank arXiv stand-in: no content script runs there
    await page.add_script_tag(path=HIGHLIGHT_JS)
    yield page
    await page.close()


PAINTS = ["ranges", "marks"]  # the Highlight API's ranges, and the <mark>s of browsers without it


async def run(page: Page, html: str, script: str, paint: str = "ranges") -> dict:
    """Puts `html` in a fresh #box, runs `script` (with `box` and `O` = AcademicHubOverlay) highlighting
    with `paint`, returns its result plus the box's highlighted words, text and markup after it."""
    return await page.evaluate(
        """([html, script, paint]) => {
            const highlighted = """
        + HIGHLIGHTED
        + """;
            document.body.replaceChildren();
            CSS.highlights.clear();
            const box = document.createElement('div');
            box.id = 'box';
            box.innerHTML = html;  // the test's own markup, not feed text
            document.body.append(box);
            const before = box.textContent;
            const htmlBefore = box.innerHTML;
            globalThis.AcademicHubOverlay.paint = paint;
            const result = new Function('box', 'O', script)(box, globalThis.AcademicHubOverlay);
            return {result, before, after: box.textContent, marks: highlighted(box),
                    htmlBefore, html: box.innerHTML};
        }""",
        [html, script, paint],
    )


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<span class='descriptor'>Title:</span>\nGraph nets\n", "\nGraph nets\n"),
        (
            "Bound <span class='MathJax_Preview'></span><span class='MathJax'><span>O(1)</span></span>"
            "<script type='math/tex'>O(1)</script> caching",
            "Bound  caching",
        ),
        (
            "Bound <mjx-container class='MathJax'><mjx-math>O</mjx-math></mjx-container> caching",
            "Bound  caching",
        ),
        ("A <mark class='academichub academichub-hit'>graph</mark> net", "A  net"),
        ("Lin &amp; $a&lt;b$ <b>bold</b>", "Lin & $a<b$ bold"),
    ],
    ids=["arxiv-descriptor", "mathjax-2-output", "mathjax-3-output", "own-marks", "entities-and-tags"],
)
async def test_an_entry_is_read_as_its_own_text_without_labels_or_typeset_math(
    page: Page, html: str, text: str
) -> None:
    out = await run(page, html, "return O.readText(box).text;")
    assert out["result"] == text


@pytest.mark.parametrize(
    ("html", "spans", "marks"),
    [
        ("a graph and a graph", [[2, 7], [14, 19]], ["graph", "graph"]),
        ("Diffusion <b>Poli</b>cies win", [[0, 18]], ["Diffusion ", "Poli", "cies"]),
        ("<span class='search-hit'>Diffusion</span> Policies", [[0, 18]], ["Diffusion", " Policies"]),
        ("abcdefghij", [[5, 9], [0, 3], [2, 4], [100, 120], [7, 7], ["x", 1]], ["abcd", "fghi"]),
        ("$K$-armed K bandits", [[1, 2], [10, 11]], ["K"]),
        ("so $$x = y$$ and \\(y\\) x", [[6, 7], [18, 19], [23, 24]], ["x"]),
        ("price \\$5 and $5$ x", [[8, 9], [15, 16]], ["5"]),
        ("two\nlines of text", [[0, 9]], ["two\nlines"]),
    ],
    ids=[
        "two-in-one-node",
        "across-elements",
        "across-arxiv-search-hit",
        "unsorted-overlapping-outside",
        "inside-tex-skipped",
        "display-and-paren-tex",
        "escaped-dollar-is-text",
        "across-a-line-break",
    ],
)
@pytest.mark.parametrize("paint", PAINTS)
async def test_spans_become_highlights_and_the_text_stays_the_same(
    page: Page, html: str, spans: list, marks: list[str], paint: str
) -> None:
    out = await run(page, html, f"return O.highlight(O.readText(box), {spans}, 'rule').length;", paint)
    assert out["marks"] == marks
    assert out["after"] == out["before"]  # only elements added; every character where it was
    if paint == "ranges":
        assert out["html"] == out["htmlBefore"]  # not even an element: the page's DOM as it was


@pytest.mark.parametrize("paint", PAINTS)
async def test_highlights_taken_away_leave_the_page_as_it_was(page: Page, paint: str) -> None:
    html = "<span class='search-hit'>Diffusion</span> Policies for a graph"
    out = await run(
        page,
        html,
        "O.unhighlight(O.highlight(O.readText(box), [[0, 18], [25, 30]], 'rule'));",
        paint,
    )
    assert out["marks"] == []
    assert out["html"] == out["htmlBefore"]


@pytest.mark.parametrize("paint", PAINTS)
async def test_spans_follow_mathjax_typesetting_between_reading_and_marking(page: Page, paint: str) -> None:
    out = await run(
        page,
        "<span class='descriptor'>Title:</span>\nPortable $O(1)$ Autoregressive Caching\n",
        """const sent = O.readText(box);  // what went to the radar, TeX and all
           const caching = sent.text.indexOf('Caching');
           // MathJax 2 typesets: the TeX range becomes its output, which is not read
           const node = [...box.childNodes].find(n => n.nodeType === 3 && n.data.includes('$'));
           const start = node.data.indexOf('$O(1)$');
           const rest = node.splitText(start);
           rest.data = rest.data.slice('$O(1)$'.length);
           const output = document.createElement('span');
           output.className = 'MathJax';
           output.textContent = 'O(1)';
           box.insertBefore(output, rest);
           const {reading, map} = O.rebase(sent, box);
           O.highlight(reading, map([[caching, caching + 7], [10, 11]]), 'rule');""",
        paint,
    )
    assert out["marks"] == ["Caching"]
    assert '<span class="MathJax">O(1)</span>' in out["html"]


@pytest.mark.parametrize("paint", PAINTS)
async def test_spans_are_dropped_when_the_page_rewrote_the_entry(page: Page, paint: str) -> None:
    out = await run(
        page,
        "Graph neural networks",
        """const sent = O.readText(box);
           box.firstChild.data = 'Neural graph networks';
           const {reading, map} = O.rebase(sent, box);
           return O.highlight(reading, map([[0, 5]]), 'rule').length;""",
        paint,
    )
    assert out["result"] == 0 and out["marks"] == []


@pytest.mark.parametrize("paint", PAINTS)
async def test_a_shortened_abstract_gets_the_full_abstracts_marks_up_to_where_it_ends(
    page: Page, paint: str
) -> None:
    out = await run(
        page,
        "<span id='short'>\n  We study diffusion policies for legged robots&hellip;\n"
        "  <a class='x'>More</a></span>"
        "<span id='full'>\n  We study diffusion policies for legged robots on rough terrain. "
        "Diffusion wins.\n</span>",
        """const full = O.readText(box.querySelector('#full'));
           const short = O.readText(box.querySelector('#short'), 'a.x');
           const at = full.text.indexOf('diffusion policies');
           const late = full.text.indexOf('Diffusion wins');
           const robots = full.text.indexOf('robots on');
           const spans = O.echoSpans(full, short, [[at, at + 18], [late, late + 9], [robots, robots + 9]]);
           O.highlight(short, spans, 'rule');""",
        paint,
    )
    assert out["marks"] == ["diffusion policies", "robots"]
