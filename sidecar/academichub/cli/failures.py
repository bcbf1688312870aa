"""One line that says what failed, for any error a command ends with: no command shows a traceback."""

from __future__ import annotations

import errno

from ..paths import Paths
from .hub import message

READ_ONLY = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def failure(exc: BaseException, paths: Paths) -> str:
    if not isinstance(exc, OSError):
        return message(exc) or type(exc).__name__
    where = f"{exc.filename}: {exc.strerror}" if exc.filename else (exc.strerror or str(exc))
    outside = exc.filename is not None and not str(exc.filename).startswith(str(paths.data))
    if exc.errno in READ_ONLY and outside:
        return f"cannot write {where}"
    if exc.errno in READ_ONLY:
        return f"the data directory {paths.data} is read-only ({where}); nothing was changed"
    if exc.errno == errno.ENOSPC:
        return f"the disk holding {paths.data} is full ({where}); nothing was changed: free some space"
    return where
