"""The latest briefing of each day, kept until its papers change.

Keyed by the day's paper ids, the papers the briefing read, the language and the model: a refresh that
adds a paper, a radar rule that changes the selection, or another model all mean a new briefing; asking
again for the same day does not. Only model-written briefings are kept: the extractive one costs
milliseconds, and keeping it would hide a model that works again (a file put back in place).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from ..files import atomic_write
from .model import Briefing, Language


def briefing_key(day_ids: Iterable[str], chosen_ids: Iterable[str], language: Language, model: str) -> str:
    h = hashlib.sha256()
    for part in (*sorted(day_ids), "\0", *sorted(chosen_ids), "\0", language, "\0", model):
        h.update(part.encode())
        h.update(b"\n")
    return h.hexdigest()


class BriefingCache:
    def __init__(self, directory: Path):
        self.directory = directory

    def _file(self, day: dt.date, language: Language) -> Path:
        return self.directory / f"{day.isoformat()}.{language}.json"

    def get(self, day: dt.date, language: Language, key: str) -> Briefing | None:
        path = self._file(day, language)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored.get("key") != key:
                return None
            return Briefing.model_validate(stored["briefing"])
        except (OSError, ValueError, KeyError, TypeError, ValidationError):
            return None  # missing, damaged or from an older version: write a new one

    def put(self, day: dt.date, key: str, briefing: Briefing) -> None:
        if briefing.extractive:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"key": key, "briefing": briefing.model_dump(mode="json")}, ensure_ascii=False)
        atomic_write(self._file(day, briefing.language), text)
