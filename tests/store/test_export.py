"""BibTeX and RIS for chosen papers: the fields a reference manager reads, in text that cannot break out."""

from __future__ import annotations

import datetime as dt

import pytest

from academichub.models import Paper
from academichub.store.export import citation_key, tex_escape, to_bibtex, to_ris


def paper(**fields: object) -> Paper:
    base: dict[str, object] = {
        "id": "arxiv:2606.14677",
        "title": "Quasilinear Equivalence Checking for Detector Error Models",
        "authors": ["José Pérez", "Mei Tanaka"],
        "abstract": "We check.",
        "source_label": "arXiv (quant-ph)",
        "date": dt.date(2026, 6, 15),
        "url": "https://arxiv.org/abs/2606.14677",
        "arxiv_id": "2606.14677",
        "arxiv_version": 2,
        "categories": ["quant-ph", "cs.DS"],
    }
    return Paper.model_validate(base | fields)


def balanced(text: str) -> bool:
    depth = 0
    for ch in text.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize(
    ("text", "tex"),
    [
        ("Schrödinger", r"Schr{\"o}dinger"),
        ("Pérez", r"P{\'e}rez"),
        ("Łukasz Østergård", r"{\L}ukasz {\O}sterg{\aa}rd"),
        ("Ñandú", r"{\~N}and{\'u}"),
        ("Çelik", r"{\c{C}}elik"),
        ("naïve", r"na{\"\i}ve"),
        ("Dvořák", r"Dvo{\v{r}}{\'a}k"),
        ("50% & $5 #1 a_b ~x ^y", r"50\% \& \$5 \#1 a\_b \textasciitilde{}x \textasciicircum{}y"),
        ("a {braced} word", r"a \{braced\} word"),
        ("unbalanced } brace {", r"unbalanced \} brace \{"),
        ("C:\\path", r"C:\textbackslash{}path"),
        ("bounds $O(n^{2})$ and $\\alpha<\\beta$", r"bounds $O(n^{2})$ and $\alpha<\beta$"),
        ("broken math $x^{2$ here", r"broken math \$x\textasciicircum{}\{2\$ here"),
        ("Greek α and 中文 stay", "Greek α and 中文 stay"),
        ("line\nbreaks   collapse", "line breaks collapse"),
    ],
)
def test_tex_escape(text: str, tex: str) -> None:
    assert tex_escape(text) == tex
    assert balanced(tex_escape(text))


def test_an_arxiv_preprint_is_a_misc_entry_with_eprint_fields() -> None:
    entry = to_bibtex([paper()])
    assert entry.startswith("@misc{perez2026quasilinear,\n")
    for line in [
        "  title = {{Quasilinear Equivalence Checking for Detector Error Models}},",
        r"  author = {Jos{\'e} P{\'e}rez and Mei Tanaka},",
        "  year = {2026},",
        "  month = {jun},",
        "  eprint = {2606.14677},",
        "  archiveprefix = {arXiv},",
        "  primaryclass = {quant-ph},",
        "  url = {https://arxiv.org/abs/2606.14677},",
    ]:
        assert line in entry
    assert entry.rstrip().endswith("}")


def test_a_journal_paper_is_an_article_with_its_journal_and_doi() -> None:
    entry = to_bibtex(
        [
            paper(
                id="doi:10.1038/s41586-026-1",
                source_label="Nature",
                arxiv_id=None,
                categories=[],
                doi="10.1038/s41586-026-1",
                title="The brain & its 100% maps",
            )
        ]
    )
    assert entry.startswith("@article{perez2026brain,")
    assert "  journal = {Nature}," in entry and "  doi = {10.1038/s41586-026-1}," in entry
    assert r"{{The brain \& its 100\% maps}}" in entry


def test_keys_are_unique_across_an_export() -> None:
    text = to_bibtex([paper(), paper(id="arxiv:2", arxiv_id="2"), paper(id="arxiv:3", arxiv_id="3")])
    keys = [line.split("{", 1)[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]
    assert keys == ["perez2026quasilinear", "perez2026quasilineara", "perez2026quasilinearb"]


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"authors": []}, "anon2026quasilinear"),
        ({"authors": ["Tanaka, M."]}, "tanaka2026quasilinear"),
        ({"authors": ["A. Bose (MIT, CSAIL)"]}, "bose2026quasilinear"),
        ({"title": "The $\\mathcal{O}(1)$ Limit"}, "perez2026mathcalo1"),
        ({"title": "On a Theorem of Müller"}, "perez2026theorem"),
    ],
)
def test_citation_keys_are_ascii(fields: dict[str, object], key: str) -> None:
    assert citation_key(paper(**fields)) == key


def test_every_entry_has_balanced_braces_whatever_the_text() -> None:
    nasty = paper(title="}{ $}$ {{ \\end{document} %", abstract="}" * 3, authors=["{Evil}, Name}"])
    entry = to_bibtex([nasty])
    body = entry.split("{", 1)[1].rsplit("}", 1)[0]
    assert balanced(body)
    assert "\\end\\{document\\}" not in entry or "\\textbackslash{}end" in entry


def test_ris_record() -> None:
    record = to_ris([paper()]).split("\r\n")
    assert record[:4] == [
        "TY  - UNPB",
        "ID  - arxiv:2606.14677",
        "TI  - Quasilinear Equivalence Checking for Detector Error Models",
        "AU  - José Pérez",
    ]
    assert {
        "AU  - Mei Tanaka",
        "PY  - 2026",
        "DA  - 2026/06/15/",
        "T2  - arXiv (quant-ph)",
        "AB  - We check.",
        "UR  - https://arxiv.org/abs/2606.14677",
        "N1  - arXiv:2606.14677v2",
        "KW  - quant-ph",
        "KW  - cs.DS",
    } <= set(record)
    assert record[-2:] == ["ER  - ", ""]


def test_a_journal_ris_record_names_the_journal() -> None:
    record = to_ris([paper(source_label="Nature", arxiv_id=None, doi="10.1/x")])
    assert "TY  - JOUR" in record and "JO  - Nature" in record and "DO  - 10.1/x" in record


def test_a_line_break_in_a_value_cannot_start_a_new_ris_tag() -> None:
    record = to_ris([paper(abstract="First line.\nER  - \nTY  - JOUR")]).split("\r\n")
    assert [line for line in record if line.startswith(("TY", "ER"))] == ["TY  - UNPB", "ER  - "]
    assert "AB  - First line. ER - TY - JOUR" in record


def test_several_papers_keep_their_order() -> None:
    text = to_ris([paper(), paper(id="arxiv:2", title="Second")])
    assert text.count("ER  - ") == 2 and text.index("Quasilinear") < text.index("Second")
