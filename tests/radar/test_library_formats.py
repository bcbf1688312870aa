"""Reading the libraries reference managers export: each entry keyed by the id the paper store would give
it (arXiv id wherever the exporter hid it, else the DOI in canonical form), its title and abstract kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from academichub.radar.library import LibraryImportError, read_library_file

FIXTURES = Path(__file__).parents[1] / "fixtures" / "library"


def read(name: str):
    return read_library_file(name, (FIXTURES / name).read_text(encoding="utf-8"))


def test_bibtex_entries_get_store_ids_whatever_field_holds_the_arxiv_id() -> None:
    found = read("quantum.bib")
    assert [e.id for e in found.entries] == [
        "doi:10.1103/physreva.86.032324",  # a journal DOI, lower-cased as the store keeps DOIs
        "arxiv:2606.14677",  # eprint + archivePrefix, version dropped
        "arxiv:quant-ph/0702225",  # only in `journal = {arXiv preprint arXiv:...}`
        "arxiv:1505.01385",  # only in an arxiv.org link
        "arxiv:2011.01261",  # arXiv's own DOI names the arXiv paper
    ]
    assert found.skipped == 1  # the entry without a title


def test_bibtex_titles_lose_tex_and_abstracts_are_kept() -> None:
    entries = {e.id: e for e in read("quantum.bib").entries}
    assert entries["arxiv:1505.01385"].title == "Colloquium: Non-Markovian dynamics in open quantum systems"
    assert entries["arxiv:1505.01385"].abstract.startswith("Non-Markovian quantum master equations")
    assert entries["doi:10.1103/physreva.86.032324"].year == 2012
    assert all(e.origin == ["bibtex:quantum.bib"] for e in entries.values())


def test_ris_and_csl_json_give_the_same_ids_as_bibtex() -> None:
    ris, csl = read("quantum.ris"), read("quantum.json")
    assert [e.id for e in ris.entries] == [
        "doi:10.1103/physreva.86.032324",  # a doi.org link, upper case: the same canonical DOI
        "arxiv:2606.14677",
        "arxiv:2011.01261",
    ]
    assert ris.skipped == 1
    assert [e.id for e in csl.entries] == ["doi:10.1103/physreva.86.032324", "arxiv:2606.14677"]
    assert csl.entries[0].abstract == "We review the surface code quantum error correction scheme."
    assert [e.year for e in csl.entries] == [2012, 2026]
    assert csl.skipped == 1


@pytest.mark.parametrize(
    ("name", "text", "complaint"),
    [
        ("notes.txt", "just some words", "not a library file"),
        ("refs.json", "{not json", "not JSON"),
        ("refs.json", '{"title": "one object"}', "CSL-JSON is a list of items"),
        ("refs.bib", "@article{broken, title = {unclosed", "no BibTeX entry could be read"),
    ],
)
def test_a_file_that_is_no_library_is_refused_with_the_reason(name: str, text: str, complaint: str) -> None:
    with pytest.raises(LibraryImportError, match=complaint):
        read_library_file(name, text)


def test_hostile_text_stays_text() -> None:
    found = read_library_file("x.bib", "@misc{x, title={<img src=x onerror=alert(1)> {\\'e}t{\\'e}}}")
    assert found.entries[0].title == "<img src=x onerror=alert(1)> été"


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"Schr{\"o}dinger", "Schrödinger"),
        (r"Erd\H{o}s", "Erdős"),
        (r"{\L}ukasz and Stra\ss e", "Łukasz and Straße"),
        (r"Garc\'{\i}a", "García"),
        (r"$\rho\cdot\vec v$ stays math", "$\\rho\\cdot\\vec v$ stays math"),
    ],
)
def test_bibtex_accents_become_letters_and_math_stays_as_written(tex: str, text: str) -> None:
    found = read_library_file("x.bib", f"@misc{{x, title={{{tex}}}, abstract={{{tex}}}}}")
    assert (found.entries[0].title, found.entries[0].abstract) == (text, text)
