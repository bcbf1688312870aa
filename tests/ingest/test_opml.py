"""OPML import and export of the sources followed."""

from __future__ import annotations

import pytest

from academichub.ingest.opml import OpmlError, OpmlFeed, feeds_from_opml, sources_to_opml
from academichub.models import Source, SourceKind

SOURCES = [
    Source(
        key="arxiv:cs.CV", name="arXiv (cs.CV)", url="https://rss.arxiv.org/rss/cs.CV", kind=SourceKind.arxiv
    ),
    Source(key="url:abc", name='Lab "news" & <notes>', url="https://lab.example.org/feed?a=1&b=2"),
]


def test_export_then_import_gives_the_same_feeds() -> None:
    assert feeds_from_opml(sources_to_opml(SOURCES)) == [
        OpmlFeed(url=s.url, title=s.name, key=s.key) for s in SOURCES
    ]


def test_export_is_opml_2_with_rss_outlines() -> None:
    text = sources_to_opml(SOURCES)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert 'xmlUrl="https://lab.example.org/feed?a=1&amp;b=2"' in text
    assert text.count('type="rss"') == 2


def test_import_flattens_folders_and_skips_duplicates_and_folders() -> None:
    text = """<?xml version="1.0"?>
    <opml version="1.0"><head/><body>
      <outline text="Physics"><outline text="quant-ph" xmlUrl="https://rss.arxiv.org/rss/quant-ph"/>
        <outline text="Deeper">
          <outline title="Blog" text="ignored" xmlUrl=" https://b.example/atom "/>
        </outline>
      </outline>
      <outline text="again" xmlUrl="https://rss.arxiv.org/rss/quant-ph"/>
    </body></opml>"""
    assert feeds_from_opml(text) == [
        OpmlFeed("https://rss.arxiv.org/rss/quant-ph", "quant-ph"),
        OpmlFeed("https://b.example/atom", "Blog"),
    ]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("not xml at all", "line 1, column 1"),
        ("<opml><body>", "XML error"),
        ("<rss><channel/></rss>", "root element is <rss>"),
        ("<opml version='2.0'><head/></opml>", "no <body>"),
        ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><opml><body/></opml>', "DOCTYPE"),
    ],
)
def test_what_is_not_opml_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(OpmlError, match=why):
        feeds_from_opml(text)


def test_an_empty_body_imports_nothing() -> None:
    assert feeds_from_opml(sources_to_opml([])) == []


def test_a_doctype_behind_a_long_prolog_is_refused() -> None:
    comment = "<!--" + "x" * 10_000 + "-->"
    doctype = '<!DOCTYPE lolz [<!ENTITY lol "lol">]>'
    text = f'<?xml version="1.0"?>\n{comment}\n<?pi here?>\n{doctype}<opml><body/></opml>'
    with pytest.raises(OpmlError, match="DOCTYPE is not allowed"):
        feeds_from_opml(text)


def test_a_document_with_too_many_outlines_is_refused_with_the_cap() -> None:
    outlines = "".join(f'<outline xmlUrl="https://e.example/{i}.xml"/>' for i in range(5_001))
    with pytest.raises(OpmlError, match="more than 5,000 outlines"):
        feeds_from_opml(f'<opml version="2.0"><body>{outlines}</body></opml>')
