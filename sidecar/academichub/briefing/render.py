"""The briefing as Markdown, in the language it was written in, with its byline: which model took part,
when, which parts code assembled and which the model wrote (each marked ✎), and that it read abstracts
only."""

from __future__ import annotations

from .citations import extract_citations, marker
from .model import Briefing, Statement

_LABELS = {
    "en": {
        "byline": "Written with {model} on {when} UTC, from the papers' titles and abstracts only.",
        "links": "Across fields",
        "read_first": "Read first",
    },
    "zh": {
        "byline": "由 {model} 参与于 {when} UTC 撰写，仅阅读了论文的标题和摘要。",
        "links": "跨学科联系",
        "read_first": "优先阅读",
    },
}


def statement_markdown(statement: Statement) -> str:
    """The sentence with its citations: markers already in the text stay where the model put them, the
    rest go at the end."""
    in_text = extract_citations(statement.text)
    missing = [n for n in statement.cites if n not in in_text]
    text = statement.text.rstrip()
    text = f"{text} {marker(missing)}" if missing else text
    return f"{text} ✎" if statement.by == "model" else text


def render_markdown(briefing: Briefing) -> str:
    labels = _LABELS[briefing.language]
    when = briefing.written_at.strftime("%Y-%m-%d %H:%M")
    lines = [f"## {briefing.headline}", ""]
    if briefing.notice:
        lines += [f"**{briefing.notice}**", ""]
    byline = "" if briefing.extractive else labels["byline"].format(model=briefing.model, when=when) + " "
    lines += [f"*{byline}{briefing.credits}*".replace("* ", "*"), ""]
    if briefing.overview:
        lines += [" ".join(statement_markdown(s) for s in briefing.overview), ""]
    for theme in briefing.themes:
        lines += [f"### {theme.title}", ""]
        lines += [f"- {statement_markdown(s)}" for s in theme.statements]
        lines.append("")
    if briefing.links:
        lines += [f"### {labels['links']}", ""]
        lines += [f"- {statement_markdown(s)}" for s in briefing.links]
        lines.append("")
    if briefing.read_first:
        lines += [f"### {labels['read_first']}", ""]
        for i, pick in enumerate(briefing.read_first, start=1):
            title = f" {pick.title}" if pick.title else ""
            lines.append(f"{i}. {marker([pick.card])}{title}: {pick.why}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
