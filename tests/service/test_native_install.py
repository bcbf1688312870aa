"""`academichub install-native-host` / `uninstall-native-host`: a host manifest where each browser looks,
naming the extension, with a launcher the browser can run."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from academichub.cli import main
from academichub.service.native_install import (
    BROWSERS,
    EXTENSION_ID,
    GECKO_ID,
    HOST_NAME,
    InstallError,
    host_directory,
    install,
    install_into,
    uninstall,
)

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "manifest.json").read_text())

LINUX = {
    "chrome": ".config/google-chrome/NativeMessagingHosts",
    "chromium": ".config/chromium/NativeMessagingHosts",
    "firefox": ".mozilla/native-messaging-hosts",
    "brave": ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts",
    "edge": ".config/microsoft-edge/NativeMessagingHosts",
}


def test_the_extension_id_is_the_one_the_manifests_key_gives() -> None:
    # Chromium: sha256 of the DER public key, first 32 hex digits, 0-f mapped to a-p.
    digest = hashlib.sha256(base64.b64decode(MANIFEST["key"])).hexdigest()[:32]
    assert "".join(chr(ord("a") + int(c, 16)) for c in digest) == EXTENSION_ID
    assert MANIFEST["browser_specific_settings"]["gecko"]["id"] == GECKO_ID


@pytest.mark.parametrize("browser", BROWSERS)
def test_each_browser_gets_a_manifest_where_it_looks(tmp_path: Path, browser: str) -> None:
    (files,) = install([browser], home=tmp_path, platform="linux")
    assert files.manifest == tmp_path / LINUX[browser] / f"{HOST_NAME}.json"
    manifest = json.loads(files.manifest.read_text())
    assert manifest["name"] == HOST_NAME and manifest["type"] == "stdio"
    assert manifest["path"] == str(files.launcher) and Path(manifest["path"]).is_absolute()
    assert os.access(files.launcher, os.X_OK)
    if browser == "firefox":  # Firefox names extensions by their gecko id, the others by origin
        assert manifest["allowed_extensions"] == [GECKO_ID] and "allowed_origins" not in manifest
    else:
        assert manifest["allowed_origins"] == [f"chrome-extension://{EXTENSION_ID}/"]


@pytest.mark.parametrize(
    ("browser", "where"),
    [
        ("chrome", "Library/Application Support/Google/Chrome/NativeMessagingHosts"),
        ("firefox", "Library/Application Support/Mozilla/NativeMessagingHosts"),
        ("edge", "Library/Application Support/Microsoft Edge/NativeMessagingHosts"),
    ],
)
def test_on_macos_the_manifests_go_under_application_support(browser: str, where: str) -> None:
    assert host_directory(browser, Path("/Users/ana"), platform="darwin") == Path("/Users/ana") / where


@pytest.mark.parametrize(("browser", "platform"), [("safari", "linux"), ("chrome", "win32")])
def test_an_unsupported_browser_or_system_is_an_error_that_says_so(browser: str, platform: str) -> None:
    with pytest.raises(InstallError, match=r"choose one of|registry"):
        host_directory(browser, Path("/home/ana"), platform=platform)


def test_the_launcher_runs_the_host_with_this_python_and_the_chosen_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "my data" / "it's here"
    files = install_into(tmp_path / "hosts", "chromium", python=Path(sys.executable), data_dir=data_dir)
    script = files.launcher.read_text()
    assert script.startswith("#!/bin/sh\n")
    assert "-m academichub.service.native_host" in script
    # The browser runs it: it must speak the protocol (an unknown request gets the one request there is).
    body = json.dumps({"type": "ping"}).encode()
    done = subprocess.run(
        [str(files.launcher), "chrome-extension://x/"],
        input=struct.pack("=I", len(body)) + body,
        capture_output=True,
        timeout=60,
        check=True,
    )
    (length,) = struct.unpack("=I", done.stdout[:4])
    assert json.loads(done.stdout[4 : 4 + length])["error"] == "unknown_request"
    env = subprocess.run(
        ["sh", "-c", script.replace("exec ", 'echo "$ACADEMICHUB_DATA_DIR" #')],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert env == str(data_dir)


def test_uninstall_removes_what_install_wrote_and_nothing_else(tmp_path: Path) -> None:
    written = install(list(BROWSERS), home=tmp_path, platform="linux")
    neighbour = tmp_path / LINUX["chrome"] / "other.host.json"
    neighbour.write_text("{}")
    removed = uninstall(list(BROWSERS), home=tmp_path, platform="linux")
    assert sorted(removed) == sorted(p for f in written for p in (f.manifest, f.launcher))
    assert neighbour.exists()
    assert uninstall(list(BROWSERS), home=tmp_path, platform="linux") == []


def test_the_cli_installs_for_every_browser_and_uninstalls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    assert main(["install-native-host"]) == 0
    printed = capsys.readouterr().out
    for browser, where in LINUX.items():
        assert (tmp_path / where / f"{HOST_NAME}.json").exists()
        assert f"{browser:9} {tmp_path / where / HOST_NAME}.json" in printed
    assert main(["uninstall-native-host", "--browser", "firefox"]) == 0
    assert not (tmp_path / LINUX["firefox"] / f"{HOST_NAME}.json").exists()
    assert (tmp_path / LINUX["chrome"] / f"{HOST_NAME}.json").exists()
    assert main(["uninstall-native-host"]) == 0
    assert not any((tmp_path / where / f"{HOST_NAME}.json").exists() for where in LINUX.values())


def test_the_cli_installs_into_a_profiles_own_directory(tmp_path: Path) -> None:
    profile_hosts = tmp_path / "profile" / "NativeMessagingHosts"
    data_dir = tmp_path / "data"
    assert (
        main(
            [
                "--data-dir",
                str(data_dir),
                "install-native-host",
                "--browser",
                "chromium",
                "--dir",
                str(profile_hosts),
            ]
        )
        == 0
    )
    assert json.loads((profile_hosts / f"{HOST_NAME}.json").read_text())["path"].startswith(
        str(profile_hosts)
    )
    assert str(data_dir) in (profile_hosts / "academichub-native-host").read_text()
    assert main(["uninstall-native-host", "--dir", str(profile_hosts)]) == 0
    assert list(profile_hosts.iterdir()) == []
