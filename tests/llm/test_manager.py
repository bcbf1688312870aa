import asyncio
import dataclasses
import time

import pytest

from academichub.config import ModelSettings
from academichub.llm.base import ModelUnavailable
from academichub.llm.local import LocalModel, cores
from academichub.llm.manager import ModelManager, backend_for
from academichub.llm.openai_compat import OpenAICompatibleModel


async def _longest_stall(work) -> tuple[object, float]:
    """Run `work` while a ticker on the loop measures the longest gap between its ticks."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(tick())
    try:
        result = await work
    finally:
        done.set()
        await ticker
    return result, max(gaps)


async def test_the_model_loads_on_first_use_off_the_event_loop(titling):
    manager = ModelManager(LocalModel(), idle_unload_s=0)
    assert not manager.loaded
    try:
        began = time.perf_counter()
        result, stall = await _longest_stall(manager.generate(titling))
        took = time.perf_counter() - began
        assert manager.loaded and result.tokens > 0
        # Loading and generating happened on the model's thread: the loop kept ticking. On the loop they
        # would have stalled it for all of `took`; the bound leaves room for a busy two-core CI machine.
        assert stall < min(1.0, took / 3)
    finally:
        await manager.close()


async def test_tokens_reach_the_loop_in_order(manager, titling):
    pieces: list[str] = []
    result = await manager.generate(titling, pieces.append)
    assert "".join(pieces) == result.text


async def test_one_generation_at_a_time(manager, titling):
    spans: dict[str, list[float]] = {"a": [], "b": []}

    def stamp(name):
        return lambda _piece: spans[name].append(time.perf_counter())

    short = dataclasses.replace(titling, max_tokens=20)
    await asyncio.gather(manager.generate(short, stamp("a")), manager.generate(short, stamp("b")))
    first, second = sorted(spans.values(), key=lambda s: s[0])
    assert first[-1] < second[0], "the second generation streamed only after the first had finished"


async def test_cancel_stops_the_generation_under_way(manager, titling):
    long = dataclasses.replace(titling, json_schema=None, max_tokens=400)
    seen: list[str] = []

    def on_token(piece: str) -> None:
        seen.append(piece)
        if len(seen) == 2:
            assert manager.cancel()

    result = await manager.generate(long, on_token)
    assert result.finish_reason == "cancelled"
    assert result.tokens < 10
    assert not manager.cancel(), "nothing left to cancel"


async def test_a_caller_that_goes_away_stops_the_model_and_frees_it(manager, titling):
    long = dataclasses.replace(titling, json_schema=None, max_tokens=400)
    started = asyncio.Event()
    task = asyncio.create_task(manager.generate(long, lambda _: started.set()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    began = time.perf_counter()
    result = await manager.generate(dataclasses.replace(titling, max_tokens=5))
    assert result.tokens > 0
    assert time.perf_counter() - began < 5, "the cancelled generation did not run on to its 400 tokens"


async def test_the_model_is_unloaded_after_an_idle_period_and_loads_again(titling):
    manager = ModelManager(LocalModel(), idle_unload_s=0.3)
    try:
        await manager.generate(dataclasses.replace(titling, max_tokens=5))
        assert manager.loaded
        await asyncio.sleep(0.8)
        assert not manager.loaded
        await manager.generate(dataclasses.replace(titling, max_tokens=5))
        assert manager.loaded
    finally:
        await manager.close()


async def test_a_missing_file_fails_with_its_name_and_reason(tmp_path, titling):
    manager = ModelManager(LocalModel(tmp_path / "gone.gguf"))
    with pytest.raises(ModelUnavailable, match=r"gone\.gguf: no such file"):
        await manager.generate(titling)
    await manager.close()


@pytest.mark.parametrize(
    ("size", "expected"),
    [(98_000_000, 1), (4_700_000_000, None)],
    ids=["135M-decodes-on-one-thread", "7B-decodes-on-every-core"],
)
def test_automatic_threads_follow_the_model_size(tmp_path, size, expected):
    path = tmp_path / "model.gguf"
    with path.open("wb") as f:
        f.truncate(size)  # sparse: only its size matters here
    model = LocalModel(path)
    assert model.batch_threads == (cores() if cores() <= 4 else cores() // 2)
    assert model.threads == (expected or model.batch_threads)
    assert LocalModel(path, threads=3).threads == LocalModel(path, threads=3).batch_threads == 3


def test_the_settings_choose_the_backend(tmp_path):
    assert isinstance(backend_for(ModelSettings()), LocalModel)
    assert backend_for(ModelSettings()).name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    local = backend_for(
        ModelSettings(path=str(tmp_path / "qwen.gguf"), threads=3, context=4096, gpu_layers=-1)
    )
    assert (local.path, local.threads, local.context, local.gpu_layers) == (
        tmp_path / "qwen.gguf",
        3,
        4096,
        -1,
    )
    endpoint = backend_for(ModelSettings(endpoint="http://lab:8080", endpoint_model="qwen2.5-7b"))
    assert isinstance(endpoint, OpenAICompatibleModel)
    assert (endpoint.base, endpoint.name) == ("http://lab:8080/v1", "qwen2.5-7b")
