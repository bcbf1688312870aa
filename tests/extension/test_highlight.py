"""extension/content/highlight.js on its own, in the real browser: which text an entry is read as, how the
radar's spans become <mark>s (and which they never become), and how spans follow MathJax's typesetting."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from browser_harness import ROOT, ExtensionBrowser
from playwright.async_api import Page

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


async def run(page: Page, html: str, script: str) -> dict:
    """Puts `html` in a fresh #box, runs `script` (with `box` and `O` = AcademicHubOverlay), returns its
    result plus the box's marks and text after it."""
    return await page.evaluate(
        """([html, script]) => {
            document.body.replaceChildren();
            const box = document.createElement('div');
            box.id = 'box';
            box.innerHTML = html;  // the test's own markup, not feed text
            document.body.append(box);
            const before = box.textContent;
            const result = new Function('box', 'O', script)(box, globalThis.AcademicHubOverlay);
            return {result, before, after: box.textContent,
                    marks: [...box.querySelectorAll('mark.academichub-hit')].map(m => m.textContent),
                    html: box.innerHTML};
        }""",
        [html, script],
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
async def test_spans_become_marks_and_the_text_stays_the_same(
    page: Page, html: str, spans: list, marks: list[str]
) -> None:
    out = await run(page, html, f"return O.highlight(O.readText(box), {spans}, 'rule').length;")
    assert out["marks"] == marks
    assert out["after"] == out["before"]  # only elements added; every character where it was


async def test_spans_follow_mathjax_typesetting_between_reading_and_marking(page: Page) -> None:
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
    )
    assert out["marks"] == ["Caching"]
    assert '<span class="MathJax">O(1)</span>' in out["html"]


async def test_spans_are_dropped_when_the_page_rewrote_the_entry(page: Page) -> None:
    out = await run(
        page,
        "Graph neural networks",
        """const sent = O.readText(box);
           box.firstChild.data = 'Neural graph networks';
           const {reading, map} = O.rebase(sent, box);
           return O.highlight(reading, map([[0, 5]]), 'rule').length;""",
    )
    assert out["result"] == 0 and out["marks"] == []


async def test_a_shortened_abstract_gets_the_full_abstracts_marks_up_to_where_it_ends(page: Page) -> None:
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
    )
    assert out["marks"] == ["diffusion policies", "robots"]
