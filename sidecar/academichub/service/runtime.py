"""The files a running service leaves in the state dir, and the one place that reads them.

- `service.lock`: held (flock) for the service's whole life, one instance per data dir; the OS drops it when
  the process dies, so a crash never leaves a stale lock.
- `service.json`: where the service listens and its pid, written once it listens, removed when it stops.
- `token`: the API token, readable by the user alone (0600); the native host hands it to the extension.

The native host imports this at every browser start, so it stays light: no aiohttp, no API.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .. import __version__
from ..files import PRIVATE_DIR, PRIVATE_FILE, atomic_write_json, fsync_dir
from ..paths import Paths

HOST = "127.0.0.1"  # never 0.0.0.0: the API is for this machine's browser alone
LOCK_FILE = "service.lock"
RUNTIME_FILE = "service.json"
TOKEN_FILE = "token"
LOG_FILE = "service.log"


class ServiceError(RuntimeError):
    """The service cannot start; the message says why and what to do."""


class AlreadyRunning(ServiceError):
    def __init__(self, port: int | None, pid: int | None):
        where = f"{HOST}:{port}" if port else "an unknown port (starting up)"
        super().__init__(f"already running on {where} (pid {pid or 'unknown'})")
        self.port = port
        self.pid = pid


def private_dir(directory: Path) -> Path:
    """`directory`, created 0700 when missing: the user's radar, library and token are theirs alone."""
    directory.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    return directory


# ---- token ----


def token_path(paths: Paths) -> Path:
    return paths.state / TOKEN_FILE


def read_token(paths: Paths) -> str | None:
    try:
        return token_path(paths).read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def load_or_create_token(paths: Paths) -> str:
    """The API token, created on first use with mode 0600 (readable and writable by the user alone).

    Created whole or not at all: written to a private temporary file, then linked into place, which fails
    when another process created the token first (that one wins). A full disk leaves no empty token.
    """
    path = token_path(paths)
    private_dir(path.parent)
    if path.exists():
        if path.stat().st_mode & 0o077:
            path.chmod(PRIVATE_FILE)  # someone loosened it: the token is as good as a password
        token = read_token(paths)
        if token:
            return token
        path.unlink(missing_ok=True)  # empty or damaged: make a new one
    token = secrets.token_urlsafe(32)
    temp = path.with_name(f".{TOKEN_FILE}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(token + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return read_token(paths) or load_or_create_token(paths)
        fsync_dir(path.parent)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    return token


# ---- where the service runs ----


@dataclass
class Runtime:
    port: int
    pid: int
    version: str = __version__

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/api/v1/"


def read_runtime(paths: Paths) -> Runtime | None:
    try:
        raw = json.loads((paths.state / RUNTIME_FILE).read_text(encoding="utf-8"))
        return Runtime(port=int(raw["port"]), pid=int(raw["pid"]), version=str(raw.get("version", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1.0):
        return True
    return False


@dataclass(frozen=True)
class RunningService:
    port: int
    pid: int
    token: str

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/api/v1/"


def find_running(paths: Paths, *, probe: bool = True) -> RunningService | None:
    """The service that serves this data dir, if its runtime file names a live process (and, with
    `probe`, one that accepts connections) and the token can be read."""
    runtime = read_runtime(paths)
    token = read_token(paths)
    if runtime is None or token is None or not _alive(runtime.pid):
        return None
    if probe and not _listening(runtime.port):
        return None
    return RunningService(port=runtime.port, pid=runtime.pid, token=token)


class InstanceLock:
    """Held for the service's whole life; `write_runtime` then says where it listens."""

    def __init__(self, paths: Paths):
        self.paths = paths
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        private_dir(self.paths.state)
        lock = open(self.paths.state / LOCK_FILE, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            lock.close()
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            runtime = read_runtime(self.paths)
            raise AlreadyRunning(
                runtime.port if runtime else None, runtime.pid if runtime else None
            ) from None
        self._file = lock

    def write_runtime(self, runtime: Runtime) -> None:
        atomic_write_json(
            self.paths.state / RUNTIME_FILE,
            {"port": runtime.port, "pid": runtime.pid, "version": runtime.version, "url": runtime.url},
            durable=False,  # gone at the next boot anyway
        )

    def release(self) -> None:
        if self._file is None:
            return
        with contextlib.suppress(OSError):
            (self.paths.state / RUNTIME_FILE).unlink()
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._file.close()
        self._file = None
