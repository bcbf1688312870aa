"""The user's library: entries imported from reference managers, kept in the data dir, matched to stored
papers by arXiv id or DOI, and the first thing the learned radar learns from."""

from .entries import ImportReport, LibraryEntry, LibraryFileError, LibraryList, UserLibrary
from .formats import LibraryImportError, read_library_file
from .zotero import ZoteroError, read_zotero

__all__ = [
    "ImportReport",
    "LibraryEntry",
    "LibraryFileError",
    "LibraryImportError",
    "LibraryList",
    "UserLibrary",
    "ZoteroError",
    "read_library_file",
    "read_zotero",
]
