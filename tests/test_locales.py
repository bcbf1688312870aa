"""The extension's messages: every string the UI shows comes from _locales, in English and in Chinese, with
the same keys and the same substitutions in both."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALES = {
    lang: json.loads((ROOT / "_locales" / lang / "messages.json").read_text()) for lang in ("en", "zh_CN")
}
SOURCES = [
    *sorted((ROOT / "extension").rglob("*.js")),
    *sorted((ROOT / "extension").rglob("*.html")),
    ROOT / "manifest.json",
]

USED = re.compile(
    r"""\bt\(\s*["'](\w+)["']|getMessage\(\s*["'](\w+)["']|data-i18n(?:-\w+)?="(\w+)"|__MSG_(\w+)__"""
)
LITERAL = re.compile(r"""["'](\w+)["']""")  # t(ok ? "copied" : "copyFailed"): a key in any string literal
DYNAMIC = re.compile(r"""\bt\(\s*`(\w+)\$\{""")  # t(`field_${name}`): every key with that prefix is used


def used_keys() -> tuple[set[str], set[str]]:
    keys, prefixes = set(), set()
    for path in SOURCES:
        text = path.read_text()
        keys |= {next(g for g in m.groups() if g) for m in USED.finditer(text)}
        prefixes |= set(DYNAMIC.findall(text))
    return keys, prefixes


def test_english_and_chinese_have_the_same_messages() -> None:
    assert LOCALES["en"].keys() == LOCALES["zh_CN"].keys()


def test_every_message_the_code_asks_for_exists() -> None:
    keys, _ = used_keys()
    assert keys, "the extension asks for no message at all?"
    assert sorted(keys - LOCALES["en"].keys()) == []


def test_every_message_is_used() -> None:
    keys, prefixes = used_keys()
    literals = {m for path in SOURCES if path.suffix == ".js" for m in LITERAL.findall(path.read_text())}
    unused = [k for k in LOCALES["en"] if k not in keys | literals and not k.startswith(tuple(prefixes))]
    assert unused == []


def slots(message: str) -> list[str]:
    return sorted(set(re.findall(r"\$\d", message)))


def test_both_languages_take_the_same_substitutions_numbered_from_one() -> None:
    wrong = [
        key
        for key, message in LOCALES["en"].items()
        if slots(message["message"]) != slots(LOCALES["zh_CN"][key]["message"])
        or slots(message["message"]) != [f"${n}" for n in range(1, len(slots(message["message"])) + 1)]
    ]
    assert wrong == []
