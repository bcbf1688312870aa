"""Text clean-up rules for what feeds put in titles, abstracts and author lines.

Every function here is pure and cheap (precompiled regexes, fast paths when there is nothing to do): they
run on every item of every feed, and a whole ingest may cost at most 1.5x feedparser's own parse.

Feed text is treated as plain text throughout. Cleaning removes markup and never creates it: the tag
pattern only matches real HTML/JATS tag names, so TeX such as `$a<b$ and $c>d$` survives, and the output is
escaped wherever it is shown (the popup and the overlay set textContent).
"""

from __future__ import annotations

import html
import re
import unicodedata

from . import tex

# --- markup ------------------------------------------------------------------------------------------

# Only HTML element names, never any `<word ...>`: TeX (`$a<b$ and $c>d$`) and titles that are literally
# about angle brackets ("<Primary stat.ML>") are text. Any `prefix:name` (jats:p, mml:math) is markup too.
# Attributes must have a value, so `$a<b and c>d$` is not read as a <b> tag with two bare attributes.
# Block tags become a space (paragraphs must not run together), inline ones nothing ("S2</a>, Page").
_BLOCK_TAGS = (
    "address|article|aside|blockquote|br|caption|center|dd|details|dialog|div|dl|dt|fieldset|figcaption|figure|"
    "footer|form|frame|frameset|h[1-6]|header|hr|iframe|li|main|nav|ol|p|pre|section|summary|table|tbody|td|"
    "tfoot|th|thead|title|tr|ul"
)
_INLINE_TAGS = (
    "a|abbr|audio|b|base|bdi|bdo|big|button|canvas|cite|code|col|colgroup|data|del|dfn|em|embed|font|i|img|"
    "input|ins|kbd|label|link|map|mark|math|meta|noscript|object|option|param|q|rp|rt|ruby|s|samp|select|"
    "small|source|span|strike|strong|sub|sup|svg|textarea|time|tt|u|var|video|wbr"
)
_ATTRIBUTES = r"(?:\s+[\w:.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'<>]+))*\s*/?>"
_BLOCK_TAG = re.compile(rf"<(?:/\s*)?(?:[A-Za-z][\w.-]*:)?(?:{_BLOCK_TAGS})(?=[\s/>]){_ATTRIBUTES}", re.I)
_TAG = re.compile(
    rf"<(?:/\s*)?(?:(?:{_INLINE_TAGS})(?=[\s/>])|[A-Za-z][\w.-]*:[A-Za-z][\w.-]*){_ATTRIBUTES}", re.I
)
# Script and style are code, never prose: the element goes with its content.
_CODE_ELEMENT = re.compile(r"<(script|style)(?=[\s/>])[^<>]*>.*?</\1\s*>", re.I | re.S)
_CODE_TAG = re.compile(r"</?(?:script|style)(?=[\s/>])[^<>]*>", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Inline TeX, which is text whatever it holds (`$p<i>0$`). As in TeX and pandoc, no space follows the
# opening `$` or precedes the closing one, so prices ("costs $800 <b>per</b> run, not $5") are not math.
_MATH = re.compile(r"(\$\$?[^$\s](?:[^$]{0,300}?[^$\s])?\$\$?)")


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())  # str.split's whitespace is re's \s; several times faster than a sub


def strip_tags(text: str) -> str:
    """Remove HTML/JATS tags and comments and keep their text; script and style elements go whole
    (`Result<script>alert(1)</script>` becomes `Result`). What remains is text, shown escaped."""
    if "<" not in text:
        return text
    if "$" in text:
        parts = _MATH.split(text)  # odd parts are math spans, kept as they are
        if len(parts) > 1:
            return "".join(part if i % 2 else _strip_markup(part) for i, part in enumerate(parts))
    return _strip_markup(text)


def _strip_markup(text: str) -> str:
    text = _CODE_TAG.sub(" ", _CODE_ELEMENT.sub(" ", _COMMENT.sub(" ", text)))
    return _TAG.sub("", _BLOCK_TAG.sub(" ", text))


def to_plain_text(text: str) -> str:
    """Decode entities, drop tags, collapse whitespace. Entities are decoded first so that a double-escaped
    `&lt;b&gt;` cannot survive as a tag; a decoded `<` inside TeX is not a tag name and stays."""
    if "&" in text:
        text = html.unescape(text)
    return collapse_whitespace(strip_tags(text))


def clean_title(text: str) -> str:
    """A title as plain text: `‘Student Geng’ ...<b> </b>` loses the stray tags, `&amp;` becomes `&`."""
    return to_plain_text(text)


# --- abstracts ---------------------------------------------------------------------------------------

