"""Where papers live: the crash-safe paper store behind the `PaperStore` facade, and card numbering."""

from .paper_store import PaperStore, StoreError

__all__ = ["PaperStore", "StoreError"]
