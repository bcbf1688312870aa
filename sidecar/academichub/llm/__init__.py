"""Language models for the briefing: one narrow backend interface, a local llama.cpp backend, an
OpenAI-compatible HTTP backend, and the manager that loads, serialises and unloads them."""
