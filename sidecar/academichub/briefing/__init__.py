"""The daily briefing: the day's papers chosen and grouped into themes by code, the prose written by a
small model on the user's machine, every citation checked against the cards it was given."""

from .model import Briefing, BriefingEvent, ReadFirst, Statement, Theme
from .render import render_markdown
from .writer import stream_briefing, write_briefing

__all__ = [
    "Briefing",
    "BriefingEvent",
    "ReadFirst",
    "Statement",
    "Theme",
    "render_markdown",
    "stream_briefing",
    "write_briefing",
]
