"""The native messaging host: the length-prefixed JSON protocol, and the host as the browser runs it (a
process talking over its stdin and stdout) starting a real sidecar, detached."""

from __future__ import annotations

import io
import json
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from academichub.config import Config, RefreshSettings, save_config
from academichub.paths import Paths
from academichub.service.native_host import ProtocolError, answer, read_message, write_message
from academichub.service.native_install import DATA_DIR_ENV
from academichub.service.origins import KnownOrigins


def framed(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return struct.pack("=I", len(body)) + body


@pytest.mark.parametrize(
    "message",
    [{"type": "connect"}, {}, {"text": 'Pérez, 量子, \u2028 and a "quote"'}, {"n": list(range(1000))}],
    ids=["connect", "empty", "unicode", "long"],
)
def test_a_message_is_a_native_length_then_utf8_json(message: dict) -> None:
    out = io.BytesIO()
    write_message(out, message)
    raw = out.getvalue()
    (length,) = struct.unpack("=I", raw[:4])
    assert length == len(raw) - 4
    assert json.loads(raw[4:].decode("utf-8")) == message
    assert read_message(io.BytesIO(raw)) == message


def test_end_of_input_is_no_message() -> None:
    assert read_message(io.BytesIO(b"")) is None


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"\x05\x00", "truncated length prefix"),
        (struct.pack("=I", 10) + b"{}", "truncated message"),
        (struct.pack("=I", 2**31), "larger than"),
        (struct.pack("=I", 3) + b"{x}", "not UTF-8 JSON"),
        (struct.pack("=I", 2) + b"\xff\xfe", "not UTF-8 JSON"),
        (struct.pack("=I", 2) + b"[]", "not a JSON object"),
    ],
    ids=["short-prefix", "short-body", "too-large", "not-json", "not-utf8", "not-an-object"],
)
def test_a_broken_message_is_an_error_that_says_what_is_wrong(raw: bytes, problem: str) -> None:
    with pytest.raises(ProtocolError, match=problem):
        read_message(io.BytesIO(raw))


def test_an_unknown_request_is_answered_with_the_one_there_is(tmp_path: Path) -> None:
    reply = answer({"type": "launch-missiles"}, Paths.under(tmp_path))
    assert reply["type"] == "error" and reply["error"] == "unknown_request"
    assert "'connect'" in reply["detail"]
    assert not (tmp_path / "state").exists()  # nothing was started


def test_the_host_finds_the_service_without_importing_it() -> None:
    # It reads the runtime files through service.runtime; the service itself pulls in aiohttp and the whole
    # API, a second at every browser start.
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, academichub.service.native_host; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "sidecar")},
    ).stdout
    assert "academichub.service.runtime" in loaded
    assert "aiohttp" not in loaded and "academichub.service.serve" not in loaded


# ---- the host as a process ----


def host(data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, DATA_DIR_ENV: str(data_dir)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "academichub.service.native_host",
            "chrome-extension://llbpaieejbbmfigdahebidpaaoamdnnf/",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def converse(process: subprocess.Popen[bytes], *messages: dict) -> tuple[list[dict], bytes, int]:
    """Sends the messages, closes stdin (the browser closing the port); returns the answers, whatever else
    came on stdout, and the exit status."""
    stdout, _ = process.communicate(b"".join(framed(m) for m in messages), timeout=60)
    answers, stream = [], io.BytesIO(stdout)
    while (message := read_message(stream)) is not None:
        answers.append(message)
    return answers, stream.read(), process.returncode


def stop(pid: int) -> None:
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    save_config(
        Paths.under(tmp_path).config_file, Config(refresh=RefreshSettings(on_start=False, scheduled=False))
    )
    return tmp_path


def test_two_hosts_at_once_start_one_detached_sidecar_and_the_next_finds_it(data_dir: Path) -> None:
    first, second = host(data_dir), host(data_dir)  # onStartup and a popup, racing
    (a,), a_rest, a_status = converse(first, {"type": "connect"})
    (b,), b_rest, b_status = converse(second, {"type": "connect"})
    runtime = json.loads((data_dir / "state" / "service.json").read_text())
    pid = runtime["pid"]
    try:
        token = (data_dir / "state" / "token").read_text().strip()
        expected = {"type": "sidecar", "port": runtime["port"], "token": token, "pid": pid}
        assert {k: a[k] for k in expected} == expected == {k: b[k] for k in expected}
        assert (a_rest, b_rest, a_status, b_status) == (b"", b"", 0, 0)  # nothing else on stdout; exit on EOF
        assert sorted([a["started"], b["started"]]) in ([False, True], [True, True])
        # Detached: its own session, no stdio of the host's, alive after both hosts exited.
        assert os.getsid(pid) == pid
        assert {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in (0, 1, 2)} == {"/dev/null"}
        os.kill(pid, 0)

        # The next browser start: a Firefox one, which says its own origin; the service will let it in.
        firefox = "moz-extension://0b3f4a6e-1111-2222-3333-444455556666"
        (c,), _, _ = converse(host(data_dir), {"type": "connect", "origin": firefox + "/"})
        assert c["started"] is False and c["pid"] == pid
        assert firefox in KnownOrigins(Paths.under(data_dir))
        assert "chrome-extension://llbpaieejbbmfigdahebidpaaoamdnnf" in KnownOrigins(Paths.under(data_dir))
    finally:
        stop(pid)


def test_a_host_answers_every_request_until_the_port_closes(data_dir: Path) -> None:
    answers, rest, status = converse(host(data_dir), {"type": "hello"}, {"type": "bye"})
    assert [a["error"] for a in answers] == ["unknown_request", "unknown_request"]
    assert (rest, status) == (b"", 0)


def test_garbage_from_the_browser_gets_an_error_and_the_host_exits(data_dir: Path) -> None:
    process = host(data_dir)
    stdout, stderr = process.communicate(struct.pack("=I", 5) + b"nope!", timeout=30)
    reply = read_message(io.BytesIO(stdout))
    assert reply is not None and reply["error"] == "bad_message" and "not UTF-8 JSON" in reply["detail"]
    assert process.returncode == 1
    assert b"academichub native host for chrome-extension://" in stderr  # the log goes to stderr only


def test_a_deeply_nested_message_gets_an_error_frame_and_the_host_exits(data_dir: Path) -> None:
    nested = b"[" * 100_000
    process = host(data_dir)
    stdout, stderr = process.communicate(struct.pack("=I", len(nested)) + nested, timeout=30)
    reply = read_message(io.BytesIO(stdout))
    assert reply is not None and reply["error"] == "bad_message" and "nested too deeply" in reply["detail"]
    assert process.returncode == 1 and b"Traceback" not in stderr


def test_a_sidecar_that_cannot_start_is_an_error_answer_naming_why(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("a file where the data dir should be")
    (reply,), rest, status = converse(host(not_a_dir), {"type": "connect"})
    assert reply["type"] == "error" and reply["error"] == "sidecar_unavailable"
    assert "could not start the AcademicHub sidecar" in reply["detail"]
    assert (rest, status) == (b"", 0)