# arXiv RSS (2024+): "arXiv:2606.14677v1 Announce Type: new \nAbstract: ..." (legacy ids have a slash).
_ARXIV_PREFIX = re.compile(
    r"^\s*arXiv:(?P<id>[\w.-]+(?:/\d+)?)v(?P<version>\d+)\s+Announce\s+Type:\s*(?P<type>[\w-]+)\s*"
    r"(?:Abstract:\s*)?",
    re.IGNORECASE,
)
# Nature family (and the seed day's journals): "<p>Nature, Published online: 28 April 2026; <a>doi:..</a></p>"
_PUBLISHED_NOTICE_HTML = re.compile(r"^\s*<p>(?:(?!</p>).){0,300}?Published online:.*?</p>", re.DOTALL | re.I)
_PUBLISHED_NOTICE_TEXT = re.compile(r"^[^;]{0,200}?Published online:[^;]*;\s*doi:\S+\s*", re.I)
# Atypon (Science, PNAS, AJPH): the description is a citation, "Journal, Volume 105, Issue S2, Page e1-e7,
# April 2015.", possibly followed by an abstract.
_CITATION = re.compile(r"^(?P<ref>[^.<>]{1,200}?,\s*Volume\s+[^,]{1,20},\s*Issue\s+[^.]{1,120}?\b\d{4}\.)\s*")
# PLOS puts the author list in the content: "<p>by A, B, C</p><p>Background ...". When the paragraphs were
# flattened (the seed day), the list runs into the first section heading of the structured abstract.
_BYLINE_HTML = re.compile(r"^\s*<p>\s*by\s+(?P<names>[^<]{1,5000}?)\s*</p>", re.I)
_BYLINE_TEXT = re.compile(
    r"^by\s+(?P<names>.{1,5000}?)\s+(?=(?:Background|Introduction|Objectives?|Aims?|Purpose|Abstract|Summary)\b)"
)
_TRAILING_PUNCT = ".!?:; "


def strip_arxiv_prefix(text: str) -> tuple[str | None, int | None, str | None, str]:
    """Split arXiv's description prefix off: (id, version, announce type, the abstract). Text without the
    prefix comes back unchanged with three Nones."""
    m = _ARXIV_PREFIX.match(text)
    if not m:
        return None, None, None, text
    return m["id"], int(m["version"]), m["type"].lower(), text[m.end() :]


def drop_published_notice(text: str) -> str:
    """Remove the "<Journal>, Published online: <date>; doi:..." paragraph that Nature puts first."""
    if "Published online" not in text:
        return text
    m = _PUBLISHED_NOTICE_HTML.match(text) or _PUBLISHED_NOTICE_TEXT.match(text)
    return text[m.end() :] if m else text


def split_citation(text: str) -> tuple[str | None, str]:
    """(journal reference, rest) when plain text starts with an Atypon-style citation, else (None, text)."""
    m = _CITATION.match(text)
    if not m:
        return None, text
    return m["ref"], text[m.end() :]


def split_byline(raw: str) -> tuple[str | None, str]:
    """(author list, rest) when content starts with PLOS's "by A, B, C" line, else (None, raw)."""
    m = _BYLINE_HTML.match(raw)
    if not m:
        if not raw.startswith("by "):
            return None, raw
        m = _BYLINE_TEXT.match(raw)
        if not m:
            return None, raw
    return m["names"], raw[m.end() :]


def collapse_repeats(text: str) -> str:
    """A passage repeated back to back appears once: Nature items repeat their standfirst ("X. X."), and a
    repeated block of several sentences ("A. B. A. B.") is caught as a whole. Sentences are cut at ". "
    with str.split, which is what keeps this cheap on every abstract."""
    n = len(text)
    if n > 1 and n % 2 == 1:
        mid = n // 2
        if text[mid] == " " and text[:mid] == text[mid + 1 :]:
            return text[:mid]
    sentences = (text + " ").split(". ")  # the padding lets a final "X." compare equal to an inner "X"
    if len(sentences) < 3:
        return text
    kept = [sentences[0]]
    for sentence in sentences[1:]:
        if sentence != kept[-1]:
            kept.append(sentence)
    return text if len(kept) == len(sentences) else ". ".join(kept).rstrip()


def same_text(a: str, b: str) -> bool:
    """Equal up to case and trailing punctuation: a summary that only repeats the title is no abstract."""
    return a.rstrip(_TRAILING_PUNCT).casefold() == b.rstrip(_TRAILING_PUNCT).casefold()


def clean_abstract(text: str, title: str = "") -> str:
    """An abstract as plain text: no Nature notice, no tags or entities, whitespace collapsed, repeats
    collapsed, and empty when all it says is the title. TeX stays verbatim (`$\\mu_0$`, `$a<b$`)."""
    text = collapse_repeats(to_plain_text(drop_published_notice(text)))
    if title and same_text(text, title):
        return ""
    return text


# --- names -------------------------------------------------------------------------------------------

