"""The user's settings: a TOML file in the config directory. Every key has a default that works.

`render_config` writes the file back with every key's description as a comment above it, so the file the
service saves (after a source is added, say) documents itself.
"""

from __future__ import annotations

import textwrap
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .files import atomic_write, locked

# The day the reference pages show: the arXiv categories and journals a cross-disciplinary reader follows.
DEFAULT_SOURCES = [
    "arxiv:cs.AI",
    "arxiv:cs.CL",
    "arxiv:cs.CV",
    "arxiv:cs.LG",
    "arxiv:quant-ph",
    "arxiv:math.PR",
    "nature",
    "biorxiv:bioinformatics",
    "medrxiv:infectious-diseases",
    "plos-medicine",
]


class RefreshSettings(BaseModel):
    """When the service fetches the sources by itself."""

    model_config = ConfigDict(extra="forbid")

    on_start: bool = Field(
        default=True, description="Refresh when the service starts and the papers are stale."
    )
    arxiv_delay_minutes: int = Field(
        default=30,
        ge=0,
        le=720,
        description="Minutes after arXiv's 20:00 America/New_York announcement (Sunday to Thursday) to "
        "refresh the arXiv sources, so the feeds have been rebuilt.",
    )
    journal_interval_hours: float = Field(
        default=6.0,
        ge=0.5,
        le=168,
        description="Hours between refreshes of the journals and preprint servers.",
    )
    scheduled: bool = Field(default=True, description="Refresh on the schedule above while the service runs.")


class ServerSettings(BaseModel):
    """The local API the browser extension talks to (always on 127.0.0.1)."""

    model_config = ConfigDict(extra="forbid")

    port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="TCP port on 127.0.0.1; 0 lets the system pick a free one (the extension learns it "
        "through native messaging; `service.json` in the state directory records it).",
    )
    max_body_kib: int = Field(
        default=4096,
        ge=16,
        le=65536,
        description="Largest request body accepted, in KiB: an arXiv listing of 1,000 entries with "
        "abstracts, sent for radar matching, is about 1.6 MB.",
    )


class LogSettings(BaseModel):
    """The service's log file, `service.log` in the state directory."""

    model_config = ConfigDict(extra="forbid")

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Least severe level kept."
    )
    max_kib: int = Field(
        default=1024, ge=16, le=1_048_576, description="Size in KiB at which the log rotates."
    )
    backups: int = Field(
        default=3, ge=0, le=100, description="Rotated log files kept (service.log.1, .2, ...)."
    )


class ModelSettings(BaseModel):
    """The model that writes the briefing: the bundled SmolLM2-135M-Instruct GGUF unless you name another
    GGUF file, or an OpenAI-compatible endpoint (a llama.cpp server, vLLM)."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        default="", description="A GGUF file; empty: the SmolLM2-135M-Instruct shipped with AcademicHub."
    )
    threads: int = Field(default=0, ge=0, le=256, description="CPU threads; 0: chosen by model and cores.")
    context: int = Field(default=2048, ge=512, le=131072, description="Context window in tokens.")
    gpu_layers: int = Field(
        default=0, ge=-1, le=1000, description="Layers offloaded to the GPU; -1: all of them, 0: CPU only."
    )
    endpoint: str = Field(
        default="",
        description="URL of an OpenAI-compatible server ('http://lab:8080/v1'); when set, used instead of "
        "the file. An API key, if it needs one, is read from the ACADEMICHUB_MODEL_API_KEY variable.",
    )
    endpoint_model: str = Field(default="", description="Model to ask the endpoint for; empty: its first.")
    idle_unload_seconds: int = Field(
        default=300, ge=0, le=86400, description="Give the model's memory back after this many idle seconds."
    )


class Config(BaseModel):
    sources: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SOURCES),
        description="Catalogue keys (`academichub sources` lists them) or feed URLs.",
    )
    backfill_days: int = Field(
        default=7, ge=0, le=60, description="Missed arXiv days to fill in from the API."
    )
    refresh: RefreshSettings = Field(default_factory=RefreshSettings, description=RefreshSettings.__doc__)
    server: ServerSettings = Field(default_factory=ServerSettings, description=ServerSettings.__doc__)
    log: LogSettings = Field(default_factory=LogSettings, description=LogSettings.__doc__)
    model: ModelSettings = Field(default_factory=ModelSettings, description=ModelSettings.__doc__)


class ConfigError(ValueError):
    pass


def load_config(path: Path) -> Config:
    """A missing file means the defaults; a broken one is an error that names the file and the key."""
    if not path.exists():
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from exc


def _comment(text: str | None) -> list[str]:
    return [f"# {line}" for line in textwrap.wrap(" ".join((text or "").split()), width=100)]


def _render_fields(model: BaseModel) -> tuple[list[str], list[tuple[str, BaseModel, str | None]]]:
    """Plain keys as `# description` + `key = value` lines; nested settings are returned to become tables."""
    lines: list[str] = []
    tables: list[tuple[str, BaseModel, str | None]] = []
    for name, field in type(model).model_fields.items():
        value: Any = getattr(model, name)
        if isinstance(value, BaseModel):
            tables.append((name, value, field.description))
            continue
        if lines:
            lines.append("")
        lines.extend(_comment(field.description))
        lines.append(tomli_w.dumps({name: value}, multiline_strings=False).strip())
    return lines, tables


def render_config(config: Config) -> str:
    """The whole configuration as TOML, every key preceded by its description."""
    lines, tables = _render_fields(config)
    out = [
        "# AcademicHub settings. Every key is optional: a missing one takes the default shown.",
        "",
        *lines,
    ]
    for name, section, description in tables:
        section_lines, _ = _render_fields(section)
        out += ["", *_comment(description), f"[{name}]", *section_lines]
    return "\n".join(out) + "\n"


def save_config(path: Path, config: Config) -> None:
    """Write atomically (temporary file, fsync, rename): a crash leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, render_config(config))


def update_config(path: Path, change: Callable[[Config], Config]) -> Config:
    """Apply `change` to the config as the file now reads and save it, inside the file's cross-process
    lock: two processes changing it at once both land. ConfigError when the file no longer parses (saving
    over it would throw the user's edit away)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked(path):
        current = load_config(path)
        updated = change(current)
        if updated != current:
            save_config(path, updated)
        return updated
