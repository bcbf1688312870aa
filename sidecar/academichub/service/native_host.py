"""The native messaging host: the browser runs it when the extension connects, and it answers where the
sidecar listens, starting the sidecar first when it is not running.

The protocol is Chromium's and Firefox's: each message is a 4-byte length in native byte order, then that
many bytes of UTF-8 JSON, on stdin and stdout. stdout is the pipe to the browser, so nothing else may ever
be written to it: the real stdout is kept for messages and fd 1 points at stderr (which the browser logs).
EOF on stdin means the extension closed the port: the host exits.

Requests: {"type": "connect"}. Answers: {"type": "sidecar", "port": N, "token": "...", "pid": N,
"started": bool} or {"type": "error", "error": "<name>", "detail": "<what failed and what to do>"}.

This runs at every browser start, so it imports only what it needs: the runtime files' reader, never the
service (which pulls in aiohttp and the whole API: over a second on a laptop).
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import BinaryIO

from ..paths import Paths
from .native_install import DATA_DIR_ENV
from .origins import remember_origin
from .runtime import LOG_FILE, RunningService, find_running

MAX_MESSAGE = 1024 * 1024  # Chromium's limit for messages from the host; ours are tiny
START_TIMEOUT = 25.0  # a cold start of the sidecar: Python, the store's index, binding the port


class ProtocolError(RuntimeError):
    pass


class SidecarUnavailable(RuntimeError):
    pass


def read_message(stream: BinaryIO) -> dict | None:
    """One message, or None at EOF (the port closed)."""
    header = stream.read(4)
    if not header:
        return None
    if len(header) < 4:
        raise ProtocolError(f"truncated length prefix ({len(header)} of 4 bytes)")
    (length,) = struct.unpack("=I", header)
    if length > MAX_MESSAGE:
        raise ProtocolError(f"message of {length} bytes is larger than {MAX_MESSAGE}")
    body = stream.read(length)
    if len(body) < length:
        raise ProtocolError(f"truncated message ({len(body)} of {length} bytes)")
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"message is not UTF-8 JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError("message is nested too deeply") from None
    if not isinstance(message, dict):
        raise ProtocolError("message is not a JSON object")
    return message


def write_message(stream: BinaryIO, message: dict) -> None:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    stream.write(struct.pack("=I", len(body)) + body)
    stream.flush()


def user_paths() -> Paths:
    """The data dir the launcher names (install-native-host --data-dir), else the user's XDG directories."""
    data_dir = os.environ.get(DATA_DIR_ENV)
    return Paths.under(Path(data_dir)) if data_dir else Paths.for_user()


def serve_command(paths: Paths) -> list[str]:
    command = [sys.executable, "-m", "academichub.cli"]
    if os.environ.get(DATA_DIR_ENV):
        command += ["--data-dir", str(paths.data)]
    return [*command, "serve"]


def start_sidecar(paths: Paths, timeout: float = START_TIMEOUT) -> RunningService:
    """Starts `academichub serve` detached and waits until it listens.

    Detached: a new session and no inherited stdio, so it outlives this host and the browser's pipe, and
    never writes into the message stream. Two hosts racing here both spawn one; the service's instance lock
    lets one win, the other exits, and both hosts find the winner.
    """
    paths.state.mkdir(parents=True, exist_ok=True)
    options: dict = {"start_new_session": True}
    if sys.platform == "win32":  # pragma: no cover - no session ids there
        options = {"creationflags": subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP}
    child = subprocess.Popen(
        serve_command(paths),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        cwd=paths.state,
        **options,
    )
    deadline = time.monotonic() + timeout
    exited_at: float | None = None
    while time.monotonic() < deadline:
        found = find_running(paths)
        if found is not None:
            return found
        if exited_at is None and child.poll() is not None:
            exited_at = time.monotonic()  # lost a race, or failed: give a winner a moment to appear
        if exited_at is not None and time.monotonic() - exited_at > 2.0:
            raise SidecarUnavailable(
                f"`{' '.join(serve_command(paths)[1:])}` exited with status {child.returncode}; "
                f"see {paths.state / LOG_FILE}"
            )
        time.sleep(0.05)
    raise SidecarUnavailable(
        f"the sidecar did not start listening within {timeout:.0f} s; see {paths.state / LOG_FILE}"
    )


def answer(request: dict, paths: Paths, caller: str | None = None) -> dict:
    """`caller`: the origin the browser says started us (Chromium's argv[1]); a Firefox extension says its
    own in the request, as Firefox gives the host only the extension's id."""
    if request.get("type") != "connect":
        kind = str(request.get("type"))[:40]
        return {
            "type": "error",
            "error": "unknown_request",
            "detail": f"unknown request type {kind!r}; the one request is {{'type': 'connect'}}",
        }
    for origin in (caller, request.get("origin")):
        if isinstance(origin, str):
            try:
                remember_origin(paths, origin)  # the service lets this origin, and no other extension's, in
            except OSError as exc:
                print(f"cannot record the extension's origin: {exc}", file=sys.stderr)
    found = find_running(paths)
    started = found is None
    try:
        sidecar = found or start_sidecar(paths)
    except (OSError, SidecarUnavailable) as exc:
        return {
            "type": "error",
            "error": "sidecar_unavailable",
            "detail": f"could not start the AcademicHub sidecar: {exc}",
        }
    return {
        "type": "sidecar",
        "port": sidecar.port,
        "token": sidecar.token,
        "pid": sidecar.pid,
        "started": started,
    }


def _message_streams() -> tuple[BinaryIO, BinaryIO]:
    """stdin for reading; a private copy of stdout for writing, with fd 1 pointed at stderr from now on."""
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        msvcrt.setmode(sys.stdin.fileno(), os.O_BINARY)
        msvcrt.setmode(sys.stdout.fileno(), os.O_BINARY)
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return sys.stdin.buffer, out


def main(argv: list[str] | None = None) -> int:
    # argv[1] is the caller: chrome-extension://<id>/ (Chromium) or the manifest path (Firefox). The host
    # manifest's allowed_origins already limits who may start us.
    args = sys.argv[1:] if argv is None else argv
    incoming, outgoing = _message_streams()
    paths = user_paths()
    print(f"academichub native host for {args[0] if args else 'unknown caller'}", file=sys.stderr)
    while True:
        try:
            request = read_message(incoming)
        except ProtocolError as exc:
            write_message(outgoing, {"type": "error", "error": "bad_message", "detail": str(exc)})
            return 1
        if request is None:
            return 0
        caller = args[0] if args and args[0].startswith("chrome-extension://") else None
        write_message(outgoing, answer(request, paths, caller))


if __name__ == "__main__":
    sys.exit(main())
