"""The user's files: written whole or not at all, and changed by one process at a time.

Every file AcademicHub writes outside the paper store's shards (radar rules, config, library, stars, token,
caches, resume markers, native-host manifests) goes through here, so two rules hold everywhere:
- a write goes to a temporary file with a name of its own (two processes never share one), is fsynced, then
  renamed over the target, and the rename is made durable: a crash or a full disk leaves the old file or the
  new one, never a mix and never an empty file;
- a read-modify-write of a file two processes can change (the CLI while the service runs) happens inside a
  cross-process lock (`flock` on a sibling `.lock` file), so no change is lost.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, TypeVar

T = TypeVar("T")

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def _fsync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (POSIX keeps the directory entry in the directory's own data)."""
    _fsync(directory, os.O_RDONLY)


def fsync_files(paths: Sequence[Path]) -> None:
    """Make several written files durable together: concurrent fsyncs share the filesystem's journal commits
    (a commit that writes shards for twenty days waits for one or two flushes instead of twenty)."""

    def fsync(path: Path) -> None:
        _fsync(path, os.O_RDWR)  # a handle that may write: the one some systems flush through

    if len(paths) <= 2:
        for path in paths:
            fsync(path)
        return
    with ThreadPoolExecutor(max_workers=min(8, len(paths))) as pool:
        list(pool.map(fsync, paths))


def atomic_write(path: Path, data: bytes | str, *, mode: int = PRIVATE_FILE, durable: bool = True) -> None:
    """Replace `path` with `data` atomically, through a temporary file of its own, never left behind."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), mode)
            out.write(payload)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if durable:
        fsync_dir(path.parent)


def atomic_write_json(path: Path, value: Any, *, mode: int = PRIVATE_FILE, durable: bool = True) -> None:
    atomic_write(path, json.dumps(value, ensure_ascii=False, indent=2) + "\n", mode=mode, durable=durable)


def lock_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.lock")


@contextlib.contextmanager
def locked(path: Path, *, shared: bool = False) -> Iterator[None]:
    """Hold the cross-process lock that guards `path` (exclusive, or shared for a consistent read).

    A reader on a read-only filesystem needs no lock: no process can write the file there either."""
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    except OSError as exc:
        if shared and exc.errno in (errno.EROFS, errno.EACCES) and not os.access(path.parent, os.W_OK):
            yield
            return
        raise
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def hold_lock(
    path: Path, *, busy: str, error: type[Exception] = RuntimeError, shared: bool = False
) -> IO[str]:
    """Take the lock on `path` without waiting, held until the returned handle is closed; raises
    `error(busy)` while another process (or another handle in this one) holds it against us. `shared`: a
    reader's lock, for a directory it may not write (where no lock file exists yet, there is no writer)."""
    target = path if not shared or path.exists() else Path(os.devnull)
    handle = open(target, "r" if shared else "a")  # noqa: SIM115 (held open for as long as the lock is)
    try:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise error(busy) from None
    return handle


def update_json(path: Path, change: Callable[[Any], T], *, default: Callable[[], Any]) -> T:
    """Read `path` (or `default()` when it does not exist), let `change` edit the value in place and return a
    result, and write the value back: all inside the file's lock, so concurrent updates all land."""
    with locked(path):
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            value = default()
        result = change(value)
        atomic_write_json(path, value)
        return result
