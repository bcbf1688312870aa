"""Language models for the briefing: one narrow backend interface (base), a local GGUF file through
llama-cpp-python (local), an OpenAI-compatible endpoint (openai_compat), and the manager that loads,
serialises, cancels and unloads them (manager)."""

from .base import Generation, GenerationRequest, ModelBackend, ModelUnavailable
from .local import LocalModel, bundled_model_path
from .manager import ModelManager, backend_for
from .openai_compat import OpenAICompatibleModel

__all__ = [
    "Generation",
    "GenerationRequest",
    "LocalModel",
    "ModelBackend",
    "ModelManager",
    "ModelUnavailable",
    "OpenAICompatibleModel",
    "backend_for",
    "bundled_model_path",
]
