"""Chosen papers as BibTeX or RIS, for a reference manager.

Stored fields are plain text (DESIGN: the feed's TeX in authors is decoded; titles may keep `$...$` math).
BibTeX needs that text turned back into TeX that cannot break the entry: braces balanced, the special
characters escaped, accented Latin letters as TeX accents for classic BibTeX; math kept verbatim.
RIS is one tag per line: a value must never contain a line break, or it would start a new tag.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from ..ingest import tex
from ..models import Paper

# ---- BibTeX ----

_TEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}

# An inline math span as arXiv titles carry it: `$...$` on one line, not `\$`.
_MATH = re.compile(r"(?<!\\)\$[^$\n]+(?<!\\)\$")


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _tex_char(ch: str) -> str:
    if ch in _TEX_SPECIALS:
        return _TEX_SPECIALS[ch]
    if ch in tex.COMMAND_OF_LETTER:
        return tex.COMMAND_OF_LETTER[ch]
    if ord(ch) < 128:
        return ch
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if marks and ord(base) < 128 and all(m in tex.COMMAND_OF_MARK for m in marks):
        out = r"\i" if base == "i" else base  # TeX puts accents on a dotless i: {\'\i}
        for mark in marks:
            command = tex.COMMAND_OF_MARK[mark]
            out = f"\\{command}{{{out}}}" if command.isalpha() else f"\\{command}{out}"
        return "{" + out + "}"
    return ch  # Greek, CJK, symbols: left as UTF-8, which biber and bibtex8 read


def tex_escape(text: str) -> str:
    """Plain text as a BibTeX field value: specials escaped, accents as TeX, `$...$` math kept as is."""
    out: list[str] = []
    last = 0
    for match in _MATH.finditer(text):
        out.extend(_tex_char(ch) for ch in text[last : match.start()])
        span = match.group()
        out.append(span if _balanced(span) else "".join(_tex_char(ch) for ch in span))
        last = match.end()
    out.extend(_tex_char(ch) for ch in text[last:])
    return " ".join("".join(out).split())


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded)


def _last_name(author: str) -> str:
    # "Pérez, J." and "J. Pérez" both give Pérez; affiliations in parentheses are not names.
    author = re.sub(r"\(.*?\)", "", author).strip()
    if "," in author:
        return author.split(",", 1)[0]
    parts = author.split()
    return parts[-1] if parts else ""


_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "and", "to", "with", "towards", "toward"}


def citation_key(paper: Paper) -> str:
    """`perez2026quasilinear`: first author's last name, year, first significant title word (ASCII)."""
    name = _ascii_word(_last_name(paper.authors[0])).lower() if paper.authors else ""
    words = [_ascii_word(w).lower() for w in re.split(r"[\s\-:$]+", paper.title)]
    word = next((w for w in words if w and w not in _STOPWORDS), "")
    return f"{name or 'anon'}{paper.date.year}{word}"


def _is_preprint(paper: Paper) -> bool:
    label = paper.source_label.lower()
    return bool(paper.arxiv_id) or label.startswith(("biorxiv", "medrxiv"))


def _bibtex_entry(paper: Paper, key: str) -> str:
    fields: list[tuple[str, str]] = [
        ("title", "{" + tex_escape(paper.title) + "}"),  # inner braces keep the title's capitals
        ("author", " and ".join(tex_escape(a) for a in paper.authors)),
        ("year", str(paper.date.year)),
        ("month", paper.date.strftime("%b").lower()),
    ]
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archiveprefix", "arXiv")]
        if paper.categories:
            fields.append(("primaryclass", paper.categories[0]))
    elif _is_preprint(paper):
        fields.append(("publisher", tex_escape(paper.source_label.split(" (")[0])))
    else:
        fields.append(("journal", tex_escape(paper.source_label)))
    if paper.journal_ref:
        fields.append(("note", tex_escape(paper.journal_ref)))
    if paper.doi:
        fields.append(("doi", tex_escape(paper.doi)))
    if paper.url:
        fields.append(("url", tex_escape(paper.url)))
    if paper.abstract:
        fields.append(("abstract", tex_escape(paper.abstract)))
    kind = "misc" if _is_preprint(paper) else "article"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def to_bibtex(papers: Sequence[Paper]) -> str:
    """One entry per paper, keys made unique with a, b, c... as BibTeX styles do."""
    seen: dict[str, int] = {}
    entries = []
    for paper in papers:
        key = citation_key(paper)
        count = seen.get(key, 0)
        seen[key] = count + 1
        entries.append(_bibtex_entry(paper, key + (_suffix(count) if count else "")))
    return "\n".join(entries)


def _suffix(count: int) -> str:
    letters = ""
    while count:
        count, rest = divmod(count - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


# ---- RIS ----


def _ris_value(text: str) -> str:
    return " ".join(text.split())  # a line break would end the tag and let the text start a new one


def _ris_lines(paper: Paper) -> Iterable[tuple[str, str]]:
    yield "TY", "UNPB" if _is_preprint(paper) else "JOUR"
    yield "ID", paper.id
    yield "TI", paper.title
    for author in paper.authors:
        yield "AU", author
    yield "PY", str(paper.date.year)
    yield "DA", paper.date.strftime("%Y/%m/%d/")
    yield ("T2" if _is_preprint(paper) else "JO"), paper.source_label
    if paper.abstract:
        yield "AB", paper.abstract
    if paper.doi:
        yield "DO", paper.doi
    if paper.url:
        yield "UR", paper.url
    if paper.arxiv_id:
        version = f"v{paper.arxiv_version}" if paper.arxiv_version else ""
        yield "N1", f"arXiv:{paper.arxiv_id}{version}"
    if paper.journal_ref:
        yield "N1", paper.journal_ref
    for category in paper.categories:
        yield "KW", category
    yield "ER", ""


def to_ris(papers: Sequence[Paper]) -> str:
    """RIS records, CRLF line ends as the format asks."""
    lines: list[str] = []
    for paper in papers:
        lines.extend(f"{tag}  - {_ris_value(value)}" for tag, value in _ris_lines(paper))
        lines.append("")
    return "\r\n".join(lines)


FORMATS = {
    "bibtex": (to_bibtex, "application/x-bibtex"),
    "ris": (to_ris, "application/x-research-info-systems"),
}
