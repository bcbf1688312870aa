"""`GET /api/v1/models`: the models that can write the briefing, as the options page offers them.

The bundled model, the configured GGUF file or endpoint, and the models of the local runtimes found running
(Ollama, llama.cpp's llama-server, LM Studio), each asked with a short timeout off the event loop. Choosing
one is a `PATCH /api/v1/settings` with the `model` keys of the choice.
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from pydantic import BaseModel

from ..llm.discovery import ModelChoice, discover
from .context import library_of
from .routing import Route, RouteTable


class ModelList(BaseModel):
    models: list[ModelChoice]


async def list_models(request: web.Request) -> ModelList:
    settings = library_of(request).config.model
    return ModelList(models=await asyncio.to_thread(discover, settings))


def add_routes(table: RouteTable) -> None:
    table.add(
        Route(
            "GET",
            "/models",
            list_models,
            "The models that can write the briefing: bundled, configured, and found running locally.",
            "settings",
            response=ModelList,
            description="Each runtime (Ollama on 11434, llama-server on 8080, LM Studio on 1234) is asked "
            "with a timeout under a second. `selected` marks the model the settings choose; a choice's "
            "`path`, `endpoint` and `endpoint_model` are the `model` settings that choose it.",
        )
    )
