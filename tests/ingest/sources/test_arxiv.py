"""arXiv RSS and Atom (rss.arxiv.org and the export API): the card rules on the recorded captures and on
the generated edge cases, which exist in both formats and must give the same papers."""

import datetime as dt

import pytest

from academichub.ingest.sources import parse_feed
from academichub.ingest.sources.catalogue import find_source

EDGE_CASES = ["feeds/GENERATED_arxiv_rss_edgecases.xml", "feeds/GENERATED_arxiv_atom_edgecases.xml"]


@pytest.fixture(params=EDGE_CASES, ids=["rss", "atom"])
def edge(request, fixtures):
    return {p.arxiv_id: p for p in parse_feed((fixtures / request.param).read_bytes()).papers}


def test_rss_and_atom_editions_of_a_feed_give_the_same_papers(fixtures):
    rss, atom = (parse_feed((fixtures / path).read_bytes()) for path in EDGE_CASES)
    assert rss.papers == atom.papers
    assert rss.feed_date == atom.feed_date == dt.date(2026, 9, 28)


def test_ids_drop_the_version_and_keep_it_as_a_field(edge):
    paper = edge["2401.00001"]
    assert (paper.id, paper.arxiv_version) == ("arxiv:2401.00001", 3)
    assert paper.pdf_url == "https://arxiv.org/pdf/2401.00001v3"
    assert paper.url == "https://arxiv.org/abs/2401.00001"


def test_a_legacy_id_keeps_its_slash(edge):
    paper = edge["hep-th/9901001"]
    assert paper.id == "arxiv:hep-th/9901001"
    assert (paper.arxiv_version, paper.announce_type) == (2, "replace-cross")
    assert paper.pdf_url == "https://arxiv.org/pdf/hep-th/9901001v2"


def test_the_label_names_the_primary_category_even_in_another_categorys_feed(edge):
    cross = edge["2609.99902"]  # announced in the cs.LG feed, primary stat.ML
    assert cross.source_label == "arXiv (stat.ML)"
    assert cross.categories == ["stat.ML", "cs.LG"]
    assert cross.announce_type == "cross"
    assert edge["hep-th/9901001"].source_label == "arXiv (hep-th)"


def test_the_announce_prefix_is_gone_and_tex_stays_verbatim(edge):
    paper = edge["2609.99901"]
    assert paper.abstract == (
        "We show that for $x<y$ and $\\alpha \\geq 2$ the \\textbf{bound} holds. Code: https://github.com/example/repo"
    )
    assert paper.title == "Learning $\\mu_0$-Invariant Kernels: Theory & Practice for $x<y$ Regimes"


def test_authors_are_split_with_affiliations_dropped_and_tex_decoded(edge):
    assert edge["2609.99901"].authors == ["Daniel Pérez Herrera", "Zheng Chen", "Erik G. Larsson"]
    assert edge["hep-th/9901001"].authors == ["M. Krüger"]


def test_an_empty_creator_means_no_authors_not_a_fake_one(edge):
    assert edge["2401.00001"].authors == []


def test_an_arxiv_paper_with_a_doi_keeps_its_arxiv_id_and_stores_doi_and_journal_ref(edge):
    paper = edge["2401.00001"]
    assert paper.id == "arxiv:2401.00001"
    assert paper.doi == "10.1000/xyz123"
    assert paper.journal_ref == "J. Imaginary Res. 12 (2026) 1-10"


def test_the_combined_feed_labels_each_paper_by_its_own_primary_category(fixtures):
    feed = parse_feed(
        (fixtures / "feeds/arxiv_rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_laya-reader.xml").read_bytes()
    )
    assert [(p.arxiv_id, p.source_label, p.announce_type) for p in feed.papers] == [
        ("2609.26811", "arXiv (cs.LG)", "new"),
        ("2609.26820", "arXiv (cs.LG)", "new"),
        ("2205.06398", "arXiv (stat.ME)", "cross"),
        ("2009.13987", "arXiv (cs.LG)", "replace"),
    ]
    assert feed.papers[2].doi == "10.1093/bioinformatics/btac431"
    assert feed.papers[2].categories == ["stat.ME", "stat.AP", "stat.ML"]


