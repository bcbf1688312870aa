"""The radar that learns: a per-user model of what the user reads (library, stars; dismissals against),
scores that explain themselves (the nearest of the user's papers, the words that weighed most), and one
relevance score that combines them with the rules."""

from .combine import combined_score
from .features import PaperText
from .model import InterestModel, LearnedScore
from .persist import ModelFileError, model_path
from .vectors import PaperVectors, paper_text

__all__ = [
    "InterestModel",
    "LearnedScore",
    "ModelFileError",
    "PaperText",
    "PaperVectors",
    "combined_score",
    "model_path",
    "paper_text",
]
