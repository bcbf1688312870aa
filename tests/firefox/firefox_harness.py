"""Debian's Firefox ESR with the extension, driven over Marionette, and a local HTTPS stand-in for arxiv.org,
for the Firefox end-to-end tests.

Firefox runs headless on a fresh profile with its HOME in the test's temp dir, so that it finds the native
messaging host where `academichub install-native-host --browser firefox` writes it
(~/.mozilla/native-messaging-hosts/). The extension is installed from the repository root as a temporary
add-on (unsigned, gone when Firefox quits), under a moz-extension UUID fixed by a pref so its pages have
known addresses.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import os
import socket
import ssl
import subprocess
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

with warnings.catch_warnings():  # what marionette_driver imports still uses telnetlib and distro's old API
    warnings.simplefilter("ignore", DeprecationWarning)
    from marionette_driver.addons import Addons
    from marionette_driver.errors import TimeoutException
    from marionette_driver.marionette import Marionette
    from marionette_driver.wait import Wait

from academichub.cli import main as academichub_main
from academichub.service.native_install import GECKO_ID

ROOT = Path(__file__).resolve().parents[2]
FIREFOX = "/usr/bin/firefox-esr"
EXTENSION_UUID = "5f0c8d2e-3b7a-4c1e-9d6f-a1b2c3d4e5f6"
POPUP = "extension/popup/popup.html"
ARXIV_HOST = "arxiv.org"
# The recorded pages, at their addresses on arxiv.org.
LISTING_PATH = "/list/cs.AI/new"
ABSTRACT_PATH = "/abs/2606.18186"


@dataclass(frozen=True)
class Library:
    """A data dir with the seed day and the radar's rules, and what `academichub cards --json` lists for it
    (taken before any sidecar starts: a running sidecar holds the store)."""

    path: Path
    cards: list[dict[str, Any]]


def run_cli(*args: str) -> str:
    """`academichub ARGS`, run in this process (a Python start costs a second); returns what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = academichub_main(list(args))
    if status != 0:
        raise RuntimeError(f"academichub {' '.join(args)} failed ({status}): {err.getvalue()}")
    return out.getvalue()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ArxivStandIn:
    """https://arxiv.org:<port> from recordings: Firefox resolves arxiv.org to this machine
    (network.dns.localDomains), the certificate is a throwaway self-signed one, which the Marionette
    session accepts (acceptInsecureCerts). Paths not in `pages` answer 404."""

    def __init__(self, directory: Path, pages: dict[str, Path]) -> None:
        key, cert = directory / "arxiv-key.pem", directory / "arxiv-cert.pem"
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
                *("-keyout", str(key), "-out", str(cert), "-subj", f"/CN={ARXIV_HOST}"),
                *("-addext", f"subjectAltName=DNS:{ARXIV_HOST}"),
            ],
            check=True,
            capture_output=True,
        )
        served = {path: file.read_bytes() for path, file in pages.items()}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = served.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the tests assert on what the browser shows

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"https://{ARXIV_HOST}:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class FirefoxExtension:
    """A running Firefox with the extension installed, and its Marionette session."""

    process: subprocess.Popen[bytes]
    marionette: Marionette
    addon_id: str
    log: Path

    def extension_errors(self) -> list[str]:
        """The uncaught errors the extension's scripts (pages, background, content scripts) have logged."""
        return [
            line
            for line in self.log.read_text(errors="replace").splitlines()
            if line.startswith("JavaScript error: moz-extension://")
        ]

    @property
    def base(self) -> str:
        return f"moz-extension://{EXTENSION_UUID}/"

    def open_tab(self, url: str) -> str:
        """Opens `url` in a new tab and switches to it; returns the tab's handle. Extension pages are opened
        from the browser's chrome (WebDriver may not navigate a tab to a moz-extension: address)."""
        m = self.marionette
        before = set(m.window_handles)
        with m.using_context(m.CONTEXT_CHROME):
            m.execute_script(
                "gBrowser.selectedTab = gBrowser.addTrustedTab(arguments[0]);", script_args=[url]
            )
        handle = Wait(m, timeout=10).until(lambda m: (set(m.window_handles) - before or {None}).pop())
        m.switch_to_window(handle)
        return handle

    def open_page(self, path: str) -> str:
        return self.open_tab(self.base + path)

    def close_tab(self) -> None:
        m = self.marionette
        m.close()
        m.switch_to_window(m.window_handles[0])

    def until(self, script: str, timeout: float = 20.0, what: str = "") -> Any:
        """Waits until `script` (a function body run in the current tab) returns something truthy.

        Return plain values, not elements: the overlay may redraw an element between the script's return
        and its serialisation, which Marionette reports as a stale element."""
        return Wait(self.marionette, timeout=timeout, interval=0.05).until(
            lambda m: m.execute_script(script), message=what or script
        )

    def settles_at(self, script: str, expected: Any, timeout: float = 20.0) -> Any:
        """What `script` returns once it returns `expected` (or when `timeout` ends): the overlay's first
        marks come from the page's matcher and may be redrawn once the sidecar answers."""
        seen: list[Any] = [None]

        def settled(m: Any) -> bool:
            seen[0] = m.execute_script(script)
            return bool(seen[0] == expected)

        with contextlib.suppress(TimeoutException):
            Wait(self.marionette, timeout=timeout, interval=0.05).until(settled)
        return seen[0]

    def evaluate(self, script: str, *args: Any) -> Any:
        return self.marionette.execute_script(script, script_args=list(args))

    def quit(self) -> None:
        with contextlib.suppress(Exception):
            self.marionette.delete_session()
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def launch_firefox(profile: Path, home: Path, log: Path) -> FirefoxExtension:
    """Firefox ESR, headless, on a new profile at `profile`, with HOME=`home`, and the extension installed
    as a temporary add-on."""
    profile.mkdir(parents=True, exist_ok=True)
    port = free_port()
    prefs = {
        "marionette.port": port,
        # The extension's pages at a known address (otherwise a random UUID per profile).
        "extensions.webextensions.uuids": json.dumps({GECKO_ID: EXTENSION_UUID}),
        # arxiv.org is this machine: the stand-in serves the recorded pages; nothing leaves for the real site.
        "network.dns.localDomains": ARXIV_HOST,
        # Uncaught errors and console output of every page, the extension's included, into the log.
        "devtools.console.stdout.content": True,
        "javascript.options.showInConsole": True,
    }
    (profile / "user.js").write_text(
        "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())
    )
    env = {**os.environ, "HOME": str(home), "MOZ_HEADLESS": "1"}
    with log.open("wb") as out:
        # --remote-allow-system-access: Marionette may script the browser's window (opening extension pages).
        command = [FIREFOX, "--headless", "--no-remote", "--marionette", "--remote-allow-system-access"]
        process = subprocess.Popen(
            [*command, "--profile", str(profile)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        marionette = Marionette(host="127.0.0.1", port=port, startup_timeout=60)
        marionette.start_session({"acceptInsecureCerts": True})
        addon_id = Addons(marionette).install(str(ROOT), temp=True)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return FirefoxExtension(process, marionette, addon_id, log)
