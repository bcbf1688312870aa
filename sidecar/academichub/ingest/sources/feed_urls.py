"""Whether a text is a feed URL AcademicHub can fetch, checked when a source is added: a URL that could never
be fetched is refused then, with why, instead of being saved and failing at every refresh."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import idna

# Invisible characters that reorder what is shown: a URL holding one reads as another.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ASCII_HOST = re.compile(
    r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$"
)
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


def _problem(url: str) -> str | None:
    for position, char in enumerate(url):
        if ord(char) < 0x20 or ord(char) == 0x7F or char in BIDI:
            return f"it holds an invisible control character (U+{ord(char):04X}) at position {position}"
        if char.isspace():
            return f"it holds a space at position {position}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "expected http:// or https:// and a host name"
    try:
        port = parts.port
    except ValueError:
        return "its port is not a number from 1 to 65535"
    if port == 0:
        return "its port is not a number from 1 to 65535"
    host = parts.hostname
    if ":" in host or _IPV4.match(host):
        return None  # an address: urlsplit has checked the brackets; the fetch checks the rest
    if host.isascii() and "xn--" not in host:
        if len(host) > 253 or not _ASCII_HOST.match(host):
            return f"{host!r} is not a valid host name"
        return None
    try:
        idna.encode(host, uts46=True)
    except idna.IDNAError as exc:
        return f"{host!r} is not a valid international host name ({exc})"
    return None


def checked_feed_url(text: str) -> str:
    """The URL to fetch (scheme in lower case: `HTTP://` is `http://`), or ValueError saying what is wrong."""
    url = text.strip()
    problem = _problem(url)
    if problem:
        raise ValueError(f"not a feed URL: {url[:200]!r}: {problem}")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme=parts.scheme.lower()))
