"""Radar rules: what a valid rule is, and the book that keeps them in the data dir."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from academichub.radar import RadarBook, RadarFileError, RadarRule, RuleExists, RuleNotFound


def test_a_rule_keeps_what_the_user_wrote_tidied() -> None:
    rule = RadarRule(
        name="  graph   learning ",
        terms=[' "graph neural network" ', "GNN", "GNN", "neur*"],
        authors=["Ana Pérez"],
        categories=[" cs.LG ", ""],
        exclude=["robot*"],
        weight=2,
    )
    assert rule.name == "graph learning"
    assert rule.terms == ["graph neural network", "GNN", "neur*"]  # quotes off, duplicates once
    assert rule.categories == ["cs.LG"]
    assert rule.weight == 2


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"name": "x"}, "needs terms or authors"),
        ({"name": "x", "categories": ["cs.LG"]}, "needs terms or authors"),
        ({"name": "", "terms": ["a"]}, "name"),
        ({"name": "   ", "terms": ["a"]}, "needs a name"),
        ({"name": "x", "terms": [""]}, "is empty"),
        ({"name": "x", "terms": ['""']}, "is empty"),
        ({"name": "x", "terms": ["n*"]}, "matches too much"),
        ({"name": "x", "terms": ["*net"]}, "must start with a letter"),
        ({"name": "x", "terms": ["ne*ral"]}, "may only end a word"),
        ({"name": "x", "terms": ["ok"], "exclude": ["*"]}, "must start with a letter"),
        ({"name": "x", "authors": ["., -"]}, "has no letters"),
        ({"name": "x", "terms": ["a"], "weight": 0}, "greater than 0"),
        ({"name": "x", "terms": ["a"], "weight": 101}, "less than or equal to 100"),
        ({"name": "x", "terms": ["a"], "colour": "red"}, "Extra inputs"),
    ],
)
def test_a_bad_rule_is_refused_with_a_reason(fields: dict, complaint: str) -> None:
    with pytest.raises(ValidationError) as error:
        RadarRule.model_validate(fields)
    assert complaint in str(error.value)


def test_rules_persist_in_the_data_dir(tmp_path) -> None:
    with RadarBook(tmp_path) as book:
        book.add(RadarRule(name="quantum", terms=["surface code"], weight=3))
        book.add(RadarRule(name="people", authors=["Sato"]))
    with RadarBook(tmp_path) as book:
        assert [r.name for r in book.rules()] == ["quantum", "people"]
        assert book.rule("QUANTUM").weight == 3  # names are found whatever their case
    stored = json.loads((tmp_path / "radar.json").read_text())
    assert [r["name"] for r in stored["rules"].values()] == ["quantum", "people"]


def test_a_rule_name_is_unique_whatever_its_case(tmp_path) -> None:
    book = RadarBook(tmp_path)
    book.add(RadarRule(name="Quantum", terms=["qubit"]))
    with pytest.raises(RuleExists, match="exists already"):
        book.add(RadarRule(name="quantum", terms=["spin"]))
    assert [r.terms for r in book.rules()] == [["qubit"]]


def test_replacing_a_rule_changes_it_in_place_and_may_rename_it(tmp_path) -> None:
    book = RadarBook(tmp_path)
    book.add(RadarRule(name="a", terms=["x-ray"]))
    book.add(RadarRule(name="b", terms=["y"]))
    book.replace("A", RadarRule(name="a2", terms=["x-ray", "CT"], weight=2))
    assert [(r.name, r.terms) for r in book.rules()] == [("a2", ["x-ray", "CT"]), ("b", ["y"])]
    with pytest.raises(RuleExists):
        book.replace("a2", RadarRule(name="B", terms=["z"]))
    with pytest.raises(RuleNotFound):
        book.replace("nope", RadarRule(name="nope", terms=["z"]))


def test_removing_a_rule_returns_it_and_an_unknown_name_says_so(tmp_path) -> None:
    book = RadarBook(tmp_path)
    book.add(RadarRule(name="a", terms=["x"]))
    assert book.remove("a").terms == ["x"]
    assert book.rules() == []
    with pytest.raises(RuleNotFound, match="no radar rule named 'a'"):
        book.remove("a")


def test_a_rule_written_by_another_process_is_seen_at_once(tmp_path) -> None:
    service, cli = RadarBook(tmp_path), RadarBook(tmp_path)
    assert service.rules() == []
    cli.add(RadarRule(name="late", terms=["spin"]))
    assert [r.name for r in service.rules()] == ["late"]


def test_the_snapshot_is_reread_only_when_the_file_changed(tmp_path) -> None:
    service, cli = RadarBook(tmp_path), RadarBook(tmp_path)
    empty = service.snapshot()
    assert (empty.rules, empty.dismissed) == ((), frozenset())
    assert service.fresh_snapshot() is empty and service.snapshot() is empty
    cli.add(RadarRule(name="late", terms=["spin"]))
    assert service.fresh_snapshot() is None
    assert [r.name for r in service.snapshot().rules] == ["late"]
    cli.dismiss("2606.00001")
    assert service.snapshot().dismissed == {"arxiv:2606.00001"}


def test_a_hand_broken_rule_is_reported_and_the_file_left_alone(tmp_path) -> None:
    broken = {"rules": {"1": {"name": "bad", "terms": ["*"]}}, "dismissed": {}}
    (tmp_path / "radar.json").write_text(json.dumps(broken))
    with pytest.raises(
        RadarFileError, match=r"rule 'bad' is not valid \(terms: .*'\*' must start with a letter"
    ):
        RadarBook(tmp_path).rules()
    assert json.loads((tmp_path / "radar.json").read_text()) == broken


def test_a_damaged_file_is_reported_not_overwritten(tmp_path) -> None:
    (tmp_path / "radar.json").write_text('{"rules": {"1": ')
    with pytest.raises(ValueError, match="not a valid JSON document"):
        RadarBook(tmp_path).rules()
    assert (tmp_path / "radar.json").read_text() == '{"rules": {"1": '
