import pytest

from academichub.ids import arxiv_id_from, is_arxiv_category, normalise_doi, paper_id, url_hash


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("oai:arXiv.org:2606.14677v1", ("2606.14677", 1)),
        ("http://arxiv.org/abs/2012.11345v12", ("2012.11345", 12)),
        ("https://arxiv.org/abs/2606.14677", ("2606.14677", None)),
        ("https://arxiv.org/pdf/0704.0001v2", ("0704.0001", 2)),
        ("oai:arXiv.org:hep-th/9901001v2", ("hep-th/9901001", 2)),
        ("https://arxiv.org/abs/math.GT/0309136", ("math.GT/0309136", None)),
        ("2606.14677", ("2606.14677", None)),
        ("https://www.nature.com/articles/s41586-026-10461-3", None),
        ("https://doi.org/10.1038/nature.2606.14677", None),
    ],
)
def test_arxiv_ids_are_found_in_guids_links_and_bare_text(text, found):
    assert arxiv_id_from(text) == found


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("doi:10.1101/2023.12.16.571984", "10.1101/2023.12.16.571984"),
        ("https://doi.org/10.1038/S41586-026-10461-3", "10.1038/s41586-026-10461-3"),
        ("info:doi/10.1371/journal.pmed.1004999", "10.1371/journal.pmed.1004999"),
        (
            "https://journals.plos.org/plosmedicine/article?id=10.1371/journal.pmed.1002730",
            "10.1371/journal.pmed.1002730",
        ),
        ("10.2105/AJPH.2014.302274", "10.2105/ajph.2014.302274"),
        ("http://biorxiv.org/cgi/content/short/2023.12.16.571984v1?rss=1", None),
        ("", None),
        (None, None),
    ],
)
def test_dois_lose_their_prefix_and_case(text, doi):
    assert normalise_doi(text) == doi


@pytest.mark.parametrize(
    ("term", "ok"),
    [
        ("cs.CV", True),
        ("hep-th", True),
        ("astro-ph.GA", True),
        ("cond-mat.str-el", True),
        ("I.2.6", False),
        ("68T05", False),
        ("", False),
    ],
)
def test_arxiv_categories_are_told_from_other_classifications(term, ok):
    assert is_arxiv_category(term) is ok


def test_paper_ids_prefer_arxiv_then_doi_then_the_link():
    assert paper_id(arxiv_id="2606.14677", doi="10.1/x", url="u") == "arxiv:2606.14677"
    assert paper_id(doi="10.1/x", url="u") == "doi:10.1/x"
    assert paper_id(url="https://j.example.org/7") == f"url:{url_hash('https://j.example.org/7')}"
    assert url_hash(" https://j.example.org/7 ") == url_hash("https://j.example.org/7")
