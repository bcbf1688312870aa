"""Generic RSS 2.0 and Atom journals (PLOS, Cell, eLife, any URL). No capture of these is recorded, so the
documents here are small hand-written ones in the shapes those publishers use."""

import datetime as dt

from academichub.ids import url_hash
from academichub.ingest.sources import parse_feed
from academichub.ingest.sources.catalogue import find_source
from academichub.models import FeedFormat

PLOS_ATOM = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>PLOS Medicine: New Articles</title>
  <link href="https://journals.plos.org/plosmedicine/" rel="alternate"/>
  <id>https://journals.plos.org/plosmedicine/feed/atom</id>
  <updated>2026-05-06T14:00:00Z</updated>
  <entry>
    <id>info:doi/10.1371/journal.pmed.1004999</id>
    <title>Point-of-care early infant HIV diagnosis at birth</title>
    <link rel="alternate" href="https://journals.plos.org/plosmedicine/article?id=10.1371/journal.pmed.1004999"/>
    <author><name>Kira Elsbernd</name></author>
    <author><name>Issa Sabi</name></author>
    <published>2026-05-06T14:00:00Z</published>
    <content type="html">&lt;p&gt;by Kira Elsbernd, Issa Sabi&lt;/p&gt;
&lt;p&gt;Background&lt;/p&gt; &lt;p&gt;Timely access to early infant diagnosis is crucial.&lt;/p&gt;</content>
  </entry>
</feed>"""


def test_plos_atom_takes_the_doi_from_the_entry_id_and_drops_the_byline():
    feed = parse_feed(PLOS_ATOM)
    paper = feed.papers[0]
    assert feed.format is FeedFormat.generic
    assert (paper.id, paper.doi) == ("doi:10.1371/journal.pmed.1004999", "10.1371/journal.pmed.1004999")
    assert paper.authors == ["Kira Elsbernd", "Issa Sabi"]
    assert paper.abstract == "Background Timely access to early infant diagnosis is crucial."
    assert paper.date == dt.date(2026, 5, 6)


def test_a_feed_title_that_says_what_the_feed_is_becomes_the_journal_label():
    assert parse_feed(PLOS_ATOM).papers[0].source_label == "PLOS Medicine"
    assert parse_feed(PLOS_ATOM, find_source("plos-medicine")).papers[0].source_label == "PLOS Medicine"


def test_the_byline_gives_the_authors_when_the_feed_names_none():
    no_authors = PLOS_ATOM.replace(b"<author><name>Kira Elsbernd</name></author>", b"").replace(
        b"<author><name>Issa Sabi</name></author>", b""
    )
    assert parse_feed(no_authors).papers[0].authors == ["Kira Elsbernd", "Issa Sabi"]


def test_the_seed_plos_item_gets_its_authors_from_the_flattened_byline(seed_day):
    paper = parse_feed((seed_day / "journal_rss1_plos_medicine.xml").read_bytes()).papers[0]
    assert paper.authors[:3] == ["Kira Elsbernd", "Issa Sabi", "Ilesh V. Jani"]
    assert paper.authors[-1] == "the LIFE Study Consortium"
    assert paper.abstract.startswith("Background Timely access to early infant diagnosis (EID)")


RSS2 = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
  <title>Some Journal</title><link>https://journal.example.org/</link>
  <item><title>No DOI anywhere</title><link>https://journal.example.org/articles/7</link>
    <description>&lt;p&gt;An abstract.&lt;/p&gt;</description><dc:creator>Unknown Author</dc:creator>
    <pubDate>Tue, 23 Jun 2026 21:30:00 GMT</pubDate></item>
  <item><description>An item with no title at all.</description><link>https://journal.example.org/articles/8</link></item>
</channel></rss>"""


def test_an_item_without_doi_is_keyed_by_a_stable_hash_of_its_link():
    paper = parse_feed(RSS2).papers[0]
    assert paper.id == f"url:{url_hash('https://journal.example.org/articles/7')}"
    assert paper.id == parse_feed(RSS2).papers[0].id
    assert paper.doi is None and paper.pdf_url is None


def test_unknown_author_means_no_authors():
    assert parse_feed(RSS2).papers[0].authors == []


def test_an_item_without_a_title_is_left_out_and_said_so():
    feed = parse_feed(RSS2)
    assert len(feed.papers) == 1
    assert feed.warnings == ["skipped an item with no title: https://journal.example.org/articles/8"]


def test_a_journal_item_without_any_date_takes_the_feeds_or_today():
    undated = RSS2.replace(b"<pubDate>Tue, 23 Jun 2026 21:30:00 GMT</pubDate>", b"")
    assert parse_feed(undated).papers[0].date == dt.date.today()
    with_channel_date = undated.replace(
        b"<title>Some Journal</title>", b"<title>J</title><pubDate>Mon, 22 Jun 2026 08:00:00 GMT</pubDate>"
    )
    parsed = parse_feed(with_channel_date)
    assert parsed.feed_date == parsed.papers[0].date == dt.date(2026, 6, 22)


def test_the_recorded_hostile_feed_reaches_the_card_as_plain_text_with_no_script_link(fixtures):
    feed = parse_feed((fixtures / "feeds/HOSTILE_rss_markup_in_every_field.xml").read_bytes())
    first, second = feed.papers
    # Markup outside TeX is dropped, script bodies with it; inside $...$ it is mathematics and stays as
    # written, to be shown as text (the popup and the overlay set textContent, never innerHTML).
    assert first.title == "Bounds for $x<img src=x onerror=\"window.__pwned='title'\">y$ and graphs"
    assert first.url == ""  # the item's link was javascript:
    assert first.authors == ["Mallory", "Eve"]
    assert (
        first.abstract
        == "We prove $a<script>window.__pwned='abstract'</script>b$ for all $n < m$, and 3 < 4 > 2."
    )
    assert second.title == "A link that is not a link, with $a<b>c$"
    assert second.authors == ["Trudy"]
    assert second.abstract.startswith("An abstract with a link and $\\alpha<img")
    assert "cdata" not in second.abstract and "display:none" not in second.abstract
    assert first.id != second.id
