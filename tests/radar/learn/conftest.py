"""The day of learn_papers, as the tests get it."""

from __future__ import annotations

import pytest
from learn_papers import CLOSE, FAR

from academichub.radar.learn import PaperText


@pytest.fixture
def day() -> list[PaperText]:
    """The day in no helpful order: the far papers first."""
    return [*FAR[:4], CLOSE[1], *FAR[4:], CLOSE[0]]
