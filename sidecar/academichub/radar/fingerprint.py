"""A paper's text fingerprint: how the arXiv overlay tells that the entry on a page is the very text the
radar read in the store, so that the radar's spans apply to the page without sending it.

CRC-32 of the UTF-8 of the title, the abstract and each author's name, a line feed between them, as eight
hex digits. `extension/content/fingerprint.js` computes the same over the page's text (white space
collapsed as the store keeps it); a page that differs in anything gets a different fingerprint, and its
entry is matched the usual way.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence


def text_fingerprint(title: str, abstract: str, authors: Sequence[str]) -> str:
    text = "\n".join([title, abstract, *authors])
    return f"{zlib.crc32(text.encode()):08x}"
