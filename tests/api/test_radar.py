"""The radar endpoints on a real sidecar over the recorded seed day: rules, matching the papers of a recorded
arXiv listing page as the overlay sends them, dismissals, and the radar-only cards."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest
from served import Sidecar

from academichub.api.models import CardPage
from academichub.api.radar_models import DismissalList, ListingRadar, MatchResponse
from academichub.cli import main
from academichub.radar import RadarRule, RuleList
from academichub.radar.compiled import CompiledMatcher
from academichub.radar.fingerprint import text_fingerprint

LISTING = Path(__file__).parents[1] / "fixtures" / "pages" / "arxiv_list_cs.AI_new.html"


class ListingReader(HTMLParser):
    """The entries of an arXiv /list/<cat>/new page, read as the overlay reads them: the id from
    dt a[title=Abstract], the text of div.list-title without its 'Title:' label, each author link of
    div.list-authors, p.mathjax, and the primary subject."""

    FIELDS: ClassVar[dict[str, str]] = {
        "list-title": "title",
        "list-authors": "authors",
        "primary-subject": "categories",
        "mathjax": "abstract",
    }

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict[str, Any]] = []
        self.field: str | None = None  # the entry field the text goes to
        self.label = False  # inside span.descriptor ('Title:'): not the paper's text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "a" and a.get("title") == "Abstract":
            self.entries.append({"id": a["id"], "title": "", "abstract": "", "authors": [], "categories": []})
        elif tag == "a" and self.field == "authors":
            self.entries[-1]["authors"].append("")
        elif tag in ("div", "p", "span") and self.entries:
            field = next((self.FIELDS[c] for c in classes if c in self.FIELDS), None)
            if field == "abstract" and tag != "p":
                field = None  # div.list-title is 'list-title mathjax': the title
            self.field = field or self.field
            self.label = "descriptor" in classes

    def handle_endtag(self, tag: str) -> None:
        if tag in ("div", "p") or (tag == "span" and self.field == "categories"):
            self.field = None
        self.label = False

    def handle_data(self, data: str) -> None:
        if self.field is None or self.label:
            return
        entry = self.entries[-1]
        if self.field == "authors":
            if self.lasttag == "a" and entry["authors"] and not entry["authors"][-1]:
                entry["authors"][-1] = data  # the link's text; the ', ' between links is not a name
        elif self.field == "categories":
            entry["categories"].append(data.strip())
        else:
            entry[self.field] += data


def listing_entries() -> list[dict[str, Any]]:
    reader = ListingReader()
    reader.feed(LISTING.read_text(encoding="utf-8"))
    return reader.entries


RULES = [
    {"name": "spiking", "terms": ["spiking neural", "time-to-first-spike", "neuromorph*"], "weight": 2},
    {"name": "climate", "terms": ["land surface", "climate"], "exclude": ["weather forecast*"]},
    {"name": "people", "authors": ["Ana Ivanov", "J. Silva"]},
]


async def _post(sidecar: Sidecar, path: str, body: Any, status: int = 200) -> Any:
    async with sidecar.client.post(f"/api/v1{path}", json=body) as r:
        assert r.status == status, await r.text()
        return await r.json()


async def _match(sidecar: Sidecar, papers: list[dict[str, Any]]) -> MatchResponse:
    return MatchResponse.model_validate(await _post(sidecar, "/radar/match", {"papers": papers}))


@pytest.fixture
async def radar(sidecar: Sidecar) -> Sidecar:
    for rule in RULES:
        await _post(sidecar, "/radar/rules", rule, status=201)
    return sidecar


# ---- rules ----


async def test_rules_are_created_listed_replaced_and_removed(sidecar: Sidecar) -> None:
    created = await _post(sidecar, "/radar/rules", {"name": "Quantum", "terms": ["qubit*"]}, status=201)
    assert RadarRule.model_validate(created) == RadarRule(name="Quantum", terms=["qubit*"])
    async with sidecar.client.put(
        "/api/v1/radar/rules/quantum", json={"name": "qec", "terms": ["surface code"], "weight": 3}
    ) as r:
        assert r.status == 200, await r.text()
    async with sidecar.client.get("/api/v1/radar/rules") as r:
        listed = RuleList.model_validate(await r.json())
    assert listed.rules == [RadarRule(name="qec", terms=["surface code"], weight=3)]
    async with sidecar.client.delete("/api/v1/radar/rules/QEC") as r:
        assert r.status == 200
        assert RuleList.model_validate(await r.json()).rules == []


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error", "field"),
    [
        ("POST", "/radar/rules", {"name": "x", "terms": ["*"]}, 400, "invalid_body", "body.terms"),
        ("POST", "/radar/rules", {"name": "x"}, 400, "invalid_body", "body"),
        ("POST", "/radar/rules", {"name": "spiking", "terms": ["y"]}, 409, "rule_exists", "body.name"),
        ("PUT", "/radar/rules/nope", {"name": "nope", "terms": ["y"]}, 404, "not_found", "name"),
        ("PUT", "/radar/rules/spiking", {"name": "CLIMATE", "terms": ["y"]}, 409, "rule_exists", "body.name"),
        ("DELETE", "/radar/rules/nope", None, 404, "not_found", "name"),
        ("DELETE", "/radar/dismissals/arxiv:2606.13016", None, 404, "not_found", "paper_id"),
        (
            "POST",
            "/radar/match",
            {"papers": [{"id": "1", "title": "x"}] * 2001},
            400,
            "invalid_body",
            "body.papers",
        ),
        ("POST", "/radar/match", {"papers": [{"title": "no id"}]}, 400, "invalid_body", "body.papers.0.id"),
    ],
)
async def test_a_wrong_request_gets_an_error_naming_what_is_wrong(
    radar: Sidecar, method: str, path: str, body: Any, status: int, error: str, field: str
) -> None:
    async with radar.client.request(method, f"/api/v1{path}", json=body) as r:
        assert r.status == status, await r.text()
        answer = await r.json()
    assert (answer["error"], answer["field"]) == (error, field)
    async with radar.client.get("/api/v1/radar/rules") as r:
        assert [rule["name"] for rule in (await r.json())["rules"]] == [
            "spiking",
            "climate",
            "people",
        ]  # unharmed


async def test_a_rule_added_with_the_cli_counts_at_once(sidecar: Sidecar, capsys) -> None:
    assert main(["--data-dir", str(sidecar.paths.data), "radar", "add", "land", "--terms", "land use"]) == 0
    found = await _match(sidecar, listing_entries())
    assert {m.id for m in found.matches} == {"2606.11793"}
    assert found.matches[0].why == "land: “Land Use” in the title +3; “land use” in the abstract +1"


# ---- matching a page ----


async def test_a_listing_page_gets_exactly_its_matches_with_spans_on_the_text_sent(radar: Sidecar) -> None:
    entries = listing_entries()
    assert len(entries) == 15 and all(e["title"].strip() and e["authors"] for e in entries)
    found = await _match(radar, entries)
    by_id = {e["id"]: e for e in entries}
    assert [m.id for m in found.matches] == ["2606.13016", "2606.11793", "2512.02318"]  # page order
    assert found.rules == 3 and found.dismissed == []
    for match in found.matches:
        entry = by_id[match.id]
        assert match.paper_id == f"arxiv:{match.id}"
        for hit in match.hits:
            text = entry["authors"][hit.author] if hit.field == "authors" else entry[hit.field]
            assert text[hit.start : hit.end] == hit.text
    spiking, land, people = found.matches
    assert {(h.rule, h.field, h.text) for h in spiking.hits} >= {
        ("spiking", "title", "Time-to-first-spike"),
        ("spiking", "abstract", "Spiking neural"),
        ("people", "authors", "Jonas Silva"),
    }
    assert {(h.rule, h.field, h.text) for h in land.hits} >= {
        ("climate", "abstract", "land surface"),
        ("climate", "abstract", "climate"),
        ("people", "authors", "Ana Ivanov"),
    }
    assert [(h.rule, h.text) for h in people.hits] == [("people", "Jonas Silva")]
    assert spiking.why.splitlines()[0].startswith("spiking (weight 2): “Time-to-first-spike” in the title +6")


async def test_the_longest_listing_is_matched_in_one_call(radar: Sidecar) -> None:
    # /list/<cat>/pastweek?show=2000: titles and authors, no abstracts.
    listing = listing_entries()
    page = [{**listing[i % len(listing)], "id": f"2606.{i:05d}", "abstract": ""} for i in range(2000)]
    matching = {"2606.13016", "2606.11793", "2512.02318"}  # by a title word or an author, as above
    expected = [entry["id"] for i, entry in enumerate(page) if listing[i % len(listing)]["id"] in matching]
    found = await _match(radar, page)
    assert [m.id for m in found.matches] == expected
    assert all(not m.known for m in found.matches)  # made-up ids: none is in the store


async def test_known_says_whether_the_store_holds_the_paper(radar: Sidecar) -> None:
    stored = listing_entries()[0]
    unseen = {**stored, "id": "2699.00001v2"}
    found = await _match(radar, [stored, unseen])
    assert [(m.id, m.paper_id, m.known) for m in found.matches] == [
        ("2606.13016", "arxiv:2606.13016", True),
        ("2699.00001v2", "arxiv:2699.00001", False),
    ]


async def test_a_page_without_rules_or_without_matches_answers_empty(sidecar: Sidecar) -> None:
    assert (await _match(sidecar, listing_entries())).model_dump() == {
        "matches": [],
        "dismissed": [],
        "rules": 0,
    }
    assert (await _match(sidecar, [])).matches == []


async def test_a_damaged_radar_file_is_a_409_and_the_cards_still_come(radar: Sidecar) -> None:
    (radar.paths.data / "radar.json").write_text('{"rules": ')
    async with radar.client.post("/api/v1/radar/match", json={"papers": listing_entries()}) as r:
        assert r.status == 409
        assert (await r.json())["error"] == "radar_file_broken"
    async with radar.client.get("/api/v1/cards") as r:
        assert r.status == 200
        assert all(card["radar"] == [] for card in (await r.json())["cards"])
    async with radar.client.get("/api/v1/cards", params={"radar": "true"}) as r:
        assert r.status == 409


async def test_the_overlay_gets_the_rules_compiled_with_a_new_rule_or_dismissal_at_once(
    radar: Sidecar,
) -> None:
    async def compiled() -> CompiledMatcher:
        async with radar.client.get("/api/v1/radar/matcher") as r:
            assert r.status == 200, await r.text()
            return CompiledMatcher.model_validate(await r.json())

    first = await compiled()
    assert [rule.name for rule in first.rules] == [rule["name"] for rule in RULES]
    assert first.fold.starts and first.dismissed == []
    await _post(radar, "/radar/rules", {"name": "Quantum", "terms": ["qubit*"]}, status=201)
    await _post(radar, "/radar/dismissals", {"id": "2606.13016v1"})
    second = await compiled()
    assert second.rules[-1].name == "Quantum" and any(t.anchor == "qubit" for t in second.terms)
    assert second.dismissed == ["arxiv:2606.13016"]


# ---- what the radar says of a listing's papers already in the store ----


async def _listing(sidecar: Sidecar, **query: str) -> ListingRadar:
    async with sidecar.client.get("/api/v1/radar/listing", params=query) as r:
        assert r.status == 200, await r.text()
        return ListingRadar.model_validate(await r.json())


def _collapsed(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry's text as the store keeps it: white space collapsed."""
    return {
        **entry,
        "title": " ".join(entry["title"].split()),
        "abstract": " ".join(entry["abstract"].split()),
        "authors": [a.strip() for a in entry["authors"]],
    }


