import pytest

from academichub.llm.base import GenerationRequest
from academichub.llm.local import LocalModel
from academichub.llm.manager import ModelManager

_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "cites": {"type": "array", "items": {"type": "integer", "enum": [3, 7]}},
    },
    "required": ["title", "cites"],
}
_MESSAGES = [{"role": "user", "content": "[3] Surface code decoders. [7] Qubit leakage. Title these papers."}]


@pytest.fixture(scope="session")
def bundled() -> LocalModel:
    """The bundled SmolLM2-135M, loaded once for the session (half a second)."""
    model = LocalModel()
    model.load()
    yield model
    model.unload()


@pytest.fixture
async def manager(bundled):
    manager = ModelManager(bundled, idle_unload_s=0)
    yield manager
    manager.cancel()


@pytest.fixture
def titling() -> GenerationRequest:
    """A short JSON-constrained request: a title for two cards, citing only those cards."""
    return GenerationRequest(messages=_MESSAGES, json_schema=_SCHEMA, max_tokens=60, seed=7)
