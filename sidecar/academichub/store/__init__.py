"""Where papers live: the crash-safe paper store behind the `PaperStore` facade (paper_store.py; the manifest,
index, batch, record reading, compaction and storage format each in a module of their own), card numbering,
and the BibTeX/RIS export."""

from .paper_store import PaperStore, StoreError

__all__ = ["PaperStore", "StoreError"]
