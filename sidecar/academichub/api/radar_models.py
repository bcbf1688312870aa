"""The request and response bodies of the radar routes (`/api/v1/radar/...`), beside `api_models`.

The rules themselves are `RadarRule` and `RuleList` (radar.rules), the hits `RadarHit` (models): the same
types the CLI's `radar list --json` and `cards --json` print.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..ids import ARXIV_CATEGORY
from ..models import RadarHit
from ..radar import Dismissal

MAX_PAGE_ENTRIES = 2000  # arXiv's longest listing page (`?show=2000`)


class PageEntry(BaseModel):
    """A paper as the overlay reads it on an arXiv page. Spans in the answer are offsets into exactly these
    strings, so send the text that is to be highlighted."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        min_length=1,
        max_length=200,
        description="The arXiv id as the page shows it ('2606.14677', '2606.14677v2', "
        "'hep-th/9901001'), or a store id ('arxiv:2606.14677', 'doi:...').",
    )
    title: str = Field(default="", max_length=5000)
    abstract: str = Field(
        default="", max_length=50_000, description="Empty on pages that show none (/recent)."
    )
    authors: list[str] = Field(default_factory=list, max_length=2000, description="One name per author.")
    categories: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="The entry's subjects, primary first ('cs.LG'), when the page shows them; a rule "
        "limited to some categories matches only entries whose categories are given.",
    )

    @property
    def source_label(self) -> str:
        # What a rule's `sources` compares with: these are arXiv pages, so 'arXiv' or 'arXiv (cs.LG)'.
        return f"arXiv ({self.categories[0]})" if self.categories else "arXiv"


class MatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    papers: list[PageEntry] = Field(
        max_length=MAX_PAGE_ENTRIES, description=f"The papers seen on the page, at most {MAX_PAGE_ENTRIES}."
    )


class RadarMatch(BaseModel):
    """One paper of the page that the radar matches."""

    id: str = Field(description="The id as it was sent.")
    paper_id: str = Field(description="The store's id for it ('arxiv:2606.14677').")
    score: float
    known: bool = Field(description="True when the paper is already in the store (a card of some day).")
    hits: list[RadarHit] = Field(description="Where each rule matched: offsets into the strings sent.")
    why: str = Field(
        description="The score explained: which rule, which words, in which field; one line a rule."
    )


class MatchResponse(BaseModel):
    matches: list[RadarMatch] = Field(description="The matched papers, in the order they were sent.")
    dismissed: list[str] = Field(
        description="Ids (as sent) of papers the rules match but the user dismissed: not in `matches`."
    )
    rules: int = Field(description="How many rules the radar holds.")


class ListingQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: str = Field(
        pattern=ARXIV_CATEGORY,
        max_length=40,
        description="The listing's category or archive, as in /list/<category>/new: 'cs.AI', 'hep-th'.",
    )
    days: int = Field(default=7, ge=1, le=16, description="How many of the store's latest days to cover.")


class ListingRadar(BaseModel):
    """The radar's say on the store's arXiv papers of one listing's category, for the overlay to mark a
    listing page without sending it: the entries whose text is the stored text (same fingerprint) take
    their matches from here; any other entry is sent to /radar/match."""

    papers: dict[str, str] = Field(
        description="Bare arXiv id -> fingerprint of the stored title, abstract and authors "
        "(CRC-32 of their UTF-8, a line feed between them, as 8 hex digits)."
    )
    matches: list[RadarMatch] = Field(
        description="Those the radar matches (dismissed ones are not), as /radar/match answers them, with "
        "offsets into the stored strings; `id` is the bare arXiv id."
    )
    rules: int = Field(description="How many rules the radar holds.")


class DismissRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        min_length=1, max_length=300, description="'arxiv:2606.14677', '2606.14677', or 'doi:...'."
    )


class DismissalList(BaseModel):
    dismissed: list[Dismissal] = Field(description="Papers kept out of the radar, in the order dismissed.")
