from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """Recorded feeds and pages, copied into the project: tests/fixtures/{feeds,pages}."""
    return ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def seed_day() -> Path:
    """The recorded day shipped in the package (10 feeds, 71 papers)."""
    return ROOT / "sidecar" / "academichub" / "data" / "seed-day"
