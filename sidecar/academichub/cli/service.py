"""The long-lived service and the browser's way to it: `serve`, `token`, `demo`, and the native host's
`install-native-host` / `uninstall-native-host`."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import options
from .hub import HubError
from .options import data_dir_option, say

if TYPE_CHECKING:
    from ..service.runtime import Runtime

BROWSERS = click.Choice(["chrome", "chromium", "firefox", "brave", "edge", "all"])


def _serve(run: Coroutine[Any, Any, None]) -> None:
    """Run the service until Ctrl-C or SIGTERM; why it cannot start is a HubError."""
    from ..service.runtime import ServiceError

    try:
        asyncio.run(run)
    except ServiceError as exc:
        raise HubError(str(exc)) from None


@click.command("serve")
@click.option("--port", type=int, help="port on 127.0.0.1 (default: the config's; 0: any free one)")
@data_dir_option
@click.pass_context
def serve(ctx: click.Context, port: int | None) -> int:
    """Run the local API for the browser extension."""
    from ..service.serve import serve as serve_api

    def ready(runtime: Runtime, token: str) -> None:
        say(f"AcademicHub serving {runtime.url} (pid {runtime.pid}); stop with Ctrl-C")

    _serve(serve_api(options.paths(ctx), port, on_ready=ready))
    return 0


@click.command("token")
@data_dir_option
@click.pass_context
def token(ctx: click.Context) -> int:
    """Print the API token (created on first run)."""
    from ..service.runtime import load_or_create_token

    say(load_or_create_token(options.paths(ctx)))
    return 0


@click.command("demo")
@click.option("--port", type=int, help="port on 127.0.0.1 (default: any free one)")
@data_dir_option
@click.pass_context
def demo(ctx: click.Context, port: int | None) -> int:
    """Serve the recorded seed day, offline."""
    import shutil
    import tempfile

    from ..service.demo import OfflineFetcher, prepare_demo
    from ..service.runtime import ServiceError
    from ..service.serve import serve as serve_api

    chosen = options.data_dir(ctx)
    data_dir = chosen or Path(tempfile.mkdtemp(prefix="academichub-demo-"))

    def ready(runtime: Runtime, token: str) -> None:
        root = Path(__file__).resolve().parents[3]
        say(
            f"AcademicHub demo: the recorded seed day, offline\n"
            f"  address  {runtime.url}\n"
            f"  token    {token}\n"
            f"  data     {data_dir}\n"
            f"  try      curl -H 'Authorization: Bearer {token}' {runtime.url}cards\n"
            f"Load the extension: open chrome://extensions, turn on Developer mode, click Load unpacked "
            f"and choose {root} (the folder with manifest.json).\nStop with Ctrl-C."
        )

    try:
        try:
            paths = prepare_demo(data_dir)
        except ServiceError as exc:
            raise HubError(str(exc)) from None
        _serve(serve_api(paths, port, on_ready=ready, fetcher_factory=OfflineFetcher))
    finally:
        if chosen is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


@click.command("install-native-host")
@click.option("--browser", type=BROWSERS, default="all", show_default=True, help="which browser's manifest")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="write into this directory instead of the browser's own (e.g. <profile>/NativeMessagingHosts for a "
    "browser run with --user-data-dir)",
)
@data_dir_option
@click.pass_context
def install_native_host(ctx: click.Context, browser: str, directory: Path | None) -> int:
    """Let the browser extension start the sidecar (writes the native messaging host manifests)."""
    from ..service.native_install import InstallError, chosen_browsers, install, install_into

    chosen = options.data_dir(ctx)
    try:
        if directory:
            only = browser if browser != "all" else "chromium"
            written = [install_into(directory, only, data_dir=chosen)]
        else:
            written = install(chosen_browsers(browser), data_dir=chosen)
    except InstallError as exc:
        raise HubError(str(exc)) from None
    for files in written:
        say(f"{files.browser:9} {files.manifest}")
    say("Restart the browser (or reload the extension) so that it starts the sidecar.")
    return 0


@click.command("uninstall-native-host")
@click.option("--browser", type=BROWSERS, default="all", show_default=True, help="which browser's manifest")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), help="remove from here")
@data_dir_option
def uninstall_native_host(browser: str, directory: Path | None) -> int:
    """Remove what install-native-host wrote."""
    from ..service.native_install import InstallError, chosen_browsers, uninstall, uninstall_from

    try:
        removed = uninstall_from(directory) if directory else uninstall(chosen_browsers(browser))
    except InstallError as exc:
        raise HubError(str(exc)) from None
    for path in removed:
        say(f"removed {path}")
    if not removed:
        say("no native host was installed there")
    return 0
