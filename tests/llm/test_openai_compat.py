"""The OpenAI-compatible backend against a small local server that speaks the chat/completions protocol
(a protocol peer, as a llama.cpp server or vLLM would be on a lab machine)."""

import asyncio
import json

import pytest
from aiohttp import web

from academichub.llm.base import GenerationRequest, ModelUnavailable
from academichub.llm.manager import ModelManager
from academichub.llm.openai_compat import API_KEY_ENV, OpenAICompatibleModel

ANSWER = ['{"title": ', '"Quantum ', "hardware", '", "cites": [3]}']
REQUEST = GenerationRequest(
    messages=[{"role": "user", "content": "Title [3]."}],
    json_schema={"type": "object", "properties": {"title": {"type": "string"}}},
    max_tokens=40,
    seed=7,
)


class LabServer:
    """Answers /v1/models and streams ANSWER as chat.completion.chunk events; records what it was sent."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.headers: list[dict] = []
        self.fail_with: int | None = None
        self.pause = 0.0

    async def models(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"object": "list", "data": [{"id": "qwen2.5-7b-instruct", "object": "model"}]}
        )

    async def chat(self, request: web.Request) -> web.StreamResponse:
        self.bodies.append(await request.json())
        self.headers.append(dict(request.headers))
        if self.fail_with:
            return web.json_response({"error": {"message": "model is loading"}}, status=self.fail_with)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b": keep-alive\n\n")
        for piece in ANSWER:
            chunk = {
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": {"content": piece}}],
            }
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
            await asyncio.sleep(self.pause)
        done = {
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        await response.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
        return response


@pytest.fixture
async def lab():
    server = LabServer()
    app = web.Application()
    app.router.add_get("/v1/models", server.models)
    app.router.add_post("/v1/chat/completions", server.chat)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield server, f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_the_endpoint_streams_text_and_is_sent_the_schema(lab, monkeypatch):
    server, url = lab
    monkeypatch.setenv(API_KEY_ENV, "lab-secret")
    manager = ModelManager(OpenAICompatibleModel(url))
    pieces: list[str] = []
    result = await manager.generate(REQUEST, pieces.append)
    await manager.close()

    assert pieces == ANSWER and result.text == "".join(ANSWER)
    assert result.finish_reason == "stop" and result.tokens == 4
    body = server.bodies[0]
    assert body["model"] == "qwen2.5-7b-instruct", "the server's only model, read from /v1/models"
    assert body["stream"] is True and body["max_tokens"] == 40 and body["seed"] == 7
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "briefing_part", "schema": REQUEST.json_schema},
    }
    assert server.headers[0]["Authorization"] == "Bearer lab-secret"


@pytest.mark.parametrize("url_suffix", ["", "/", "/v1", "/v1/chat/completions"])
async def test_any_spelling_of_the_endpoint_url_works(lab, url_suffix):
    server, url = lab
    manager = ModelManager(OpenAICompatibleModel(url + url_suffix, "named-model"))
    assert (await manager.generate(REQUEST)).text == "".join(ANSWER)
    assert server.bodies[0]["model"] == "named-model"
    await manager.close()


async def test_an_unreachable_endpoint_is_named_with_the_reason(unused_tcp_port):
    manager = ModelManager(OpenAICompatibleModel(f"http://127.0.0.1:{unused_tcp_port}"))
    with pytest.raises(ModelUnavailable, match=rf"http://127\.0\.0\.1:{unused_tcp_port}/v1: cannot reach"):
        await manager.load()
    await manager.close()


async def test_a_server_error_is_reported_with_its_status_and_message(lab):
    server, url = lab
    server.fail_with = 503
    manager = ModelManager(OpenAICompatibleModel(url))
    with pytest.raises(ModelUnavailable, match=r"503 Service Unavailable.*model is loading"):
        await manager.generate(REQUEST)
    await manager.close()


async def test_cancel_stops_reading_the_stream(lab):
    server, url = lab
    server.pause = 0.2
    manager = ModelManager(OpenAICompatibleModel(url))
    result = await manager.generate(REQUEST, lambda _: manager.cancel())
    await manager.close()
    assert result.finish_reason == "cancelled"
    assert result.tokens == 1
