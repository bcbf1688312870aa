"""Files two processes write stay whole: `radar add` from the command line while the running service adds
rules for the extension loses no rule and never leaves a broken radar.json; the config's sources likewise."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import aiohttp

from academichub.config import load_config
from academichub.paths import Paths
from running import SIDECAR, command, end, offline_config, serve

CLI_WRITERS = 12
API_WRITERS = 30
ROUNDS = 3


async def _cli_add(data_dir: Path, name: str) -> tuple[int, str]:
    process = command(data_dir, "radar", "add", name, "--terms", name.replace("-", " "))
    _, err = await asyncio.to_thread(process.communicate, timeout=120)
    return process.returncode, err


async def test_rules_added_at_once_by_the_cli_and_the_api_all_land_in_a_valid_file(tmp_path: Path) -> None:
    offline_config(tmp_path)
    process, port = await asyncio.to_thread(serve, tmp_path)
    token = (Paths.under(tmp_path).state / "token").read_text().strip()
    url = f"http://127.0.0.1:{port}/api/v1/radar/rules"
    expected: set[str] = set()
    try:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as client:

            async def api_add(name: str) -> int:
                async with client.post(url, json={"name": name, "terms": [name.replace("-", " ")]}) as r:
                    return r.status

            for round_ in range(ROUNDS):
                cli_names = [f"cli-{round_}-{i}" for i in range(CLI_WRITERS)]
                api_names = [f"api-{round_}-{i}" for i in range(API_WRITERS)]
                outcomes = await asyncio.gather(
                    *(_cli_add(tmp_path, name) for name in cli_names),
                    *(api_add(name) for name in api_names),
                )
                cli_outcomes, api_statuses = outcomes[:CLI_WRITERS], outcomes[CLI_WRITERS:]
                assert all(code == 0 for code, _ in cli_outcomes), cli_outcomes
                assert api_statuses == [201] * API_WRITERS
                expected |= {*cli_names, *api_names}
                stored = json.loads((tmp_path / "radar.json").read_text())  # valid JSON, every rule in it
                assert {rule["name"] for rule in stored["rules"].values()} == expected
                async with client.get(url) as r:
                    assert r.status == 200
                    assert {rule["name"] for rule in (await r.json())["rules"]} == expected
    finally:
        await asyncio.to_thread(end, process)
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary file left


def test_sources_added_at_once_by_several_processes_are_all_kept(tmp_path: Path) -> None:
    offline_config(tmp_path)
    config_file = Paths.under(tmp_path).config_file
    urls = [f"https://example.org/feed-{i}.xml" for i in range(12)]
    add = (
        "import sys; from pathlib import Path; from academichub.config import update_config; "
        "update_config(Path(sys.argv[1]), "
        "lambda c: c.model_copy(update={'sources': [*c.sources, sys.argv[2]]}))"
    )
    env = {**os.environ, "PYTHONPATH": str(SIDECAR)}
    adders = [subprocess.Popen([sys.executable, "-c", add, str(config_file), url], env=env) for url in urls]
    assert [a.wait(timeout=120) for a in adders] == [0] * len(urls)
    assert set(load_config(config_file).sources) == set(urls)
