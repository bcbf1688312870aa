"""Installs the native messaging host: a manifest where each browser looks, naming the extension, and a small
launcher next to it, because a manifest's `path` must be one absolute executable with no arguments.

Where the browsers look, per user, on Linux and macOS (Windows reads the registry instead; not handled):
https://developer.chrome.com/docs/extensions/develop/concepts/native-messaging#native-messaging-host-location
https://developer.mozilla.org/en-US/docs/Mozilla/Add-ons/WebExtensions/Native_manifests#manifest_location
"""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from ..files import atomic_write

# Native host names allow only lowercase letters, digits, underscores and dots.
HOST_NAME = "org.academichub.sidecar"
# The id Chromium derives from the public `key` in manifest.json (sha256 of the DER key, first 32 hex digits
# mapped 0-f to a-p); tests/test_native_install.py checks that the two agree.
EXTENSION_ID = "llbpaieejbbmfigdahebidpaaoamdnnf"
GECKO_ID = "academichub@academichub.org"  # browser_specific_settings.gecko.id in manifest.json
LAUNCHER_NAME = "academichub-native-host"
DATA_DIR_ENV = "ACADEMICHUB_DATA_DIR"

BROWSERS = ("chrome", "chromium", "firefox", "brave", "edge")

_LINUX_DIRS = {
    "chrome": ".config/google-chrome/NativeMessagingHosts",
    "chromium": ".config/chromium/NativeMessagingHosts",
    "firefox": ".mozilla/native-messaging-hosts",
    "brave": ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts",
    "edge": ".config/microsoft-edge/NativeMessagingHosts",
}
_MAC_DIRS = {
    "chrome": "Library/Application Support/Google/Chrome/NativeMessagingHosts",
    "chromium": "Library/Application Support/Chromium/NativeMessagingHosts",
    "firefox": "Library/Application Support/Mozilla/NativeMessagingHosts",
    "brave": "Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts",
    "edge": "Library/Application Support/Microsoft Edge/NativeMessagingHosts",
}


class InstallError(RuntimeError):
    pass


@dataclass(frozen=True)
class HostFiles:
    browser: str
    manifest: Path
    launcher: Path


def host_directory(browser: str, home: Path | None = None, platform: str = sys.platform) -> Path:
    """The per-user directory where `browser` looks for host manifests."""
    if browser not in BROWSERS:
        raise InstallError(f"unknown browser {browser!r}: choose one of {', '.join(BROWSERS)}")
    if platform.startswith("win"):
        raise InstallError(
            "on Windows the browsers find native hosts through the registry; "
            "install-native-host supports Linux and macOS"
        )
    dirs = _MAC_DIRS if platform == "darwin" else _LINUX_DIRS
    return (home or Path.home()) / dirs[browser]


def host_manifest(browser: str, launcher: Path) -> dict[str, object]:
    manifest: dict[str, object] = {
        "name": HOST_NAME,
        "description": "AcademicHub: starts the local sidecar and tells the extension where it listens",
        "path": str(launcher),
        "type": "stdio",
    }
    # Firefox names extensions by their gecko id; the Chromium family by origin.
    if browser == "firefox":
        manifest["allowed_extensions"] = [GECKO_ID]
    else:
        manifest["allowed_origins"] = [f"chrome-extension://{EXTENSION_ID}/"]
    return manifest


def launcher_script(python: Path, data_dir: Path | None = None) -> str:
    lines = ["#!/bin/sh", "# Written by `academichub install-native-host`: the browser runs it."]
    if data_dir is not None:
        lines.append(f"{DATA_DIR_ENV}={shlex.quote(str(data_dir))}; export {DATA_DIR_ENV}")
    lines.append(f'exec {shlex.quote(str(python))} -m academichub.service.native_host "$@"')
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str, mode: int) -> None:
    atomic_write(path, text, mode=mode)  # a full disk leaves the old file, never a temporary one


def install_into(
    directory: Path, browser: str, python: Path | None = None, data_dir: Path | None = None
) -> HostFiles:
    """Writes the launcher and the manifest for `browser` into `directory` (created if missing)."""
    python = Path(python or sys.executable).absolute()
    directory.mkdir(parents=True, exist_ok=True)
    launcher = directory / LAUNCHER_NAME
    _write(launcher, launcher_script(python, data_dir.absolute() if data_dir else None), 0o755)
    manifest = directory / f"{HOST_NAME}.json"
    _write(manifest, json.dumps(host_manifest(browser, launcher), indent=2) + "\n", 0o644)
    return HostFiles(browser, manifest, launcher)


def install(
    browsers: list[str],
    home: Path | None = None,
    python: Path | None = None,
    data_dir: Path | None = None,
    platform: str = sys.platform,
) -> list[HostFiles]:
    return [install_into(host_directory(b, home, platform), b, python, data_dir) for b in browsers]


def uninstall(browsers: list[str], home: Path | None = None, platform: str = sys.platform) -> list[Path]:
    """Removes what install wrote; returns the files that were there."""
    return [path for browser in browsers for path in uninstall_from(host_directory(browser, home, platform))]


def chosen_browsers(choice: str) -> list[str]:
    return list(BROWSERS) if choice == "all" else [choice]


def uninstall_from(directory: Path) -> list[Path]:
    """Removes a host installed with install_into(directory, ...)."""
    removed = []
    for path in (directory / f"{HOST_NAME}.json", directory / LAUNCHER_NAME):
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed
