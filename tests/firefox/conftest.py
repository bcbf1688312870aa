"""End-to-end fixtures for Firefox: Debian's firefox-esr, headless, driven over Marionette, with the extension
installed from the repository root as a temporary add-on, the native host installed with
`academichub install-native-host --browser firefox`, and the real sidecar it starts on the recorded seed day.

One Firefox for the whole session (starting one costs about five seconds)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from firefox_harness import (
    ABSTRACT_PATH,
    LISTING_PATH,
    ArxivStandIn,
    FirefoxExtension,
    Library,
    launch_firefox,
    run_cli,
)

from academichub.config import Config, ModelSettings, RefreshSettings, save_config
from academichub.paths import Paths
from running import stop_sidecar

ROOT = Path(__file__).resolve().parents[2]
SEED_DAY = ROOT / "sidecar" / "academichub" / "data" / "seed-day"
PAGES = ROOT / "tests" / "fixtures" / "pages"

RADAR_RULES = [
    ("bandits", "--terms", "Thompson sampling"),
    ("diffusion policies", "--terms", "diffusion polic*"),
    ("caching", "--terms", "caching"),
    ("Garcia", "--authors", "Ravi Garcia"),
]


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    path = tmp_path_factory.mktemp("firefox-library")
    # No schedule (nothing goes online) and no model (the briefing is the extractive one, written at once).
    save_config(
        Paths.under(path).config_file,
        Config(
            refresh=RefreshSettings(on_start=False, scheduled=False),
            backfill_days=0,
            model=ModelSettings(path=str(path / "no-such-model.gguf")),
        ),
    )
    run_cli("--data-dir", str(path), "fetch", "--from-dir", str(SEED_DAY))
    for name, kind, value in RADAR_RULES:
        run_cli("--data-dir", str(path), "radar", "add", name, kind, value)
    lib = Library(path, json.loads(run_cli("--data-dir", str(path), "cards", "--json")))
    yield lib
    stop_sidecar(path)


@pytest.fixture(scope="session")
def home(library: Library, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Firefox's HOME, with the native host installed there as a user would install it."""
    home = tmp_path_factory.mktemp("firefox-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        run_cli("--data-dir", str(library.path), "install-native-host", "--browser", "firefox")
    return home


@pytest.fixture(scope="session")
def arxiv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArxivStandIn]:
    pages = {
        LISTING_PATH: PAGES / "arxiv_list_cs.AI_new.html",
        ABSTRACT_PATH: PAGES / "arxiv_abs_2606.18186.html",
    }
    server = ArxivStandIn(tmp_path_factory.mktemp("arxiv"), pages)
    yield server
    server.close()


@pytest.fixture(scope="session")
def firefox(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirefoxExtension]:
    directory = tmp_path_factory.mktemp("firefox")
    browser = launch_firefox(directory / "profile", home, directory / "firefox.log")
    yield browser
    browser.quit()


@pytest.fixture(autouse=True)
def no_extension_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that used Firefox: nothing of the extension's threw."""
    yield
    if "firefox" in request.fixturenames:
        assert request.getfixturevalue("firefox").extension_errors() == []
