"""The extension in a real Firefox (Debian's ESR): the popup shows the seed day's numbered cards from the
sidecar the native host started, the arXiv overlay marks the radar's matches on a recorded listing and
abstract page, and without a native host the popup says how to install one, then recovers once it is
installed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from firefox_harness import (
    ABSTRACT_PATH,
    FIREFOX,
    LISTING_PATH,
    POPUP,
    ArxivStandIn,
    FirefoxExtension,
    Library,
    run_cli,
)

from highlights import HIGHLIGHTED
from running import running_sidecar, stop_sidecar, wait_for

pytestmark = pytest.mark.skipif(
    not Path(FIREFOX).exists(), reason=f"the Firefox tests need Debian's firefox-esr at {FIREFOX}"
)

CARDS_READY = "return document.querySelector('#cards')?.getAttribute('aria-busy') === 'false'"

# On the recorded cs.AI listing, with the radar's rules (conftest.RADAR_RULES): entry -> (badge, title marks)
LISTING_MARKS = {
    "2606.20560": ("Garcia", []),
    "2606.18186": ("diffusion policies", ["Diffusion Policies"]),
    "2603.09555": ("caching", ["Caching"]),
    "2602.06014": ("bandits", ["Thompson Sampling"]),
}


def shown_cards(firefox: FirefoxExtension) -> list[dict[str, str]]:
    """Scrolls the popup until it has fetched every page of cards; returns each card's number, id, title (its
    text with each typeset formula's TeX source, from the formula's data-tex)."""
    for _ in range(50):
        shown, total = firefox.evaluate(
            """const articles = document.querySelectorAll('#cards > article').length;
               const numbers = (document.querySelector('#cards-status')?.textContent ?? '').match(/\\d+/g);
               return [articles, numbers ? Number(numbers[1] ?? numbers[0]) : articles];"""
        )
        if shown >= total:
            break
        firefox.evaluate("document.querySelector('#more')?.scrollIntoView()")
        firefox.until(f"return document.querySelectorAll('#cards > article').length > {shown}")
    return firefox.evaluate(
        """const source = node => {
               const copy = node.cloneNode(true);
               for (const f of copy.querySelectorAll('[data-tex]')) f.replaceWith(f.dataset.tex);
               return copy.textContent;
           };
           return [...document.querySelectorAll('#cards > article')].map(a => ({
               number: a.querySelector('.card-number').textContent,
               id: a.dataset.id,
               title: source(a.querySelector('.card-title'))}));"""
    )


def test_the_popup_shows_the_seed_day_from_the_sidecar_the_native_host_started(
    firefox: FirefoxExtension, library: Library
) -> None:
    firefox.open_page(POPUP)
    firefox.until(CARDS_READY, timeout=60, what="the popup's cards (the host starts the sidecar)")
    expected = [
        {"number": f"{card['n']:02d}.", "id": card["id"], "title": card["title"]} for card in library.cards
    ]
    assert len(expected) > 50  # more than one page of cards
    assert shown_cards(firefox) == expected
    assert (
        firefox.evaluate("return document.querySelector('#day-label').textContent")
        == "Wednesday, June 24, 2026"
    )
    # The sidecar is the one Firefox's native host started: detached, in its own session.
    runtime = running_sidecar(library.path)
    assert runtime is not None and os.getsid(runtime["pid"]) == runtime["pid"]
    firefox.close_tab()


def test_the_overlay_marks_the_radar_matches_on_an_arxiv_listing(
    firefox: FirefoxExtension, arxiv: ArxivStandIn
) -> None:
    firefox.open_tab(arxiv.url(LISTING_PATH))
    firefox.until("return !!document.getElementById('academichub-panel')", what="the overlay's panel")
    found = firefox.evaluate(
        "const highlighted = "
        + HIGHLIGHTED
        + """;
           const found = {};
           for (const marker of document.querySelectorAll('.academichub-entry')) {
               const dt = marker.closest('dt');
               const id = dt.querySelector("a[title='Abstract']").getAttribute('href').split('/abs/')[1];
               found[id] = [marker.querySelector('.academichub-badge')?.textContent ?? null,
                            highlighted(dt.nextElementSibling.querySelector('div.list-title'))];
           }
           return found;"""
    )
    assert found == {arxiv_id: [badge, title] for arxiv_id, (badge, title) in LISTING_MARKS.items()}
    toggle = firefox.evaluate(
        "return document.querySelector('#academichub-panel .academichub-panel-toggle').textContent"
    )
    assert toggle == "AcademicHub · 4 radar matches"
    firefox.close_tab()


def test_the_overlay_marks_the_paper_on_its_abstract_page(
    firefox: FirefoxExtension, arxiv: ArxivStandIn
) -> None:
    firefox.open_tab(arxiv.url(ABSTRACT_PATH))
    firefox.until("return !!document.querySelector('#abs > .academichub-entry')", what="the overlay's mark")
    marks = (
        "const highlighted = "
        + HIGHLIGHTED
        + """;
           const marker = document.querySelector('#abs > .academichub-entry');
           return [marker?.querySelector('.academichub-badge')?.textContent,
                   highlighted(document.querySelector('h1.title')),
                   highlighted(document.querySelector('blockquote.abstract'))];"""
    )
    expected = ["diffusion policies", ["Diffusion Policies"], ["diffusion policies"] * 2]
    assert firefox.settles_at(marks, expected) == expected
    firefox.close_tab()


def test_without_a_native_host_the_popup_says_how_to_install_it_and_recovers_once_installed(
    firefox: FirefoxExtension, library: Library, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(home))  # where `academichub install-native-host` writes Firefox's host
    stop_sidecar(library.path)
    run_cli("--data-dir", str(library.path), "uninstall-native-host", "--browser", "firefox")
    try:
        firefox.open_page(POPUP)
        notice = "document.querySelector(\"[data-notice='host-missing']\")"
        firefox.until(f"return !!{notice}", what="the notice that the host is missing")
        assert firefox.evaluate(f"return {notice}.querySelector('code').textContent") == (
            "academichub install-native-host"
        )
    finally:
        run_cli("--data-dir", str(library.path), "install-native-host", "--browser", "firefox")
    firefox.evaluate(f"{notice}.querySelector('button.retry').click()")
    firefox.until(
        "return document.querySelectorAll('#cards > article').length > 0",
        timeout=60,
        what="the cards after trying again (the host starts the sidecar)",
    )
    assert wait_for(lambda: running_sidecar(library.path), what="the sidecar the host started again")
    firefox.close_tab()