async def test_a_listing_gets_the_stored_papers_fingerprints_and_the_matches_the_page_would_get(
    radar: Sidecar,
) -> None:
    listing = await _listing(radar, category="cs.AI")
    page = [_collapsed(e) for e in listing_entries()]
    # Every paper of the recorded cs.AI listing is in the seed day, with the very text of the page.
    for entry in page:
        assert listing.papers[entry["id"]] == text_fingerprint(
            entry["title"], entry["abstract"], entry["authors"]
        )
    sent = await _match(radar, page)
    on_page = [m for m in listing.matches if m.id in {e["id"] for e in page}]
    assert sorted(on_page, key=lambda m: m.id) == sorted(sent.matches, key=lambda m: m.id)
    assert listing.rules == 3 and all(m.known for m in listing.matches)


async def test_a_listing_covers_its_category_or_archive_and_leaves_dismissed_papers_out(
    radar: Sidecar,
) -> None:
    ai = await _listing(radar, category="cs.AI")
    archive = await _listing(radar, category="cs")
    assert set(ai.papers) < set(archive.papers)
    assert not set(ai.papers) & set((await _listing(radar, category="q-bio.NC")).papers)
    assert "2606.13016" in {m.id for m in ai.matches}
    await _post(radar, "/radar/dismissals", {"id": "arxiv:2606.13016"})
    after = await _listing(radar, category="cs.AI")
    assert "2606.13016" in after.papers and "2606.13016" not in {m.id for m in after.matches}