@pytest.mark.parametrize(
    ("pub_date", "day"),
    [
        ("Wed, 24 Jun 2026 00:00:00 -0400", "2026-06-24"),  # arXiv's midnight ET (EDT)
        ("Mon, 07 Dec 2026 00:00:00 -0500", "2026-12-07"),  # and in winter (EST)
        (
            "Thu, 25 Jun 2026 03:30:00 +0000",
            "2026-06-24",
        ),  # still the 24th in New York, though the 25th in UTC
    ],
)
def test_the_date_is_the_announcement_day_in_new_york(pub_date, day):
    feed = f"""<?xml version="1.0"?>
    <rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
    <channel><title>quant-ph updates on arXiv.org</title><link>http://rss.arxiv.org/rss/quant-ph</link>
    <pubDate>{pub_date}</pubDate>
    <item><title>T</title><link>https://arxiv.org/abs/2606.14677</link>
      <description>arXiv:2606.14677v1 Announce Type: new
Abstract: A.</description><guid isPermaLink="false">oai:arXiv.org:2606.14677v1</guid>
      <category>quant-ph</category><pubDate>{pub_date}</pubDate><dc:creator>A. B</dc:creator></item>
    </channel></rss>""".encode()
    parsed = parse_feed(feed)
    assert parsed.feed_date.isoformat() == day
    assert parsed.papers[0].date.isoformat() == day


def test_the_same_guid_twice_in_one_document_is_one_paper_with_categories_merged():
    item = """<item><title>T</title><link>https://arxiv.org/abs/2606.14677</link>
      <description>arXiv:2606.14677v1 Announce Type: {kind}
Abstract: A.</description><guid isPermaLink="false">oai:arXiv.org:2606.14677v1</guid>
      {cats}<pubDate>Wed, 24 Jun 2026 00:00:00 -0400</pubDate>
      <arxiv:announce_type>{kind}</arxiv:announce_type></item>"""
    feed = f"""<?xml version="1.0"?><rss xmlns:arxiv="http://arxiv.org/schemas/atom" version="2.0">
    <channel><title>quant-ph, cs.ET updates on arXiv.org</title><link>http://rss.arxiv.org/rss/quant-ph+cs.ET</link>
    {item.format(kind="new", cats="<category>quant-ph</category>")}
    {item.format(kind="cross", cats="<category>quant-ph</category><category>cs.ET</category>")}
    </channel></rss>""".encode()
    papers = parse_feed(feed).papers
    assert len(papers) == 1
    assert papers[0].categories == ["quant-ph", "cs.ET"]


def test_api_results_carry_one_author_per_element_and_the_primary_category(fixtures):
    feed = parse_feed((fixtures / "feeds/arxiv_api_query_cat_cs.RO_2026-09-20_technews.xml").read_bytes())
    first = feed.papers[0]
    assert first.id == "arxiv:2012.11345" and first.arxiv_version == 1
    assert first.authors == ["Branimir Ivšić", "Zvonimir Šipuš", "Juraj Bartolić", "Josip Babić"]
    assert first.categories == ["cs.RO", "eess.SY"] and first.source_label == "arXiv (cs.RO)"
    assert first.doi == "10.23919/eucap48036.2020.9135568"
    assert first.pdf_url == "https://arxiv.org/pdf/2012.11345v1"
    assert first.date == dt.date(2020, 12, 21)
    assert first.announce_type is None  # search hits are not announcements
    assert feed.papers[1].authors[-1] == "Katie M. Popek"  # entry.author would give only the last one
    assert feed.feed_date is None


def test_api_acm_and_msc_classes_are_not_arxiv_categories():
    feed = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
      <id>https://arxiv.org/api/x</id><title>arXiv Query</title>
      <link href="https://arxiv.org/api/query?search_query=cat:cs.LG"/>
      <entry><id>http://arxiv.org/abs/2101.00001v2</id><title>T</title><summary>S.</summary>
        <published>2021-01-01T10:00:00Z</published>
        <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
        <category term="68T05" scheme="http://arxiv.org/schemas/atom"/>
        <category term="I.2.6" scheme="http://arxiv.org/schemas/atom"/>
        <arxiv:primary_category term="cs.LG"/><author><name>A. B</name></author></entry></feed>"""
    paper = parse_feed(feed).papers[0]
    assert paper.categories == ["cs.LG"]
    assert paper.arxiv_version == 2


def test_an_empty_feed_from_a_known_category_labels_nothing_but_a_categoryless_item_uses_the_source(fixtures):
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>math.PR updates on arXiv.org</title>
      <link>http://rss.arxiv.org/rss/math.PR</link>
      <item><title>T</title><link>https://arxiv.org/abs/2601.11422</link>
      <guid isPermaLink="false">oai:arXiv.org:2601.11422v2</guid></item></channel></rss>"""
    assert parse_feed(feed, find_source("math.PR")).papers[0].source_label == "arXiv (math.PR)"
    assert parse_feed(feed).papers[0].source_label == "arXiv"
