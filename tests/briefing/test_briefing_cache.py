import datetime as dt

import pytest

from academichub.briefing.cache import BriefingCache, briefing_key
from academichub.briefing.model import Briefing

DAY = dt.date(2026, 6, 24)


def written(language="en", extractive=False) -> Briefing:
    return Briefing(
        day=DAY,
        headline="A day",
        model="m.gguf",
        written_at=dt.datetime(2026, 6, 24, tzinfo=dt.UTC),
        language=language,
        extractive=extractive,
    )


KEY = briefing_key(["a", "b"], ["a"], "en", "m.gguf")


def test_the_latest_briefing_of_a_day_comes_back_while_its_papers_are_the_same(tmp_path):
    cache = BriefingCache(tmp_path)
    cache.put(DAY, KEY, written())
    assert cache.get(DAY, "en", KEY) == written()


@pytest.mark.parametrize(
    "other_key",
    [
        briefing_key(["a", "b", "c"], ["a"], "en", "m.gguf"),  # a refresh added a paper
        briefing_key(["a", "b"], ["b"], "en", "m.gguf"),  # the radar chose other papers
        briefing_key(["a", "b"], ["a"], "en", "other.gguf"),  # another model
    ],
)
def test_a_changed_day_or_model_misses(tmp_path, other_key):
    cache = BriefingCache(tmp_path)
    cache.put(DAY, KEY, written())
    assert cache.get(DAY, "en", other_key) is None


def test_the_key_does_not_depend_on_order():
    assert briefing_key(["b", "a"], ["a"], "en", "m.gguf") == KEY


def test_languages_are_kept_apart(tmp_path):
    cache = BriefingCache(tmp_path)
    cache.put(DAY, KEY, written("zh"))
    assert cache.get(DAY, "en", KEY) is None
    assert cache.get(DAY, "zh", KEY) == written("zh")


def test_an_extractive_briefing_is_not_kept(tmp_path):
    cache = BriefingCache(tmp_path)
    cache.put(DAY, KEY, written(extractive=True))
    assert cache.get(DAY, "en", KEY) is None


def test_a_damaged_file_is_a_miss(tmp_path):
    (tmp_path / "2026-06-24.en.json").write_text("{broken")
    assert BriefingCache(tmp_path).get(DAY, "en", KEY) is None
