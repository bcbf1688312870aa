"""parse_feed as a whole: the format is recognised from the content, and what is not a feed is refused
with a reason, while harmless oddities only warn."""

import pytest

from academichub.ingest.sources import FeedError, parse_feed
from academichub.ingest.sources.catalogue import find_source, source_for_url
from academichub.models import FeedFormat


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("feeds/arxiv_rss_cs_ai_2026-04-27_distill.xml", FeedFormat.arxiv_rss),
        ("feeds/arxiv_rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_laya-reader.xml", FeedFormat.arxiv_rss),
        ("feeds/GENERATED_arxiv_rss_empty_weekend.xml", FeedFormat.arxiv_rss),
        ("feeds/GENERATED_arxiv_atom_edgecases.xml", FeedFormat.arxiv_atom),
        ("feeds/GENERATED_arxiv_atom_empty_weekend.xml", FeedFormat.arxiv_atom),
        ("feeds/arxiv_api_query_cat_cs.RO_2026-09-20_technews.xml", FeedFormat.arxiv_atom),
        ("feeds/RECONSTRUCTED_nature_rss1.xml", FeedFormat.rss1),
        ("feeds/biorxiv_rss1_feed-rs.xml", FeedFormat.rss1),
        ("feeds/atypon_rss1_ajph_2015.xml", FeedFormat.rss1),
    ],
)
def test_the_format_is_recognised_from_the_content_alone(fixtures, path, fmt):
    assert parse_feed((fixtures / path).read_bytes()).format is fmt


def test_an_rss2_journal_feed_is_generic_even_with_arxiv_links_in_its_items():
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>A Blog</title>
      <link>https://blog.example.org/</link>
      <item><title>We liked this preprint</title><link>https://arxiv.org/abs/2606.14677</link></item>
    </channel></rss>"""
    assert parse_feed(feed).format is FeedFormat.generic


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not a feed: the body is empty"),
        (b"  \n\t ", "not a feed: the body is empty"),
        (
            b"<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>503</body></html>",
            "not a feed: got an HTML page (title 'Service Unavailable')",
        ),
        (b"<html><body><p>Error</p></body></html>", "not a feed: got an HTML page"),
        (b'{"status": "error"}', "not a feed: the body is not well-formed XML"),
        (b"\x00\x01garbage{{{", "not a feed: the body is not well-formed XML"),
        (b'<?xml version="1.0"?><error><code>42</code></error>', "not a feed: XML with root element <error>"),
    ],
)
def test_a_body_that_is_not_a_feed_is_refused_with_the_reason(body, reason):
    with pytest.raises(FeedError) as caught:
        parse_feed(body)
    assert str(caught.value).startswith(reason)
    assert isinstance(caught.value, ValueError)


def test_a_feed_cut_off_before_its_first_item_is_refused(fixtures):
    data = (fixtures / "feeds/arxiv_rss_cs_ai_2026-04-27_distill.xml").read_bytes()
    with pytest.raises(FeedError, match="breaks off or is broken before any item"):
        parse_feed(data[:300])


def test_a_feed_cut_off_inside_an_item_keeps_only_the_complete_items(fixtures):
    data = (fixtures / "feeds/arxiv_rss_cs_ai_2026-04-27_distill.xml").read_bytes()
    cut = data.index(b"</description>", data.index(b"2604.21937")) - 100  # inside the third abstract
    feed = parse_feed(data[:cut])
    assert [p.arxiv_id for p in feed.papers] == ["2604.21935", "2604.21936"]
    assert any("cut off" in w for w in feed.warnings)


def test_a_feed_cut_off_after_its_last_item_keeps_them_all(fixtures):
    data = (fixtures / "feeds/arxiv_rss_cs_ai_2026-04-27_distill.xml").read_bytes()
    feed = parse_feed(data[: data.rindex(b"</item>") + len(b"</item>")])
    assert len(feed.papers) == 3
    assert feed.warnings  # still said: the document was not whole


def test_atypons_blank_line_before_the_xml_declaration_is_a_warning_not_a_failure(fixtures):
    feed = parse_feed((fixtures / "feeds/atypon_rss1_ajph_2015.xml").read_bytes())
    assert len(feed.papers) == 20
    assert len(feed.warnings) == 1 and "not well-formed" in feed.warnings[0]


@pytest.mark.parametrize(
    ("path", "day"),
    [
        ("feeds/GENERATED_arxiv_rss_empty_weekend.xml", "2026-09-26"),
        ("feeds/GENERATED_arxiv_atom_empty_weekend.xml", None),  # the Atom feed states no day of its own
    ],
)
def test_a_weekend_feed_with_no_items_is_valid_and_empty(fixtures, path, day):
    feed = parse_feed((fixtures / path).read_bytes())
    assert feed.papers == [] and feed.warnings == []
    assert (feed.feed_date.isoformat() if feed.feed_date else None) == day


def test_a_given_source_is_recorded_on_every_paper(fixtures):
    source = find_source("arxiv:cs.AI")
    feed = parse_feed((fixtures / "feeds/arxiv_rss_cs_ai_2026-04-27_distill.xml").read_bytes(), source)
    assert {tuple(p.feeds) for p in feed.papers} == {("arxiv:cs.AI",)}


def test_without_a_source_papers_name_no_feed_and_labels_come_from_the_feed(fixtures):
    feed = parse_feed((fixtures / "feeds/biorxiv_rss1_feed-rs.xml").read_bytes())
    assert feed.papers[0].feeds == []
    assert feed.papers[0].source_label == "bioRxiv (Genomics)"


def test_a_url_source_does_not_replace_the_feeds_own_name(fixtures):
    source = source_for_url("https://mirror.example.org/nature.rss")
    feed = parse_feed((fixtures / "feeds/RECONSTRUCTED_nature_rss1.xml").read_bytes(), source)
    assert {p.source_label for p in feed.papers} == {"Nature"}
    assert feed.papers[0].feeds == [source.key]


def test_a_hostile_title_in_a_feed_is_plain_text_afterwards():
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>J</title>
      <item><title>Result &lt;script&gt;alert(1)&lt;/script&gt;</title><link>https://j.example.org/1</link>
      <description><![CDATA[<img src=x onerror="alert(2)">Abstract <b>text</b>.]]></description></item>
    </channel></rss>"""
    paper = parse_feed(feed).papers[0]
    assert paper.title == "Result"  # a script element is code, not words of the title
    assert paper.abstract == "Abstract text."


def test_an_item_with_monstrous_fields_is_kept_within_the_caps():
    title = "Quantum " * 20_000  # 160,000 characters
    names = ["Y" * 1_000] + [f"Author {i}" for i in range(2_050)]
    authors = "".join(f"<author><name>{name}</name></author>" for name in names)
    feed = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Big</title>'
        f"<entry><id>https://e.example/1</id><title>{title}</title><link href='https://e.example/1'/>"
        f"<summary>{'words ' * 20_000}</summary>{authors}"
        "<updated>2026-06-24T00:00:00Z</updated></entry></feed>"
    ).encode()
    (paper,) = parse_feed(feed).papers
    assert len(paper.title) == 10_000 and paper.title.endswith("…")
    assert len(paper.abstract) <= 100_000
    assert len(paper.authors) == 2_000 and all(len(a) <= 300 for a in paper.authors)
