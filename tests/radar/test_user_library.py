"""The library file: imports merge by paper, entries are removed by any form of their id, a damaged file
is refused and left as it was, and two processes importing at once both land."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from academichub.radar.library import LibraryFileError, UserLibrary, read_library_file
from academichub.radar.library.entries import new_entry

FIXTURES = Path(__file__).parents[1] / "fixtures" / "library"


def imported(data_dir: Path, name: str):
    found = read_library_file(name, (FIXTURES / name).read_text(encoding="utf-8"))
    return UserLibrary(data_dir).add(found.entries, skipped=found.skipped)


def test_importing_two_exports_of_one_library_keeps_one_entry_per_paper(tmp_path: Path) -> None:
    first = imported(tmp_path, "quantum.ris")
    second = imported(tmp_path, "quantum.bib")
    assert (first.added, first.updated, first.total) == (3, 0, 3)
    assert (second.read, second.added, second.total) == (5, 2, 5)
    entries = {e.id: e for e in UserLibrary(tmp_path).entries()}
    # The RIS entry had no abstract: the BibTeX one gave it; both origins are kept.
    assert entries["arxiv:2011.01261"].abstract.startswith("Parametrically driven")
    assert entries["arxiv:2011.01261"].origin == ["ris:quantum.ris", "bibtex:quantum.bib"]
    assert stat.S_IMODE((tmp_path / "library.json").stat().st_mode) == 0o600


@pytest.mark.parametrize("given", ["arxiv:2606.14677", "2606.14677v2", "https://arxiv.org/abs/2606.14677"])
def test_an_entry_is_removed_by_any_form_of_its_arxiv_id(tmp_path: Path, given: str) -> None:
    imported(tmp_path, "quantum.bib")
    assert UserLibrary(tmp_path).remove(given).id == "arxiv:2606.14677"
    assert UserLibrary(tmp_path).remove(given) is None


def test_an_entry_is_removed_by_its_doi_in_any_case(tmp_path: Path) -> None:
    imported(tmp_path, "quantum.bib")
    assert UserLibrary(tmp_path).remove("https://doi.org/10.1103/PhysRevA.86.032324") is not None
    assert UserLibrary(tmp_path).clear() == 4
    assert UserLibrary(tmp_path).entries() == []


def test_a_damaged_library_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    (tmp_path / "library.json").write_text('{"entries": [{"id": 3}]}')
    entry = new_entry(title="A paper", origin="test")
    with pytest.raises(LibraryFileError, match="left untouched"):
        UserLibrary(tmp_path).add([entry])
    assert (tmp_path / "library.json").read_text() == '{"entries": [{"id": 3}]}'


WRITER = """
import sys
from academichub.radar.library import UserLibrary
from academichub.radar.library.entries import new_entry
library = UserLibrary(sys.argv[1])
for i in range(40):
    library.add([new_entry(title=f"{sys.argv[2]} paper {i}", origin=sys.argv[2])])
"""


def test_two_processes_importing_at_once_lose_nothing(tmp_path: Path) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name]) for name in ("zotero", "bibtex")
    ]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    titles = {e["title"] for e in json.loads((tmp_path / "library.json").read_text())["entries"]}
    assert len(titles) == 80