@pytest.mark.parametrize("query", [{}, {"category": "cs.AI/../x"}, {"category": "cs.AI", "days": "0"}])
async def test_a_listing_query_out_of_shape_is_a_400(sidecar: Sidecar, query: dict[str, str]) -> None:
    async with sidecar.client.get("/api/v1/radar/listing", params=query) as r:
        assert r.status == 400


# ---- dismissals and the radar view of the cards ----


async def _radar_cards(sidecar: Sidecar, **query: str) -> CardPage:
    async with sidecar.client.get("/api/v1/cards", params={"radar": "true", "limit": "100", **query}) as r:
        assert r.status == 200, await r.text()
        return CardPage.model_validate(await r.json())


async def test_radar_cards_are_the_matches_ranked_by_score_and_numbered_without_gaps(radar: Sidecar) -> None:
    page = await _radar_cards(radar)
    assert page.total == len(page.cards) >= 2
    assert [c.n for c in page.cards] == list(range(1, page.total + 1))
    assert [c.score for c in page.cards] == sorted((c.score for c in page.cards), reverse=True)
    assert all(c.radar and c.score > 0 for c in page.cards)
    assert page.cards[0].id == "arxiv:2606.13016"
    everything = await _page_all(radar)
    assert {c.id for c in everything if c.radar} == {c.id for c in page.cards}  # plain cards carry hits too
    second = await _radar_cards(radar, offset="1", limit="1")
    assert [(c.n, c.id) for c in second.cards] == [(2, page.cards[1].id)]


