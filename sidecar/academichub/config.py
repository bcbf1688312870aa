"""The user's settings: a TOML file in the config directory. Every key has a default that works."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

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


class Config(BaseModel):
    sources: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SOURCES),
        description="Catalogue keys (`academichub sources` lists them) or feed URLs.",
    )
    backfill_days: int = Field(default=7, ge=0, le=60, description="Missed arXiv days to fill in from the API.")


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
