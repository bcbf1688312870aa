"""Reading the model's JSON answers: the prose as it streams, and the whole answer when it was cut short.

The model answers in JSON (its grammar allows nothing else), so a small incremental lexer follows the
answer character by character and passes on the characters of string values that are prose (titles,
sentences), escapes decoded: the popup shows words, not braces and key names. Each new prose string after
the first starts on a new line.

An answer that reached max_tokens stops mid-string; `close_json` keeps what is complete rather than losing
the whole theme to one unfinished sentence.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

PROSE_KEYS = frozenset({"title", "text", "headline", "links", "reasons", "name", "sentence"})
_ESCAPES = {"n": "\n", "t": " ", "r": "", "b": "", "f": "", '"': '"', "\\": "\\", "/": "/"}


@dataclass
class _Frame:
    is_object: bool
    key: str | None = None  # an object's latest key; an array's key in its parent object
    expect_key: bool = False


class ProseTap:
    def __init__(self) -> None:
        self._stack: list[_Frame] = []
        self._in_string = False
        self._is_key = False
        self._is_prose = False
        self._escape: str | None = None  # None; '' just after a backslash; the hex digits of a \\u escape
        self._key_chars: list[str] = []
        self._emitted = False

    def feed(self, piece: str) -> str:
        """The prose characters in `piece`, maybe ''."""
        out: list[str] = []
        for ch in piece:
            if self._in_string:
                self._string_char(ch, out)
                continue
            top = self._stack[-1] if self._stack else None
            if ch == '"':
                self._in_string = True
                self._is_key = top is not None and top.is_object and top.expect_key
                self._is_prose = not self._is_key and top is not None and top.key in PROSE_KEYS
                self._key_chars = []
                if self._is_prose and self._emitted:
                    out.append("\n")
            elif ch in "{[":
                self._stack.append(
                    _Frame(
                        is_object=ch == "{",
                        key=None if ch == "{" else (top.key if top else None),
                        expect_key=ch == "{",
                    )
                )
            elif ch in "}]":
                if self._stack:
                    self._stack.pop()
            elif ch == "," and top is not None and top.is_object:
                top.expect_key = True
            elif ch == ":" and top is not None and top.is_object:
                top.expect_key = False
        return "".join(out)

    def _string_char(self, ch: str, out: list[str]) -> None:
        if self._escape is not None:
            if self._escape == "" and ch != "u":
                self._take(_ESCAPES.get(ch, ch), out)
                self._escape = None
            elif self._escape == "" and ch == "u":
                self._escape = "u"
            else:
                self._escape += ch
                if len(self._escape) == 5:  # 'u' and four hex digits
                    with contextlib.suppress(ValueError):
                        self._take(chr(int(self._escape[1:], 16)), out)
                    self._escape = None
        elif ch == "\\":
            self._escape = ""
        elif ch == '"':
            self._in_string = False
            if self._is_key and self._stack:
                self._stack[-1].key = "".join(self._key_chars)
        else:
            self._take(ch, out)

    def _take(self, text: str, out: list[str]) -> None:
        if self._is_key:
            self._key_chars.append(text)
        elif self._is_prose:
            out.append(text)
            self._emitted = True


def _scan(text: str) -> tuple[list[str], bool, bool, list[int]]:
    """Open containers, inside-a-string, pending-escape, and the offsets of commas between items."""
    stack: list[str] = []
    in_string = escape = False
    commas: list[int] = []
    for i, ch in enumerate(text):
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]" and stack:
            stack.pop()
        elif ch == ",":
            commas.append(i)
    return stack, in_string, escape, commas


def _closed(text: str) -> str:
    stack, in_string, escape, _ = _scan(text)
    if escape:
        text = text[:-1]
    if in_string:
        text += '"'
    text = text.rstrip().rstrip(",")
    return text + "".join(reversed(stack))


def close_json(text: str) -> Any:
    """Parse `text`, closing what a cut-off answer left open; drop an unfinished last item if it must.
    Raises ValueError when nothing parses."""
    try:
        return json.loads(text, strict=False)  # strict=False: the grammar lets raw newlines into strings
    except ValueError:
        pass
    _, _, _, commas = _scan(text)
    for cut in [len(text), *reversed(commas)]:
        try:
            return json.loads(_closed(text[:cut]), strict=False)
        except ValueError:
            continue
    raise ValueError(f"not JSON, even closed: {text[:120]!r}")
