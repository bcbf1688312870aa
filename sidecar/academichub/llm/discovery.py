"""The models that can write the briefing on this machine: the bundled one, the GGUF file the settings
name, and those of the local runtimes found running.

Ollama answers `GET /api/tags` on 127.0.0.1:11434 and serves an OpenAI-compatible API under `/v1`;
llama.cpp's `llama-server` (8080) and LM Studio (1234) answer `GET /v1/models`. Each is asked once, all
at the same time, with a short timeout: a runtime that is not running costs a refused connection, one that
hangs costs the timeout, never more.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from .base import ModelUnavailable
from .local import BUNDLED_FILE, bundled_model_path

if TYPE_CHECKING:
    from ..config import ModelSettings

Kind = Literal["bundled", "file", "ollama", "llama-server", "lm-studio"]
PROBE_TIMEOUT_S = 0.8


@dataclass(frozen=True)
class Runtime:
    kind: Kind
    label: str
    base: str  # where it listens
    listing: str  # the path that lists its models
    api: str  # its OpenAI-compatible base, what the briefing's endpoint setting holds


RUNTIMES = (
    Runtime("ollama", "Ollama", "http://127.0.0.1:11434", "/api/tags", "http://127.0.0.1:11434/v1"),
    Runtime(
        "llama-server", "llama.cpp server", "http://127.0.0.1:8080", "/v1/models", "http://127.0.0.1:8080/v1"
    ),
    Runtime("lm-studio", "LM Studio", "http://127.0.0.1:1234", "/v1/models", "http://127.0.0.1:1234/v1"),
)


class ModelChoice(BaseModel):
    """One model the briefing can be written with, and the settings that choose it."""

    kind: Kind
    name: str = Field(description="The model's name as its runtime gives it, or the file's name.")
    runtime: str = Field(description="Where it runs: 'bundled', 'GGUF file', 'Ollama at http://...'.")
    path: str = Field(default="", description="The `model.path` setting that chooses it ('' for bundled).")
    endpoint: str = Field(default="", description="The `model.endpoint` setting that chooses it.")
    endpoint_model: str = Field(default="", description="The `model.endpoint_model` setting.")
    size_bytes: int | None = None
    available: bool = Field(default=True, description="False for a configured file that is not there.")
    selected: bool = Field(default=False, description="The settings choose this model now.")

    def settings(self) -> dict[str, str]:
        """The `model` settings keys that choose this model (the others, threads say, stay)."""
        return {"path": self.path, "endpoint": self.endpoint, "endpoint_model": self.endpoint_model}


def _get_json(url: str, timeout: float) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def probe(runtime: Runtime, timeout: float = PROBE_TIMEOUT_S) -> list[ModelChoice]:
    """The models a runtime lists, or none when it is not running or answers something else."""
    try:
        listing = _get_json(runtime.base + runtime.listing, timeout)
    except (urllib.error.URLError, OSError, ValueError):
        return []
    rows = (
        listing.get("models" if runtime.kind == "ollama" else "data") if isinstance(listing, dict) else None
    )
    choices = []
    for row in rows or []:
        if not isinstance(row, dict):
            continue
        name = row.get("name") or row.get("model") if runtime.kind == "ollama" else row.get("id")
        if not isinstance(name, str) or not name:
            continue
        size = row.get("size") if isinstance(row.get("size"), int) else None
        choices.append(
            ModelChoice(
                kind=runtime.kind,
                name=name,
                runtime=f"{runtime.label} at {runtime.base}",
                endpoint=runtime.api,
                endpoint_model=name,
                size_bytes=size,
            )
        )
    return choices


def _file_choice(kind: Kind, path: Path, runtime: str, setting: str) -> ModelChoice:
    try:
        size: int | None = path.stat().st_size
    except OSError:
        size = None
    return ModelChoice(
        kind=kind, name=path.name, runtime=runtime, path=setting, size_bytes=size, available=size is not None
    )


def discover(
    settings: ModelSettings, runtimes: tuple[Runtime, ...] = RUNTIMES, timeout: float = PROBE_TIMEOUT_S
) -> list[ModelChoice]:
    """The bundled model, the configured file or endpoint, then every running runtime's models."""
    try:
        bundled = _file_choice("bundled", bundled_model_path(), "bundled with AcademicHub", "")
    except ModelUnavailable:
        bundled = ModelChoice(
            kind="bundled", name=BUNDLED_FILE, runtime="bundled (not installed)", available=False
        )
    choices = [bundled]
    if settings.path:
        choices.append(_file_choice("file", Path(settings.path).expanduser(), "GGUF file", settings.path))
    with ThreadPoolExecutor(max_workers=len(runtimes) or 1) as pool:
        for found in pool.map(lambda r: probe(r, timeout), runtimes):
            choices.extend(found)
    if settings.endpoint and not any(_same_endpoint(c, settings) for c in choices):
        # A lab server named in the settings but not among the local runtimes: shown, so it can be kept.
        choices.append(
            ModelChoice(
                kind="llama-server",
                name=settings.endpoint_model or settings.endpoint,
                runtime=f"OpenAI-compatible endpoint at {settings.endpoint}",
                endpoint=settings.endpoint,
                endpoint_model=settings.endpoint_model,
            )
        )
    for choice in choices:
        choice.selected = _chosen(choice, settings)
    return choices


def _same_endpoint(choice: ModelChoice, settings: ModelSettings) -> bool:
    same_base = choice.endpoint.rstrip("/").removesuffix("/v1") == settings.endpoint.rstrip("/").removesuffix(
        "/v1"
    )
    return bool(choice.endpoint) and same_base and choice.endpoint_model == settings.endpoint_model


def _chosen(choice: ModelChoice, settings: ModelSettings) -> bool:
    if settings.endpoint:
        return _same_endpoint(choice, settings)
    if settings.path:
        return choice.kind == "file"
    return choice.kind == "bundled"


def format_choices(choices: list[ModelChoice]) -> str:
    """The list as `academichub models` prints it: numbered, the chosen one marked."""
    lines = []
    for i, c in enumerate(choices, start=1):
        mark = "*" if c.selected else " "
        size = f", {c.size_bytes / 1e9:.1f} GB" if c.size_bytes else ""
        missing = " (missing)" if not c.available else ""
        lines.append(f"{mark} {i}. {c.name}{missing} — {c.runtime}{size}")
    return "\n".join(lines)


def use_choice(config_file: Path, choice: ModelChoice) -> None:
    """Save `choice` as the model that writes the briefing (the model's other settings stay)."""
    from ..config import load_config, save_config

    config = load_config(config_file)
    model = config.model.model_copy(update=choice.settings())
    save_config(config_file, config.model_copy(update={"model": model}))
