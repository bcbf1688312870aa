"""The offline demo: the recorded seed day, served until Ctrl-C."""

from __future__ import annotations

import asyncio
import re
import signal
from pathlib import Path

import aiohttp

from academichub.paths import Paths
from academichub.store.paper_store import PaperStore
from running import command


def test_demo_serves_the_seed_day_until_ctrl_c(tmp_path: Path) -> None:
    process = command(tmp_path / "demo", "demo", "--port", "0")
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        address = re.search(r"address\s+(\S+)", "".join(lines))
        token = re.search(r"token\s+(\S+)", "".join(lines))
        assert address and token, lines

        async def cards() -> dict:
            async with (
                aiohttp.ClientSession() as client,
                client.get(address[1] + "cards", headers={"Authorization": f"Bearer {token[1]}"}) as r,
            ):
                assert r.status == 200, await r.text()
                return await r.json()

        page = asyncio.run(cards())
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        with PaperStore(Paths.under(tmp_path / "demo").papers) as store:
            latest = store.latest_day()
            assert latest is not None
            assert (page["day"], page["total"]) == (latest.isoformat(), len(store.day(latest)))
            assert page["total"] > 50
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
