import pytest

from academichub.briefing.prose import ProseTap, close_json

ANSWER = (
    '{ "title": "Errors in \\"quantum\\" hardware", "statements": [{"cites": [4, 9], "text": "A transformer '
    'decodes.\\u00a0Fast."}, {"cites":[9],"text":"Leakage is measured."}], "links": ["One link.", "Two."]}'
)


@pytest.mark.parametrize("piece_size", [1, 3, 7, len(ANSWER)])
def test_the_tap_passes_on_only_the_prose_however_the_tokens_fall(piece_size):
    tap = ProseTap()
    pieces = [ANSWER[i : i + piece_size] for i in range(0, len(ANSWER), piece_size)]
    prose = "".join(tap.feed(p) for p in pieces)
    assert prose.split("\n") == [
        'Errors in "quantum" hardware',
        "A transformer decodes.\u00a0Fast.",
        "Leakage is measured.",
        "One link.",
        "Two.",
    ]


def test_keys_and_numbers_never_reach_the_reader():
    assert ProseTap().feed('{"cites": [1, 2], "headline": "Day"}') == "Day"


@pytest.mark.parametrize(
    ("cut_off", "expected"),
    [
        ('{"title": "Err', {"title": "Err"}),
        (
            '{"title": "E", "statements": [{"cites": [4], "text": "A tra',
            {"title": "E", "statements": [{"cites": [4], "text": "A tra"}]},
        ),
        (
            '{"title": "E", "statements": [{"cites": [4], "text": "A"}, {"cites": [',
            {"title": "E", "statements": [{"cites": [4], "text": "A"}, {"cites": []}]},
        ),
        ('{"title": "line\nbreak"}', {"title": "line\nbreak"}),
    ],
)
def test_an_answer_cut_short_keeps_what_it_completed(cut_off, expected):
    assert close_json(cut_off) == expected


def test_an_answer_that_is_not_json_at_all_is_an_error():
    with pytest.raises(ValueError, match="not JSON"):
        close_json("I cannot help with that.")
