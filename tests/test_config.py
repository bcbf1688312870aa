"""The settings file: defaults that work, every key documented, and a saved file that reads back the same."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from academichub.config import (
    Config,
    ConfigError,
    LogSettings,
    RefreshSettings,
    load_config,
    render_config,
    save_config,
)


def test_a_missing_file_means_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "config.toml")
    assert config == Config()
    assert (config.server.port, config.refresh.journal_interval_hours, config.refresh.on_start) == (
        0,
        6.0,
        True,
    )


def test_the_rendered_file_documents_every_key_and_reads_back() -> None:
    config = Config(
        sources=["nature"], refresh=RefreshSettings(journal_interval_hours=2), log=LogSettings(level="DEBUG")
    )
    text = render_config(config)
    assert Config.model_validate(tomllib.loads(text)) == config
    lines = text.splitlines()
    for model in (Config, RefreshSettings, LogSettings):
        for name in model.model_fields:
            at = next(
                i for i, line in enumerate(lines) if line.startswith(f"{name} = ") or line == f"[{name}]"
            )
            assert lines[at - 1].startswith("# "), f"{name} has no description above it"


def test_save_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    save_config(path, Config(sources=["arxiv:cs.CV"]))
    assert load_config(path).sources == ["arxiv:cs.CV"]
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]


def test_a_partial_file_keeps_the_other_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[refresh]\narxiv_delay_minutes = 90\n")
    config = load_config(path)
    assert config.refresh.arxiv_delay_minutes == 90
    assert config.refresh.journal_interval_hours == 6.0 and config.sources == Config().sources


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[server]\nport = 70000\n", "server.port"),
        ("[refresh]\njournal_interval_hours = 0\n", "refresh.journal_interval_hours"),
        ("[log]\nlevel = 'LOUD'\n", "log.level"),
        ("[server]\nprot = 1\n", "server.prot"),
        ("sources = [\n", "not valid TOML"),
    ],
)
def test_a_wrong_value_names_the_file_and_the_key(tmp_path: Path, text: str, names: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=names) as error:
        load_config(path)
    assert str(path) in str(error.value)
