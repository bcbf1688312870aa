"""The card rules, checked on every recorded feed and on the whole seed day."""

import re
from collections import Counter
from pathlib import Path

import pytest

from academichub.ingest.sources import FeedError, parse_feed

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"
SEED_DAY = Path(__file__).resolve().parents[3] / "sidecar" / "academichub" / "data" / "seed-day"
ALL_FEEDS = sorted(FIXTURES.glob("*.xml")) + sorted(SEED_DAY.glob("*.xml"))
HTML_TAG = re.compile(
    r"</?(?:[a-z]+:)?(?:p|a|b|i|em|strong|sub|sup|br|span|div|script|img|jats:\w+)\b[^<>]*>", re.I
)
ENTITY = re.compile(r"&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.I)
TEX_MATH = re.compile(r"\$[^$]*\$")


@pytest.fixture(scope="module")
def parsed():
    return {path.name: parse_feed(path.read_bytes()) for path in ALL_FEEDS}


def every_paper(parsed):
    return [(name, paper) for name, feed in parsed.items() for paper in feed.papers]


def test_every_recorded_feed_parses(parsed):
    assert len(parsed) == len(ALL_FEEDS) >= 23  # 12 captured or generated, the hostile one, 10 seed-day


def test_every_link_is_a_web_link(parsed):
    for name, paper in every_paper(parsed):
        for link in (paper.url, paper.pdf_url):
            assert not link or link.startswith(("http://", "https://")), (name, paper.id, link)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("arxiv_html_latexml_2407.04763v1_EXCERPT.html", "not a feed: got an HTML page"),
        ("biorxiv_api_details_record_10.1101_456574.json", "not a feed: the body is not well-formed XML"),
    ],
)
def test_recorded_documents_that_are_not_feeds_are_refused(name, reason):
    with pytest.raises(FeedError, match=reason):
        parse_feed((FIXTURES / name).read_bytes())


def test_no_abstract_keeps_arxivs_prefix(parsed):
    for name, paper in every_paper(parsed):
        assert not paper.abstract.startswith("arXiv:"), (name, paper.id)
        assert "Announce Type" not in paper.abstract, (name, paper.id)


def test_no_title_or_abstract_holds_html_tags_or_entities(parsed):
    for name, paper in every_paper(parsed):
        for text in (paper.title, paper.abstract):
            # TeX is kept verbatim ($a<b$ is mathematics), so only text outside $...$ must be free of tags.
            assert not HTML_TAG.search(TEX_MATH.sub("", text)), (name, paper.id, text[:80])
            assert not ENTITY.search(text), (name, paper.id, text[:80])


def test_no_published_online_notice_and_no_summary_that_is_the_title(parsed):
    for name, paper in every_paper(parsed):
        assert "Published online" not in paper.abstract, (name, paper.id)
        assert paper.abstract.casefold() != paper.title.casefold(), (name, paper.id)


def test_every_arxiv_card_has_a_primary_category_label_and_its_pdf(parsed):
    arxiv = [(n, p) for n, p in every_paper(parsed) if p.arxiv_id]
    assert len(arxiv) > 70
    for name, paper in arxiv:
        assert paper.source_label == f"arXiv ({paper.categories[0]})", (name, paper.id)
        assert paper.id == f"arxiv:{paper.arxiv_id}" and "v" not in paper.arxiv_id.split("/")[-1]
        assert paper.pdf_url == f"https://arxiv.org/pdf/{paper.arxiv_id}v{paper.arxiv_version}"


def test_no_fake_or_empty_author_names(parsed):
    for name, paper in every_paper(parsed):
        for author in paper.authors:
            assert author and author.strip() == author, (name, paper.id)
            assert author.casefold() != "unknown author"
            assert "(" not in author and "\\" not in author and "{" not in author, (name, author)


def test_ids_are_canonical(parsed):
    for name, paper in every_paper(parsed):
        assert re.fullmatch(r"arxiv:[\w./-]+|doi:10\.\S+|url:[0-9a-f]{12}", paper.id), (name, paper.id)
        if paper.id.startswith("doi:"):
            assert paper.id == paper.id.lower() and paper.doi == paper.id[4:]


def test_the_seed_day_is_ten_feeds_of_71_papers_with_no_cross_listed_repeats(parsed):
    seed = {name: parsed[name] for name in (p.name for p in SEED_DAY.glob("*.xml"))}
    assert len(seed) == 10
    ids = [paper.id for feed in seed.values() for paper in feed.papers]
    assert len(ids) == 71
    assert len(set(ids)) == 71
    labels = Counter(paper.source_label for feed in seed.values() for paper in feed.papers)
    assert labels == {
        "arXiv (cs.AI)": 15,
        "arXiv (cs.CL)": 12,
        "arXiv (cs.CV)": 16,
        "arXiv (cs.LG)": 12,
        "arXiv (quant-ph)": 7,
        "arXiv (math.PR)": 1,
        "bioRxiv (Bioinfo)": 1,
        "medRxiv (Medicine)": 4,
        "Nature (Science)": 2,
        "PLOS Medicine": 1,
    }


def test_the_seed_days_arxiv_feeds_are_all_dated_the_same_announcement_day(parsed):
    days = {parsed[p.name].feed_date for p in SEED_DAY.glob("arxiv_*.xml")}
    assert {d.isoformat() for d in days} == {"2026-06-24"}
