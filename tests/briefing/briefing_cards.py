"""Hand-made cards for the briefing's tests: the title and abstract are what a test is about."""

import datetime as dt

from academichub.models import Card


def card(n: int, title: str, abstract: str, category: str = "cs.LG") -> Card:
    """A hand-made card: the title and abstract are what a test is about."""
    return Card(
        n=n,
        id=f"arxiv:2606.{n:05d}",
        title=title,
        abstract=abstract,
        source_label=f"arXiv ({category})",
        date=dt.date(2026, 6, 24),
        arxiv_id=f"2606.{n:05d}",
        categories=[category],
    )
