"""The research radar: the user's standing interests (rules), matching papers against them with the exact
spans that matched, scores that explain themselves, and the papers the user dismissed."""

from .matching import Matchable, RadarMatcher, matcher_for
from .rules import (
    Dismissal,
    RadarBook,
    RadarFileError,
    RadarRule,
    RuleExists,
    RuleList,
    RuleNotFound,
    describe_rule,
    paper_key,
)
from .scoring import RadarScore, ScorePart, explain, score_hits
from .terms import TermError

__all__ = [
    "Dismissal",
    "Matchable",
    "RadarBook",
    "RadarFileError",
    "RadarMatcher",
    "RadarRule",
    "RadarScore",
    "RuleExists",
    "RuleList",
    "RuleNotFound",
    "ScorePart",
    "TermError",
    "describe_rule",
    "explain",
    "matcher_for",
    "paper_key",
    "score_hits",
]
