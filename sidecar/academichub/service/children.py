"""Child processes end with their parent.

A child the service spawns (the feed parser) must not outlive it: after a kill -9 of the service, a parser
left behind held 274 MB for good, and the resource tracker waited on its pipe. The child watches its parent
from a daemon thread and exits when the parent is gone (it is then re-parented, so its parent pid changes).
PR_SET_PDEATHSIG would fire when the spawning *thread* ends, not the process, and the pool spawns from
whichever worker thread submits first, so the watch is by polling.
"""

from __future__ import annotations

import os
import threading
import time

WATCH_INTERVAL = 0.5  # seconds: how long an orphan may live


def exit_with_parent(parent: int | None = None, interval: float = WATCH_INTERVAL) -> None:
    """In the child: exit as soon as `parent` (by default the current parent) is no longer the parent."""
    parent = os.getppid() if parent is None else parent

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)  # no clean-up to run: the parent that wanted the answer is gone

    if os.getppid() != parent:  # the parent died before the watch began
        os._exit(1)
    threading.Thread(target=watch, name="academichub-parent-watch", daemon=True).start()
