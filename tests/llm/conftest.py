import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

import pytest

from academichub.llm.base import GenerationRequest
from academichub.llm.local import LocalModel, bundled_model_path
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


@dataclass
class OpenAIServer:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def openai_server(tmp_path_factory) -> OpenAIServer:
    """llama-cpp-python's own OpenAI-compatible server (`llama_cpp.server`) serving the bundled GGUF on a
    free port: what llama.cpp's llama-server or LM Studio are to a user. Started once; stopped at the end."""
    port = _free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model_path())]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "1"]
    log = tmp_path_factory.mktemp("openai-server") / "server.log"  # llama.cpp logs a lot: a pipe would fill
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    server = OpenAIServer(port, process)
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{server.url}/models", timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"llama_cpp.server exited: {log.read_text()[-2000:]}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError("llama_cpp.server did not answer within 120 s") from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
