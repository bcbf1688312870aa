"""Launching Chromium with the extension, and running real sidecars, for the end-to-end tests and benches."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Page, Playwright, Route, Worker

from academichub.cli import main as academichub_main
from academichub.config import Config, ModelSettings, RefreshSettings, save_config
from academichub.paths import Paths
from academichub.service.native_install import DATA_DIR_ENV, EXTENSION_ID, install_into, uninstall_from
from running import alive, sidecar_runtime, wait_for

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
POPUP = "extension/popup/popup.html"
NO_MODEL = "no-such-model.gguf"
OPTIONS = "extension/options/options.html"


# A page function: an element's text as the feed wrote it, each typeset formula replaced by its TeX source
# (the data-tex annotation extension/shared/tex.js leaves on it), as copying the element gives it.
SOURCE_TEXT = """node => {
    const copy = node.cloneNode(true);
    for (const formula of copy.querySelectorAll('[data-tex]')) formula.replaceWith(formula.dataset.tex);
    return copy.textContent;
}"""


@dataclass(frozen=True)
class LibraryDir:
    """A sidecar data dir prepared for a test, with `academichub cards --json` taken before any sidecar
    starts (a running sidecar holds the store, so the CLI cannot open it then)."""

    path: Path
    listings: dict[tuple[str, ...], list[dict[str, Any]]]

    @property
    def paths(self) -> Paths:
        return Paths.under(self.path)

    def cards(self, *args: str) -> list[dict[str, Any]]:
        """What `academichub cards --json ARGS` printed; ARGS must be among make_library's `listings`."""
        return self.listings[args]


def run_cli(data_dir: Path, *args: str) -> str:
    """`academichub --data-dir DATA_DIR ARGS`, run in this process (a Python start per call would cost a
    second each); returns what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = academichub_main(["--data-dir", str(data_dir), *args])
    if status != 0:
        raise RuntimeError(f"academichub {' '.join(args)} failed ({status}): {err.getvalue()}")
    return out.getvalue()


def make_library(
    path: Path,
    recordings: list[Path],
    sources: list[str] | None = None,
    listings: list[tuple[str, ...]] = ((),),
) -> LibraryDir:
    """A data dir with these recordings ingested; the schedule is off, so no sidecar ever goes online, and
    the model is a file that does not exist, so a briefing is the extractive one, written at once (the real
    model would take the two cores for half a minute whenever a popup opens).
    `listings` are the `cards --json` arguments whose output the tests compare with."""
    config = Config(
        refresh=RefreshSettings(on_start=False, scheduled=False),
        backfill_days=0,
        model=ModelSettings(path=str(path / NO_MODEL)),
    )
    if sources is not None:
        config.sources = sources
    save_config(Paths.under(path).config_file, config)
    for directory in recordings:
        run_cli(path, "fetch", "--from-dir", str(directory))
    return LibraryDir(path, {args: json.loads(run_cli(path, "cards", "--json", *args)) for args in listings})


def start_sidecar(data_dir: Path) -> subprocess.Popen[bytes]:
    """`academichub serve` on the data dir, run by the test itself (not through native messaging).

    The extension's next call starts a stopped sidecar too: when its sidecar wins the instance lock, ours
    leaves at once ("already running") and the extension's is the one that listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "academichub.cli", "--data-dir", str(data_dir), "serve"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def listening() -> bool:
        pid = (sidecar_runtime(data_dir) or {}).get("pid")
        return pid == process.pid or (process.poll() is not None and pid is not None and alive(pid))

    wait_for(listening, timeout=60, what="the sidecar to listen")  # a loaded machine starts Python slowly
    return process


@dataclass
class ExtensionBrowser:
    context: BrowserContext
    worker: Worker
    profile: Path

    @property
    def base(self) -> str:
        return f"chrome-extension://{EXTENSION_ID}/"

    async def open(self, path: str, wait_for: str | None = None) -> Page:
        page = await self.context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors  # type: ignore[attr-defined]
        await page.goto(self.base + path)
        if wait_for:
            await page.wait_for_selector(wait_for, state="attached")
        return page

    async def popup(self, query: str = "", wait_for: str | None = "#cards[aria-busy='false']") -> Page:
        return await self.open(POPUP + (f"?{query}" if query else ""), wait_for)

    async def worker_eval(self, expression: str) -> Any:
        return await self.worker.evaluate(expression)

    async def close(self) -> None:
        await self.context.close()


async def launch_extension(
    playwright: Playwright,
    profile: Path,
    *,
    data_dir: Path | None,
    native_host: bool,
    lang: str | None = None,
    extension: Path = ROOT,
) -> ExtensionBrowser:
    """Chromium with the extension; the native host, when wanted, is installed in the profile (with a custom
    --user-data-dir Chromium looks for hosts only there and in /etc) and finds its data dir in the
    environment the browser hands it. `extension`: another checkout's extension (a benchmark's baseline)."""
    if native_host:
        install_into(profile / "NativeMessagingHosts", "chromium", python=Path(sys.executable))
    env = {key: value for key, value in os.environ.items() if key != DATA_DIR_ENV}
    if data_dir is not None:
        env[DATA_DIR_ENV] = str(data_dir)
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--disable-extensions-except={extension}",
        f"--load-extension={extension}",
    ]
    if lang:
        args.append(f"--lang={lang}")
        env["LANGUAGE"] = lang.replace("-", "_")
        env["LANG"] = f"{lang.replace('-', '_')}.UTF-8"
    context = await playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=args,
        env=env,
        locale=lang or "en-US",
        viewport={"width": 1000, "height": 800},
    )
    # Offline: arxiv.org answers with a plain page (a paper opened from a card), tests route their own pages
    # over it, and nothing else leaves the machine.
    await context.route("https://arxiv.org/**", arxiv_stand_in)
    worker = (
        context.service_workers[0]
        if context.service_workers
        else await context.wait_for_event("serviceworker")
    )
    return ExtensionBrowser(context, worker, profile)


async def arxiv_stand_in(route: Route) -> None:
    if route.request.resource_type == "document":
        await route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>arXiv</title>")
    else:
        await route.fulfill(status=404, body="")


async def sidecar_api(data_dir: Path, method: str, path: str, body: Any = None) -> Any:
    """A call to the running sidecar's API, as any client with the token would make it."""
    import aiohttp

    runtime = sidecar_runtime(data_dir)
    assert runtime, f"no sidecar runs for {data_dir}"
    token = (Paths.under(data_dir).state / "token").read_text().strip()
    url = f"http://127.0.0.1:{runtime['port']}/api/v1{path}"
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, url, json=body, headers={"Authorization": f"Bearer {token}"}) as response,
    ):
        data = await response.json() if "json" in response.content_type else await response.text()
        if response.status >= 400:
            raise AssertionError(f"{method} {path}: {response.status} {data}")
        return data


async def use_host(browser: ExtensionBrowser, data_dir: Path | None) -> None:
    """Installs the native host for `data_dir` in the browser's profile (None: removes it), and makes the
    worker forget the sidecar it knew, as a new browser session would. Chromium reads host manifests at
    each connection, so this takes effect at once."""
    hosts = browser.profile / "NativeMessagingHosts"
    if data_dir is None:
        uninstall_from(hosts)
    else:
        install_into(hosts, "chromium", python=Path(sys.executable), data_dir=data_dir)
    await browser.worker_eval("chrome.storage.session.clear()")
