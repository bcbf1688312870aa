"""What a model can be trusted with, told from what it is: its file size, or the name it is served under.

SmolLM2-135M copies and invents when asked for prose, so a small model only gets the briefing's narrow
tasks (choose a phrase, join two facts); a bigger one also writes synthesis. SmolLM2 was trained on
English only: a Chinese briefing does not ask it for Chinese sentences.
"""

from __future__ import annotations

import re

from .base import ModelBackend
from .local import SMALL_MODEL_BYTES, LocalModel

# Served models say their size in their name: 'smollm2:135m', 'qwen2.5:0.5b', 'TinyLlama-1.1B'.
_SMALL_NAME = re.compile(
    r"smollm|tinyllama|(?<![\d.])(?:0\.\d+|1(?:\.[0-5])?)\s*b\b|\d{2,3}m\b", re.IGNORECASE
)
_ENGLISH_ONLY = re.compile(r"smollm|tinyllama|phi-?[12]\b", re.IGNORECASE)


def writes_synthesis(backend: ModelBackend) -> bool:
    """A model big enough to write what papers share and where they differ (about 3B parameters and up)."""
    if isinstance(backend, LocalModel):
        try:
            size = backend.path.stat().st_size
        except OSError:
            return False
        return size >= 3 * SMALL_MODEL_BYTES and not _SMALL_NAME.search(backend.name)
    return not _SMALL_NAME.search(backend.name)


def writes_chinese(name: str) -> bool:
    return not _ENGLISH_ONLY.search(name)
