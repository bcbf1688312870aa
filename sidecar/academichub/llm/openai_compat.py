"""A model served over the OpenAI chat-completions protocol: a llama.cpp server or vLLM on a lab machine.

Blocking urllib on the manager's thread, like the local backend, so both share one interface and one
cancellation path (checked between streamed chunks).
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from .base import Generation, GenerationRequest, ModelBackend, ModelUnavailable, OnToken

API_KEY_ENV = "ACADEMICHUB_MODEL_API_KEY"  # read at call time; never written to the config file


def _api_base(url: str) -> str:
    """Accept 'http://host:8080', '.../v1' or '.../v1/chat/completions'; return '.../v1'."""
    base = url.rstrip("/")
    for suffix in ("/chat/completions", "/completions"):
        base = base.removesuffix(suffix)
    return base if base.endswith("/v1") else base + "/v1"


class OpenAICompatibleModel(ModelBackend):
    def __init__(
        self, url: str, model: str = "", *, connect_timeout: float = 10.0, read_timeout: float = 120.0
    ):
        self.base = _api_base(url)
        self.model = model
        self.timeout = max(connect_timeout, read_timeout)
        self._connect_timeout = connect_timeout
        self.name = model or self.base
        self.description = f"{model or 'the default model'} at {self.base} (OpenAI-compatible endpoint)"
        self._reachable = False
        self._schema_form = "json_schema"  # or "json_object", for a server that refused the first

    def _request(self, path: str, body: dict[str, Any] | None = None) -> urllib.request.Request:
        headers = {"Accept": "application/json"}
        if key := os.environ.get(API_KEY_ENV):
            headers["Authorization"] = f"Bearer {key}"
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        return urllib.request.Request(self.base + path, data=data, headers=headers)

    @property
    def loaded(self) -> bool:
        return self._reachable

    def load(self) -> None:
        """Nothing to load here; check the server answers, so a wrong URL fails with its reason at once."""
        if self._reachable:
            return
        try:
            with urllib.request.urlopen(self._request("/models"), timeout=self._connect_timeout) as response:
                listing = json.load(response)
        except urllib.error.HTTPError as exc:
            raise ModelUnavailable(
                self.base, f"the server answered {exc.code} {exc.reason} to GET /models"
            ) from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ModelUnavailable(self.base, f"cannot reach an OpenAI-compatible server ({reason})") from exc
        if not self.model:  # a llama.cpp server serves one model: use whatever it names
            models = (listing.get("data") if isinstance(listing, dict) else None) or []
            if models and isinstance(models[0], dict) and models[0].get("id"):
                self.model = self.name = str(models[0]["id"])
        self._reachable = True

    def unload(self) -> None:
        self._reachable = False

    def chat_body(self, request: GenerationRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "messages": request.messages,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stream": True,
        }
        if self.model:
            body["model"] = self.model
        if request.stop:
            body["stop"] = list(request.stop)
        if request.seed is not None:
            body["seed"] = request.seed
        if request.json_schema is not None and self._schema_form == "json_schema":
            # OpenAI's structured-output form; llama.cpp's server, vLLM, LM Studio and Ollama take it.
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "briefing_part", "schema": request.json_schema},
            }
        elif request.json_schema is not None:
            # llama-cpp-python's own server knows only this form (it refuses 'json_schema' with a 500).
            body["response_format"] = {"type": "json_object", "schema": request.json_schema}
        return body

    def _post_chat(self, request: GenerationRequest) -> Any:
        try:
            return urllib.request.urlopen(
                self._request("/chat/completions", self.chat_body(request)), timeout=self.timeout
            )
        except urllib.error.HTTPError as exc:
            if (
                request.json_schema is None
                or self._schema_form != "json_schema"
                or exc.code not in (400, 422, 500)
            ):
                raise
            detail = exc.read(2000).decode("utf-8", "replace")
            if "response_format" not in detail:
                raise urllib.error.HTTPError(
                    exc.url, exc.code, exc.reason, exc.headers, io.BytesIO(detail.encode())
                ) from None
            self._schema_form = "json_object"  # and for every later request to this server
            return urllib.request.urlopen(
                self._request("/chat/completions", self.chat_body(request)), timeout=self.timeout
            )

    def generate(self, request: GenerationRequest, on_token: OnToken, cancel: threading.Event) -> Generation:
        self.load()
        started = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        finish = "stop"
        try:
            response = self._post_chat(request)
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace")
            raise ModelUnavailable(
                self.base, f"chat/completions answered {exc.code} {exc.reason}: {detail}"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            self._reachable = False
            raise ModelUnavailable(
                self.base, f"chat/completions failed ({getattr(exc, 'reason', exc)})"
            ) from exc
        with response:
            for raw in response:
                if cancel.is_set():
                    finish = "cancelled"
                    break
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue  # blank separators, ': keep-alive' comments
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                try:
                    choice = json.loads(payload)["choices"][0]
                except (ValueError, KeyError, IndexError, TypeError) as exc:
                    raise ModelUnavailable(
                        self.base, f"not a chat/completions stream chunk: {payload[:200]!r}"
                    ) from exc
                text = (choice.get("delta") or {}).get("content")
                if text:
                    if first is None:
                        first = time.perf_counter() - started
                    pieces.append(text)
                    on_token(text)
                if choice.get("finish_reason"):
                    finish = choice["finish_reason"]
        return Generation(
            text="".join(pieces),
            tokens=len(pieces),
            finish_reason="length"
            if finish == "length"
            else ("cancelled" if finish == "cancelled" else "stop"),
            first_token_s=first,
            total_s=time.perf_counter() - started,
        )
