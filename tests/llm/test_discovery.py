"""Which models can write the briefing: the bundled one, the configured file, and the local runtimes found
running, each asked on its own port with a short timeout. The runtimes are real local HTTP servers: the
OpenAI-compatible one is llama-cpp-python's own server (conftest), Ollama's listing comes from a server that
speaks its /api/tags format."""

import asyncio
import json
import time

from aiohttp import web

from academichub.config import Config, ModelSettings, load_config, save_config
from academichub.llm.discovery import RUNTIMES, Runtime, discover, format_choices, probe, use_choice
from academichub.llm.local import bundled_model_path

OLLAMA_TAGS = {
    "models": [
        {"name": "qwen2.5:7b", "model": "qwen2.5:7b", "size": 4683087332, "details": {"family": "qwen2"}},
        {"name": "llama3.2:3b", "model": "llama3.2:3b", "size": 2019393189},
    ]
}


async def serve(port: int, routes: dict) -> web.AppRunner:
    app = web.Application()
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def runtime(kind: str, port: int) -> Runtime:
    template = next(r for r in RUNTIMES if r.kind == kind)
    base = f"http://127.0.0.1:{port}"
    return Runtime(kind, template.label, base, template.listing, base + "/v1")


async def test_llama_cpp_servers_models_are_listed_with_the_endpoint_that_chooses_them(openai_server):
    found = await asyncio.to_thread(probe, runtime("llama-server", openai_server.port))
    assert [c.name for c in found] == [str(bundled_model_path())]
    assert found[0].endpoint == f"http://127.0.0.1:{openai_server.port}/v1"
    assert found[0].endpoint_model == found[0].name


async def test_ollamas_models_are_listed_by_name_with_its_openai_compatible_endpoint(unused_tcp_port):
    async def tags(_: web.Request) -> web.Response:
        return web.json_response(OLLAMA_TAGS)

    runner = await serve(unused_tcp_port, {"/api/tags": tags})
    try:
        found = await asyncio.to_thread(probe, runtime("ollama", unused_tcp_port))
    finally:
        await runner.cleanup()
    assert [(c.name, c.size_bytes) for c in found] == [
        ("qwen2.5:7b", 4683087332),
        ("llama3.2:3b", 2019393189),
    ]
    assert {c.endpoint for c in found} == {f"http://127.0.0.1:{unused_tcp_port}/v1"}


async def test_a_runtime_not_running_or_hanging_or_answering_nonsense_lists_nothing_and_costs_little(
    unused_tcp_port_factory,
):
    hanging, nonsense, closed = (
        unused_tcp_port_factory(),
        unused_tcp_port_factory(),
        unused_tcp_port_factory(),
    )

    release = asyncio.Event()

    async def hang(_: web.Request) -> web.Response:
        await release.wait()  # until the probes are done
        return web.json_response({})

    async def html(_: web.Request) -> web.Response:
        return web.Response(text="<html>not an API</html>")

    runners = [await serve(hanging, {"/v1/models": hang}), await serve(nonsense, {"/v1/models": html})]
    try:
        began = time.perf_counter()
        results = await asyncio.gather(
            *(
                asyncio.to_thread(probe, runtime("lm-studio", port), 0.5)
                for port in (hanging, nonsense, closed)
            )
        )
        elapsed = time.perf_counter() - began
    finally:
        release.set()
        for r in runners:
            await r.cleanup()
    assert results == [[], [], []]
    assert elapsed < 3


def test_the_list_starts_with_the_bundled_model_and_marks_the_configured_choice(tmp_path):
    nothing = (runtime("llama-server", 9),)  # port 9 (discard): nothing listens there
    choices = discover(ModelSettings(), runtimes=nothing, timeout=0.3)
    assert [(c.kind, c.selected, c.available) for c in choices] == [("bundled", True, True)]

    gguf = tmp_path / "qwen2.5-7b-instruct-q4_k_m.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 60)
    choices = discover(ModelSettings(path=str(gguf)), runtimes=nothing, timeout=0.3)
    assert [(c.kind, c.name, c.selected) for c in choices] == [
        ("bundled", "SmolLM2-135M-Instruct.Q4_1.gguf", False),
        ("file", gguf.name, True),
    ]
    assert "* 2. qwen2.5-7b-instruct-q4_k_m.gguf — GGUF file" in format_choices(choices)


async def test_choosing_a_runtimes_model_saves_it_in_the_config_and_keeps_the_other_settings(
    tmp_path, unused_tcp_port
):
    async def tags(_: web.Request) -> web.Response:
        return web.json_response(OLLAMA_TAGS)

    config_file = tmp_path / "config.toml"
    save_config(config_file, Config(model=ModelSettings(threads=3)))
    runner = await serve(unused_tcp_port, {"/api/tags": tags})
    try:
        ollama = (runtime("ollama", unused_tcp_port),)
        choices = await asyncio.to_thread(discover, load_config(config_file).model, ollama)
        use_choice(config_file, choices[2])
        again = await asyncio.to_thread(discover, load_config(config_file).model, ollama)
    finally:
        await runner.cleanup()
    model = load_config(config_file).model
    assert (model.endpoint, model.endpoint_model, model.threads) == (
        f"http://127.0.0.1:{unused_tcp_port}/v1",
        "llama3.2:3b",
        3,
    )
    assert [c.name for c in again if c.selected] == ["llama3.2:3b"]
    assert json.loads(again[2].model_dump_json())["selected"] is True
