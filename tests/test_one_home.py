"""Each rule the sidecar's parts share is written once: these tests read the package's source and fail when
a second copy appears (a module that writes files its own way, a second TeX table, a hand-made cache)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import academichub

PACKAGE = Path(academichub.__file__).resolve().parent
# The service's token is written by link(2) so that two starting services agree on one, and its instance
# lock is released by hand: service/runtime.py keeps those two of its own until files.py offers them.
NOT_YET = {"service/runtime.py"}


def holders(pattern: str) -> list[str]:
    found = re.compile(pattern)
    return sorted(
        name
        for path in PACKAGE.rglob("*.py")
        if (name := path.relative_to(PACKAGE).as_posix()) not in NOT_YET
        and found.search(path.read_text(encoding="utf-8"))
    )


@pytest.mark.parametrize(
    ("rule", "pattern", "home"),
    [
        ("atomic replace", r"os\.replace\(|mkstemp\(", ["files.py"]),
        ("fsync", r"os\.fsync\(", ["files.py"]),
        ("file locks", r"fcntl\.flock\(", ["files.py"]),
        ("DOI canonical form", r"def (doi_key|normalise_doi)\b", ["ids.py"]),
        ("paper keys", r"def paper_key\b", ["ids.py"]),
        ("arXiv id pattern", r"\\d\{4\}\\\.\\d\{4,5\}", ["ids.py"]),
        ("TeX accents", r"\\u0301|\\u0308|\\u030c", ["ingest/tex.py"]),
        ("TeX named letters", r'"ø"', ["ingest/tex.py", "radar/folding.py"]),  # folding: ø reads as o
        ("a day's cards", r"number_cards\(order_papers", ["store/cards.py"]),
        ("days kept warm", r"^WARM_DAYS\s*=", ["store/paper_store.py"]),
    ],
)
def test_a_shared_rule_has_one_home(rule: str, pattern: str, home: list[str]) -> None:
    assert holders(rf"(?m){pattern}") == home, rule


def test_no_hand_made_cache_is_left():
    # One bounded LRU (cachetools.LRUCache, functools.lru_cache) instead of OrderedDicts trimmed by hand.
    assert holders(r"OrderedDict|popitem\(last=False\)|move_to_end\(") == []
    assert holders(r"^(MAX_DAYS|CACHE_DAYS)\s*=") == []


def test_no_route_module_keeps_state_in_a_global_dictionary():
    # The services the routes call are objects on the app (api/context.py), not module-level dicts.
    assert [name for name in holders(r"WeakKeyDictionary|^_[A-Z]+: dict") if name.startswith("api/")] == []
