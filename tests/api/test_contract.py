"""extension/shared/contract.json: the values the extension and the sidecar agree on, generated from the
sidecar's models and constants, never copied by hand."""

from __future__ import annotations

import re
from pathlib import Path

from academichub.api import contract
from academichub.api.app import route_table
from academichub.ids import ARXIV_CATEGORY, is_arxiv_category
from academichub.ingest.sources.catalogue import CATALOGUE
from academichub.models import SourceKind

PACKAGE = Path(contract.__file__).resolve().parents[1]
EXTENSION = contract.ROOT / "extension"


def test_the_contract_and_its_copy_in_protocol_js_are_as_the_command_writes_them():
    assert contract.stale() == [], "run `python -m academichub.api.contract`"
    assert contract.main(["--check"]) == 0


def test_a_changed_value_makes_the_copy_stale(monkeypatch):
    monkeypatch.setitem(contract.MESSAGE_KINDS, "BADGE", "badge.recount")
    assert contract.stale() == [contract.CONTRACT_JSON, contract.PROTOCOL_JS]


def test_the_extension_holds_no_copy_of_the_contracts_values_outside_the_generated_block():
    protocol = contract.PROTOCOL_JS.read_text(encoding="utf-8")
    outside = re.sub(r"// <contract>.*?// </contract>", "", protocol, flags=re.S)
    for kind in contract.MESSAGE_KINDS.values():
        assert f'"{kind}"' not in outside
    for code in contract.MESSAGE_ERRORS.values():
        assert f'"{code}"' not in outside
    assert "[a-z]+(-[a-z]+)?" not in outside and "4 * 1024 * 1024" not in outside


def test_every_api_error_the_sidecar_raises_is_in_the_contract():
    raised = set()
    for path in (PACKAGE / "api").rglob("*.py"):
        raised |= set(re.findall(r'ApiError\(\s*\d+,\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
        raised |= set(re.findall(r'_error\(\s*\d+,\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert raised and raised <= set(contract.API_ERRORS)


def test_every_native_host_error_is_in_the_contract():
    host = (PACKAGE / "service" / "native_host.py").read_text(encoding="utf-8")
    assert set(re.findall(r'"error": "([a-z_]+)"', host)) <= set(contract.NATIVE["errors"])


def test_one_category_pattern_admits_every_category_of_the_catalogue_and_no_acm_class():
    categories = {s.category for s in CATALOGUE.values() if s.kind is SourceKind.arxiv}
    assert len(categories) == 155 and all(re.match(ARXIV_CATEGORY, c) for c in categories)
    assert all(is_arxiv_category(c) for c in categories)
    assert not any(is_arxiv_category(c) for c in ("I.2.6", "68T05", "CS.LG", "cs.", ".LG"))


def test_the_category_pattern_is_written_once_in_the_sidecar():
    literal = re.escape(r"(-[a-z]+)?(\.[A-Za-z]+")
    holders = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if re.search(literal, path.read_text(encoding="utf-8"))
    ]
    assert holders == ["ids.py"]


def test_protocol_md_names_every_route_error_and_event_kind():
    text = (contract.ROOT / "PROTOCOL.md").read_text(encoding="utf-8")
    built = contract.build_contract()
    named = [route.path for route in route_table().routes]
    named += built["api"]["errors"] + built["native"]["errors"] + list(built["messages"]["kinds"].values())
    named += (
        built["events"]["refresh"] + built["events"]["briefing"] + list(built["messages"]["errors"].values())
    )
    missing = [name for name in named if name not in text]
    assert missing == []
