"""Each paper's contribution in a few of its own words, by code: what the briefing's sentences are built from.

The sentence that says what the paper does ("we propose...", "here we show that...") is found and cut down
to its verb and the short phrase after it: "proposes a diffusion-based policy", "shows that critics
overfit small datasets". The cut falls only where a phrase ends (before "which", "by", a comma...), so
what is left reads whole and never needs "…". A paper without such a sentence is described by its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Card
from .digest import _without_label, sentences

MAX_WHAT_WORDS = 11  # a phrase, not a sentence: the briefing joins two or three of them in one sentence

_VERBS = frozenset(
    """propose present introduce develop design build construct describe release derive establish prove show
    find demonstrate report identify reveal provide study investigate analyse analyze examine explore
    evaluate characterise characterize compare quantify assess discover obtain formulate extend review
    benchmark measure""".split()  # noqa: SIM905 (a word list reads better as text)
)
_CLAIM = re.compile(
    r"\b(?:here,?\s+|in this (?:paper|work|study|article|letter),?\s+)?"
    r"(?P<subject>we|this (?:paper|work|study|article|letter|review))\s+"
    r"(?:(?:also|further|then|first|additionally|systematically|rigorously|empirically|theoretically|"
    r"experimentally)\s+)?(?P<verb>[a-z]+)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)


def base_form(word: str) -> str | None:
    """'identifies' -> 'identify', 'proposed' -> 'propose'; None for a word not among the verbs."""
    word = word.lower()
    for suffix, replacement in (
        ("", ""),
        ("ies", "y"),
        ("ied", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("d", ""),
    ):
        if word.endswith(suffix) and (stem := word[: len(word) - len(suffix)] + replacement) in _VERBS:
            return stem
    return None


# Verbs whose object is a finding: "shows that X" keeps "that".
_FINDING = {"show", "find", "demonstrate", "prove", "report", "reveal", "establish", "identify", "discover"}
# Where a phrase ends: a relative clause, a means, a purpose, a second clause.
_BOUNDARY = re.compile(
    r"(?:,\s|;\s|:\s|\s[-–—]\s|\s\(|\s(?:which|where|whereby|while|whereas|thereby|through|via|using|"
    r"by|based on|in order to|allowing|enabling|leveraging|achieving|resulting|so that|such that|when|"
    r"because|although|as well as|that|who)\s)",
    re.IGNORECASE,
)
# A long phrase may also end before one of these, keeping what comes before it whole.
_SOFT = re.compile(r"\s(?:of|for|in|on|with|from|across|under|over|to|at|against|within)\s")
_DANGLING = re.compile(
    r"(?:\s(?:a|an|the|of|for|in|on|with|from|and|or|to|its|their|our|this|these|both|novel|new))+$",
    re.IGNORECASE,
)
_THIRD_PERSON = {"analyse": "analyses", "analyze": "analyzes"}
# A finding that opens on a word pointing back ("that this symmetry...") needs the sentence before it.
_POINTS_BACK = re.compile(
    r"^that (?:this|these|those|it|they|such|the latter|the former|both|its|their|we|our)\b", re.IGNORECASE
)
# "we construct(s) are...": the verb was a noun. An object starts with a noun phrase, not a verb or a clause.
_NOT_AN_OBJECT = re.compile(
    r"^(?:are|is|was|were|be|been|can|could|may|might|will|would|should|to|how|why|what|whether|when|"
    r"where|which|who|if|as|also|further|it|them|here|there|this\s(?:is|was))\b",
    re.IGNORECASE,
)
MIN_FINDING_WORDS = 6  # 'that the best model' is not a finding

VERBS_ZH = {
    "propose": "提出",
    "present": "介绍",
    "introduce": "引入",
    "develop": "开发",
    "design": "设计",
    "build": "构建",
    "construct": "构造",
    "describe": "描述",
    "release": "发布",
    "derive": "推导",
    "establish": "确立",
    "prove": "证明",
    "show": "表明",
    "find": "发现",
    "demonstrate": "证明",
    "report": "报告",
    "identify": "识别",
    "reveal": "揭示",
    "provide": "提供",
    "discover": "发现",
    "about": "研究",
}


@dataclass(frozen=True)
class Contribution:
    card: int
    verb: str  # base form: "propose", "show"; "about" when only the title says what the paper is
    what: str  # the phrase after the verb, without the paper's own sentence end
    from_title: bool = False

    def english(self) -> str:
        """'proposes a diffusion-based policy', 'shows that critics overfit', 'is about <title>'."""
        if self.verb == "about":
            return f"is about {self.what}"
        return f"{third_person(self.verb)} {self.what}"

    def chinese(self) -> str:
        """'提出 a diffusion-based policy': the paper's words stay as written (English)."""
        what = self.what[5:] if self.what.lower().startswith("that ") else self.what
        return f"{VERBS_ZH.get(self.verb.lower(), '研究')} {what}"