# `\'e`, `\'{e}`, `{\'e}`, `\'\i`; letter-named accents need a brace or a space: `\v{S}`, `\c c` (so that
# `\cdot` or `\vec` are left alone).
_LETTER = r"(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij]|[A-Za-z]))"
_SYMBOL_ACCENT = re.compile(r"\{?\\([" + tex.SYMBOL_ACCENTS + r"])\s*" + _LETTER + r"\}?")
_LETTER_ACCENT = re.compile(
    r"\{?\\([" + tex.LETTER_ACCENTS + r"])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+([A-Za-z]))\}?"
)
_SPECIAL_LETTER = re.compile(r"\{?\\(" + tex.LETTER_NAMES + r")(?![A-Za-z])(?:\{\})?\s*\}?")


def _accent(m: re.Match[str]) -> str:
    letter = m[2] or m[3]
    base = letter[1] if letter.startswith("\\") else letter  # an accented dotless \i is plain í
    return unicodedata.normalize("NFC", base + tex.ACCENTS[m[1]])


def decode_tex_accents(text: str) -> str:
    """`P\\'erez` → Pérez, `M\\"uller` → Müller, `\\v{S}` → Š, `{\\o}` → ø, `\\c{c}` → ç, `\\~n` → ñ."""
    if "\\" not in text:
        return text
    text = _SYMBOL_ACCENT.sub(_accent, text)
    text = _LETTER_ACCENT.sub(_accent, text)
    return _SPECIAL_LETTER.sub(lambda m: tex.LETTERS[m[1]], text)


_AFFILIATION = re.compile(r"\s*\([^()]*\)")
_UNCLOSED = re.compile(r"\s*\(.*$")
_AUTHOR_SEPARATOR = re.compile(r"\s*(?:,|;|\band\b|&)\s*(?:and\s+)?")
_NO_AUTHOR = frozenset({"", "unknown author", "unknown", "anonymous", "none", "n/a"})


def clean_author_name(name: str) -> str:
    """One name for display: TeX decoded, protective braces and affiliations dropped, whitespace collapsed."""
    if "(" in name or ")" in name:
        # A name never holds parentheses: an affiliation left unclosed by the feed goes too.
        name = _UNCLOSED.sub("", _AFFILIATION.sub("", name)).replace(")", "")
    name = decode_tex_accents(name)
    if "{" in name or "}" in name:
        name = name.replace("{", "").replace("}", "")
    return collapse_whitespace(name)


def is_real_author(name: str) -> bool:
    """'Unknown Author' and empty creators are no author: the card shows no author line, never a fake one."""
    return name.casefold() not in _NO_AUTHOR


def split_authors(text: str) -> list[str]:
    """arXiv's one-string author list: "A. Smith (MIT, Cambridge), B. Jones and C. P\\'erez" →
    ['A. Smith', 'B. Jones', 'C. Pérez']. Affiliations may hold commas, so they go before the split."""
    if "(" in text:
        previous = None
        while previous != text and "(" in text:  # nested parentheses come off from the inside out
            previous, text = text, _AFFILIATION.sub("", text)
    names = (clean_author_name(part) for part in _AUTHOR_SEPARATOR.split(text))
    return [name for name in names if is_real_author(name)]


# bioRxiv/medRxiv: "LAPALU, N., SIMON, A., Lu, A., Plaumann, P.-L., O'Connell, R. J." (the API uses "; "
# between authors). Every initial ends in a dot, which is what tells "Lu" (a surname) from "A." (initials).
_INITIALS = re.compile(r"^(?:[^\W\d_][^\W\d_]?\.[\s-]*)+$")
_NAME_PARTS = re.compile(r"\s*[,;]\s*")


def looks_like_last_initials(text: str) -> bool:
    """True for bioRxiv's "LAST, F., Other, G. H." shape (the second comma-separated part is initials)."""
    parts = _NAME_PARTS.split(text, 2)
    return len(parts) >= 2 and bool(_INITIALS.match(parts[1].strip()))


def split_biorxiv_authors(text: str) -> list[str]:
    """bioRxiv's "LAST, F., Other, G. H." → ['F. LAST', 'G. H. Other'].

    Display form is "initials surname", the order the other sources use (arXiv, Nature), so a radar rule
    "G. H. Other" matches across sources. The surname keeps the case the authors entered ("LAPALU" is not
    re-cased: "McDonald" and "DE LA CRUZ" cannot be recovered from it reliably). A part with no initials
    after it (a consortium) is kept as it is.
    """
    parts = [p for p in _NAME_PARTS.split(text.strip()) if p]
    names: list[str] = []
    i = 0
    while i < len(parts):
        surname = parts[i]
        if i + 1 < len(parts) and _INITIALS.match(parts[i + 1]):
            names.append(clean_author_name(f"{parts[i + 1]} {surname}"))
            i += 2
        else:
            names.append(clean_author_name(surname))
            i += 1
    return [name for name in names if is_real_author(name)]
