"""The one narrow interface every model backend speaks: a local GGUF file or an OpenAI-compatible endpoint.

Backends are blocking and know nothing of asyncio: `ModelManager` runs them on its own thread, so a
generation never stalls the event loop that serves the cards.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": ...}
FinishReason = Literal["stop", "length", "cancelled"]


class ModelUnavailable(RuntimeError):
    """The model could not be loaded or reached. The message names the file or URL and the reason."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


@dataclass(frozen=True)
class GenerationRequest:
    messages: list[Message]
    json_schema: dict[str, Any] | None = None  # output constrained to this schema where the backend can
    max_tokens: int = 128
    stop: list[str] = field(default_factory=list)
    temperature: float = 0.2
    repeat_penalty: float = 1.0  # llama.cpp's; endpoints get none (their larger models rarely loop)
    seed: int | None = None


@dataclass
class Generation:
    text: str
    tokens: int  # completion tokens streamed
    finish_reason: FinishReason
    first_token_s: float | None = None  # from the call to the first streamed text
    total_s: float = 0.0

    @property
    def decode_tokens_per_s(self) -> float:
        """Tokens after the first over the time after the first: decoding speed without prompt processing."""
        if self.first_token_s is None or self.tokens < 2 or self.total_s <= self.first_token_s:
            return 0.0
        return (self.tokens - 1) / (self.total_s - self.first_token_s)


OnToken = Callable[[str], None]


class ModelBackend(ABC):
    name: str  # short, for the briefing's byline: "SmolLM2-135M-Instruct.Q4_1.gguf"
    description: str  # one line for `status`: what, where, how many threads

    @abstractmethod
    def load(self) -> None:
        """Make the model ready (may take seconds); raise ModelUnavailable naming what failed and why."""

    @abstractmethod
    def unload(self) -> None:
        """Give the memory back; a later generate() loads again."""

    @property
    @abstractmethod
    def loaded(self) -> bool: ...

    @abstractmethod
    def generate(self, request: GenerationRequest, on_token: OnToken, cancel: threading.Event) -> Generation:
        """Stream text to `on_token` piece by piece; stop early, with finish_reason 'cancelled', once
        `cancel` is set."""