def third_person(verb: str) -> str:
    verb = verb.lower()
    if verb in _THIRD_PERSON:
        return _THIRD_PERSON[verb]
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "es" if verb.endswith(("sh", "ch", "ss", "x")) else verb + "s"


def _is_name(text: str) -> bool:
    """'GraphSAGE', 'LLaMA-3', 'AI4Land': one word with capitals or digits past its first letter."""
    words = text.split()
    return len(words) == 1 and len(text) > 1 and any(ch.isupper() or ch.isdigit() for ch in text[1:])


def _lower_first(text: str) -> str:
    first, _, rest = text.partition(" ")
    if len(first) > 1 and (first.isupper() or any(ch.isupper() or ch.isdigit() for ch in first[1:])):
        return text  # an acronym or a name: 'LLMs', 'GraphSAGE'
    if rest[:1].isupper():
        return text  # a name of several words: 'Clustered Federated Learning'
    return text[:1].lower() + text[1:]


_TEX_COMMAND = re.compile(r"\\[a-zA-Z]+\s*\{([^{}]*)\}")


def _drop_brackets(text: str) -> str:
    # '\textbf{P}unctuation' is 'Punctuation' in prose; a formula ($...$) stays as written, for the popup
    # to typeset (or show as its source).
    text = "".join(
        part if part.startswith("$") else _TEX_COMMAND.sub(r"\1", part)
        for part in re.split(r"(\$[^$]*\$)", text)
    )
    previous = None
    while previous != text:
        previous, text = text, re.sub(r"\s?\([^()]*\)|\s?\[[^\[\]]*\]", "", text)
    return " ".join(text.split())


def shorten(phrase: str, limit: int = MAX_WHAT_WORDS, *, finding: bool = False) -> str:
    """Cut `phrase` where a phrase ends, to at most `limit` words; '' when nothing whole is left."""
    text = _drop_brackets(phrase).rstrip(" .;:,")
    body = text[5:] if finding and text.lower().startswith("that ") else text
    head = "that " if body is not text else ""
    match = _BOUNDARY.search(body, 1)
    if match and _is_name(body[: match.start()]) and body[match.start() : match.end()] == ", ":
        match = _BOUNDARY.search(
            body, match.end()
        )  # 'GraphSAGE, an inductive framework': keep the apposition
    if match:
        body = body[: match.start()]
        if len(body.split()) < 3 and not _is_name(body.split(",")[0]):
            return ""  # 'a model, which...': what is left says nothing
    if len(body.split()) > limit:
        cuts = [m.start() for m in _SOFT.finditer(body) if 3 <= len(body[: m.start()].split()) <= limit]
        body = body[: cuts[-1]] if cuts else ""
    body = _DANGLING.sub("", body.rstrip(" .;:,")).strip()
    if len(body.split()) < 2:
        return ""
    return head + body


def contribution(card: Card) -> Contribution:
    found = [_without_label(s) for s in sentences(card.abstract)][:8]
    for sentence in found:
        match = _CLAIM.search(sentence)
        if not match:
            continue
        verb = base_form(match.group("verb"))
        if verb is None:
            continue
        rest = match.group("rest")
        finding = verb in _FINDING and rest.lower().startswith("that ")
        if verb in _FINDING and not finding and verb not in {"report", "identify", "establish"}:
            continue  # "we show how ..." or "we find a ...": not a phrase to build on
        if not finding and _NOT_AN_OBJECT.match(rest):
            continue
        what = shorten(rest, finding=finding)
        if finding and len(what.split()) < MIN_FINDING_WORDS:
            continue
        if what and not _POINTS_BACK.match(what):
            return Contribution(card.n, verb, _lower_first(what) if not finding else what)
    return Contribution(card.n, "about", title_topic(card.title), from_title=True)


def title_topic(title: str) -> str:
    """What a title says the paper is about: 'Emergent retokenization symmetry in large language models'
    from '...: phenomenology and applications'; the part after the colon when the part before is a name."""
    head, _, tail = title.partition(": ")
    topic = head if len(head.split()) >= 3 or not tail else tail
    topic = shorten(topic, 12) or topic.rstrip(".")
    first, _, rest = topic.partition(" ")
    if first in ("A", "An", "The"):
        return f"{first.lower()} {rest}"
    return _lower_first(topic)
