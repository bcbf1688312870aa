"""End-to-end fixtures: Debian's Chromium, headless, with the extension loaded from the repository root,
native messaging to the real host, and real sidecars on temporary data dirs (../shared/BROWSER_TESTING.md).

One browser per kind of profile for the whole session (launching costs a second; a sidecar two):
- `extension`: English, the native host installed in its profile, the host starting a sidecar on
  `library` (the recorded seed day, plus a hostile feed on an earlier day);
- `extension_zh`: the same sidecar, with the browser in Chinese;
- `extension_without_host`: no native host at all, as before `academichub install-native-host`.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="the browser tests need Playwright (pip install -e '.[test]')")

from browser_harness import (
    CHROMIUM,
    ExtensionBrowser,
    LibraryDir,
    launch_extension,
    make_library,
    sidecar_api,
)
from playwright.async_api import Playwright, async_playwright

from running import stop_sidecar

if not Path(CHROMIUM).exists():
    pytest.skip(f"the browser tests need Debian's Chromium at {CHROMIUM}", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SEED_DAY = ROOT / "sidecar" / "academichub" / "data" / "seed-day"
HOSTILE_FEED = ROOT / "tests" / "fixtures" / "feeds" / "HOSTILE_rss_markup_in_every_field.xml"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots kept for a person to look at (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibraryDir]:
    """A data dir with the seed day (2026-06-24) and the hostile feed (2026-06-19), no sidecar running yet."""
    hostile = tmp_path_factory.mktemp("hostile-feed")
    shutil.copy(HOSTILE_FEED, hostile)
    listings = [(), ("--day", "2026-06-19"), *(("--source", s) for s in ("Nature", "arXiv", "bioRxiv"))]
    lib = make_library(tmp_path_factory.mktemp("library"), recordings=[SEED_DAY, hostile], listings=listings)
    yield lib
    stop_sidecar(lib.path)


@pytest.fixture(scope="session")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as p:
        yield p


@pytest.fixture(scope="session")
async def extension(
    playwright: Playwright, library: LibraryDir, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ExtensionBrowser]:
    browser = await launch_extension(
        playwright, tmp_path_factory.mktemp("profile-en"), data_dir=library.path, native_host=True
    )
    yield browser
    await browser.close()


@pytest.fixture(scope="session")
async def extension_zh(
    playwright: Playwright,
    library: LibraryDir,
    extension: ExtensionBrowser,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[ExtensionBrowser]:
    # After `extension`: its sidecar is up, so this browser's host finds it rather than racing to start one.
    browser = await launch_extension(
        playwright,
        tmp_path_factory.mktemp("profile-zh"),
        data_dir=library.path,
        native_host=True,
        lang="zh-CN",
    )
    yield browser
    await browser.close()


@pytest.fixture(scope="session")
async def extension_without_host(
    playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ExtensionBrowser]:
    browser = await launch_extension(
        playwright, tmp_path_factory.mktemp("profile-nohost"), data_dir=None, native_host=False
    )
    yield browser
    await browser.close()


RADAR_RULES = [
    # "K" is also inside $K$ and $K \ge 2$ on the cs.AI listing: TeX the overlay must leave whole.
    {"name": "bandits", "terms": ["Thompson sampling", "K"]},
    {"name": "diffusion policies", "terms": ["diffusion polic*"]},
    {"name": "caching", "terms": ["caching"]},  # beside $O(1)$ in a title
    {"name": "Garcia", "authors": ["Ravi Garcia"]},
]


@pytest.fixture(scope="session")
async def radar_rules(extension: ExtensionBrowser, library: LibraryDir) -> list[dict]:
    """The radar's rules, set through the real API of the sidecar the extension started."""
    page = await extension.popup()  # makes sure the sidecar runs (the host starts it if need be)
    await page.close()
    for rule in (await sidecar_api(library.path, "GET", "/radar/rules"))["rules"]:
        await sidecar_api(library.path, "DELETE", f"/radar/rules/{rule['name']}")
    for rule in RADAR_RULES:
        await sidecar_api(library.path, "POST", "/radar/rules", rule)
    return RADAR_RULES
