"""Which browser-extension origins may call the sidecar: AcademicHub's own, and no other extension's.

Chromium names the extension by the id its manifest's public key gives, the same on every machine. Firefox
gives each installation a random `moz-extension://<uuid>` origin, known only to the extension itself: it
says it in its native-messaging handshake, and the native host (which only AcademicHub's extension can
start: the browser checks the host manifest's allowed_extensions) records it here for the service.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..files import update_json
from ..paths import Paths
from .native_install import EXTENSION_ID

FILE = "extension-origins.json"
OWN = frozenset({f"chrome-extension://{EXTENSION_ID}"})
_ORIGIN = re.compile(r"^(?:chrome-extension|moz-extension|safari-web-extension)://[A-Za-z0-9._-]{1,128}$")
MAX_REMEMBERED = 20  # a few browsers and profiles; the oldest go first


def _file(paths: Paths) -> Path:
    return paths.state / FILE


def remember_origin(paths: Paths, origin: str) -> bool:
    """Record an origin our extension reported; False (and nothing written) when it is not one."""
    origin = origin.rstrip("/")
    if not _ORIGIN.match(origin):
        return False
    if origin in OWN:
        return True

    def add(known: list[str]) -> None:
        if origin in known:
            known.remove(origin)
        known.append(origin)
        del known[:-MAX_REMEMBERED]

    paths.state.mkdir(parents=True, exist_ok=True)
    update_json(_file(paths), add, default=list)
    return True


class KnownOrigins:
    """`origin in known`: the service's check, re-reading the file only when it changed."""

    def __init__(self, paths: Paths):
        self.path = _file(paths)
        self._signature: tuple[int, int] | None = None
        self._recorded: frozenset[str] = frozenset()

    def __contains__(self, origin: object) -> bool:
        if not isinstance(origin, str):
            return False
        origin = origin.rstrip("/")
        return origin in OWN or origin in self._read()

    def _read(self) -> frozenset[str]:
        try:
            stat = self.path.stat()
        except OSError:
            return frozenset()
        signature = (stat.st_ino, stat.st_mtime_ns)
        if signature != self._signature:
            try:
                recorded = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                recorded = []
            self._recorded = frozenset(o for o in recorded if isinstance(o, str) and _ORIGIN.match(o))
            self._signature = signature
        return self._recorded
