import re

import pytest

from academichub.ids import url_hash
from academichub.ingest.sources.catalogue import CATALOGUE, find_source, search_catalogue, source_for_url
from academichub.ingest.sources.taxonomy import ARXIV_CATEGORIES
from academichub.models import SourceKind

ARCHIVES = [
    "cs",
    "math",
    "physics",
    "astro-ph",
    "cond-mat",
    "hep-ex",
    "hep-lat",
    "hep-ph",
    "hep-th",
    "nucl-ex",
    "nucl-th",
    "gr-qc",
    "quant-ph",
    "q-bio",
    "q-fin",
    "stat",
    "eess",
    "econ",
    "nlin",
    "math-ph",
]


def arxiv_sources():
    return [s for s in CATALOGUE.values() if s.kind is SourceKind.arxiv]


def test_every_arxiv_category_of_the_official_taxonomy_is_listed():
    cats = {s.category for s in arxiv_sources()}
    assert len(cats) == len(ARXIV_CATEGORIES) == 155
    for archive in ARCHIVES:
        assert any(c == archive or c.startswith(archive + ".") for c in cats), archive
    counts = {a: sum(c.split(".")[0] == a for c in cats) for a in ("cs", "math", "physics", "q-bio", "stat")}
    assert counts == {"cs": 40, "math": 32, "physics": 22, "q-bio": 10, "stat": 6}


def test_arxiv_sources_have_real_feed_urls_keys_names_and_titles():
    for source in arxiv_sources():
        cat = source.category
        assert source.key == f"arxiv:{cat}"
        assert source.name == f"arXiv ({cat})"
        assert source.url == f"https://rss.arxiv.org/rss/{cat}"
        assert source.title and source.title == ARXIV_CATEGORIES[cat]
    assert CATALOGUE["arxiv:cs.CV"].title == "Computer Vision and Pattern Recognition"


@pytest.mark.parametrize(
    ("key", "name", "url"),
    [
        ("nature", "Nature", "https://www.nature.com/nature.rss"),
        ("nature-biotechnology", "Nature Biotechnology", "https://www.nature.com/nbt.rss"),
        (
            "nature-machine-intelligence",
            "Nature Machine Intelligence",
            "https://www.nature.com/natmachintell.rss",
        ),
        ("science", "Science", "https://www.science.org/action/showFeed?type=etoc&feed=rss&jc=science"),
        ("pnas", "PNAS", "https://www.pnas.org/action/showFeed?type=etoc&feed=rss&jc=PNAS"),
        ("plos-medicine", "PLOS Medicine", "https://journals.plos.org/plosmedicine/feed/atom"),
        (
            "plos-computational-biology",
            "PLOS Computational Biology",
            "https://journals.plos.org/ploscompbiol/feed/atom",
        ),
        (
            "biorxiv:bioinformatics",
            "bioRxiv (Bioinformatics)",
            "https://connect.biorxiv.org/biorxiv_xml/bioinformatics",
        ),
        (
            "biorxiv:plant-biology",
            "bioRxiv (Plant Biology)",
            "https://connect.biorxiv.org/biorxiv_xml/plant_biology",
        ),
        (
            "medrxiv:infectious-diseases",
            "medRxiv (Infectious Diseases)",
            "https://connect.medrxiv.org/medrxiv_xml.php?subject=infectious_diseases",
        ),
    ],
)
def test_journals_and_preprint_subjects_have_their_real_feeds(key, name, url):
    source = CATALOGUE[key]
    assert (source.name, source.url) == (name, url)


def test_every_default_source_of_the_config_is_in_the_catalogue():
    from academichub.config import DEFAULT_SOURCES

    for key in DEFAULT_SOURCES:
        assert find_source(key).key == key


def test_keys_are_unique_and_urls_are_https():
    assert len({s.url for s in CATALOGUE.values()}) == len(CATALOGUE)
    for key, source in CATALOGUE.items():
        assert source.key == key and re.fullmatch(r"[a-z0-9-]+(:[\w.-]+)?", key), key
        assert source.url.startswith("https://"), source.url


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("arxiv:cs.CV", "arxiv:cs.CV"),
        ("cs.CV", "arxiv:cs.CV"),
        ("CS.cv", "arxiv:cs.CV"),
        ("arXiv (quant-ph)", "arxiv:quant-ph"),
        ("Nature Biotechnology", "nature-biotechnology"),
        ("  nature ", "nature"),
        ("https://www.nature.com/nature.rss", "nature"),
    ],
)
def test_find_source_by_key_name_category_or_url(text, key):
    assert find_source(text).key == key


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("natur biotech", "nature-biotechnology"),
        ("arxiv:cs.CVV", "arxiv:cs.CV"),
        ("plos medcine", "plos-medicine"),
    ],
)
def test_an_unknown_source_is_a_key_error_naming_close_matches(text, suggestion):
    with pytest.raises(KeyError) as caught:
        find_source(text)
    message = str(caught.value)
    assert message.startswith(f"no source {text!r} in the catalogue; did you mean ")
    assert suggestion in message


def test_search_matches_every_word_in_key_name_or_title():
    assert [s.key for s in search_catalogue("vision")] == ["arxiv:cs.CV"]
    assert [s.key for s in search_catalogue("plos med")] == ["plos-medicine"]
    assert {s.key for s in search_catalogue("quantum")} == {
        "arxiv:quant-ph",
        "arxiv:cond-mat.quant-gas",
        "arxiv:math.QA",
        "arxiv:gr-qc",  # Quantum Cosmology
    }
    assert search_catalogue("nature")[0].key == "nature"  # the exact name first
    assert search_catalogue("no such thing at all") == []


def test_any_other_url_is_an_adhoc_source_keyed_by_its_hash():
    url = "https://journal.example.org/rss/current.xml"
    source = source_for_url(url)
    assert source.key == f"url:{url_hash(url)}" and len(source.key) == 16
    assert source.kind is SourceKind.feed and source.url == url
    assert source.name == "journal.example.org/rss/current.xml"
    assert source_for_url(url) == source


def test_an_arxiv_feed_url_is_recognised_as_its_category():
    source = source_for_url("https://rss.arxiv.org/atom/cs.LG")
    assert (source.key, source.name, source.url) == (
        "arxiv:cs.LG",
        "arXiv (cs.LG)",
        "https://rss.arxiv.org/atom/cs.LG",
    )


@pytest.mark.parametrize("text", ["ftp://example.org/feed", "not a url", "https://"])
def test_a_text_that_is_not_a_feed_url_is_a_value_error(text):
    with pytest.raises(ValueError, match="not a feed URL"):
        source_for_url(text)
