"""Native messaging in a real Chromium: the service worker asks the real host, which starts the real
sidecar detached; the worker keeps {port, token} and finds the sidecar again after it restarts."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from browser_harness import ExtensionBrowser, LibraryDir, start_sidecar
from playwright.async_api import expect

from running import alive, sidecar_runtime, stop_sidecar, wait_for


def running_sidecar(library: LibraryDir, other_than: int | None = None) -> dict:
    def found() -> dict | None:
        runtime = sidecar_runtime(library.path)
        if runtime and alive(runtime["pid"]) and runtime["pid"] != other_than:
            return runtime
        return None

    return wait_for(found, what="a running sidecar")


async def kept_sidecar(extension: ExtensionBrowser) -> dict | None:
    stored = await extension.worker_eval("chrome.storage.session.get('sidecar')")
    return stored.get("sidecar")


async def kept_port_becomes(extension: ExtensionBrowser, port: int) -> None:
    for _ in range(200):
        if ((await kept_sidecar(extension)) or {}).get("port") == port:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the worker never kept port {port}: {await kept_sidecar(extension)}")


async def test_starting_the_browser_starts_the_sidecar_detached(
    extension: ExtensionBrowser, library: LibraryDir
) -> None:
    runtime = running_sidecar(library)
    pid = runtime["pid"]
    # Detached: its own session, and no stdio shared with the host (whose stdout is the browser's pipe).
    assert os.getsid(pid) == pid
    for fd in (0, 1, 2):
        assert os.readlink(f"/proc/{pid}/fd/{fd}") == "/dev/null"
    assert Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[-2:] == [b"serve", b""]
    await kept_port_becomes(extension, runtime["port"])
    token = (library.paths.state / "token").read_text().strip()
    assert await kept_sidecar(extension) == {"port": runtime["port"], "token": token}


async def test_on_startup_launches_the_sidecar(extension: ExtensionBrowser, library: LibraryDir) -> None:
    before = running_sidecar(library)
    stop_sidecar(library.path)
    await extension.worker_eval("chrome.runtime.onStartup.dispatch()")
    after = running_sidecar(library, other_than=before["pid"])
    await kept_port_becomes(extension, after["port"])


async def test_the_popup_finds_a_sidecar_restarted_on_another_port(
    extension: ExtensionBrowser, library: LibraryDir
) -> None:
    before = running_sidecar(library)
    await kept_port_becomes(extension, before["port"])
    stop_sidecar(library.path)
    start_sidecar(library.path)  # by hand this time, on a new port
    after = running_sidecar(library)
    assert after["port"] != before["port"]
    page = await extension.popup()
    await expect(page.locator("#card-1")).to_be_visible()
    await kept_port_becomes(extension, after["port"])
    await page.close()


async def test_a_stopped_sidecar_is_started_again_by_the_next_call(
    extension: ExtensionBrowser, library: LibraryDir
) -> None:
    before = running_sidecar(library)
    stop_sidecar(library.path)
    page = await extension.popup()
    await expect(page.locator("#card-1")).to_be_visible()
    assert running_sidecar(library)["pid"] != before["pid"]
    assert page.errors == []  # type: ignore[attr-defined]
    await page.close()