async def _page_all(sidecar: Sidecar) -> list:
    async with sidecar.client.get("/api/v1/cards", params={"limit": "100"}) as r:
        return CardPage.model_validate(await r.json()).cards


async def test_the_api_radar_cards_are_the_cli_radar_cards(radar: Sidecar, capsys) -> None:
    page = await _radar_cards(radar)
    await radar.library.in_store(radar.library.store.close)  # the CLI opens the store itself
    assert main(["--data-dir", str(radar.paths.data), "cards", "--radar", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    async_json = [card.model_dump(mode="json") for card in page.cards]
    assert cli == async_json


async def test_a_dismissed_paper_leaves_the_radar_and_teaches_nothing(radar: Sidecar) -> None:
    before_cards = await _radar_cards(radar)
    before_rules = await (await radar.client.get("/api/v1/radar/rules")).json()
    dismissal = await _post(radar, "/radar/dismissals", {"id": "2606.13016v1"})
    assert dismissal["id"] == "arxiv:2606.13016"

    found = await _match(radar, listing_entries())
    assert [m.id for m in found.matches] == ["2606.11793", "2512.02318"] and found.dismissed == ["2606.13016"]
    after_cards = await _radar_cards(radar)
    assert [c.id for c in after_cards.cards] == [
        c.id for c in before_cards.cards if c.id != "arxiv:2606.13016"
    ]
    assert [c.n for c in after_cards.cards] == list(range(1, after_cards.total + 1))
    # Nothing learnt: the rules and every other paper's score are as they were.
    assert (await (await radar.client.get("/api/v1/radar/rules")).json()) == before_rules
    assert {c.id: c.score for c in after_cards.cards} == {
        c.id: c.score for c in before_cards.cards if c.id != "arxiv:2606.13016"
    }

    async with radar.client.get("/api/v1/radar/dismissals") as r:
        assert [d.id for d in DismissalList.model_validate(await r.json()).dismissed] == ["arxiv:2606.13016"]
    async with radar.client.delete("/api/v1/radar/dismissals/arxiv:2606.13016") as r:
        assert r.status == 200 and (await r.json())["dismissed"] == []
    assert [c.id for c in (await _radar_cards(radar)).cards] == [c.id for c in before_cards.cards]


async def test_the_openapi_document_describes_the_radar_routes(sidecar: Sidecar) -> None:
    async with sidecar.client.get("/api/v1/openapi.json") as r:
        doc = await r.json()
    match = doc["paths"]["/api/v1/radar/match"]["post"]
    assert match["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/MatchRequest")
    assert {"RadarRule", "MatchResponse", "RadarHit", "PageEntry"} <= doc["components"]["schemas"].keys()
    assert set(doc["paths"]["/api/v1/radar/rules/{name}"]) == {"put", "delete"}
