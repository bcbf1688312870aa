"""The radar that learns: a per-user model of what the user reads (library, stars; dismissals against),
scores that explain themselves (the nearest of the user's papers, the words that weighed most), and one
relevance score that combines them with the rules."""

from .combine import combined_score
from .features import PaperText
from .model import InterestModel, LearnedScore

__all__ = ["InterestModel", "LearnedScore", "PaperText", "combined_score"]
