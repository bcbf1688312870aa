"""Schemathesis against the served OpenAPI document of a real `academichub serve` process: generated
requests, valid and invalid, must never get a 5xx, and every response must match its own documented schema.

Left out: POST /refresh (it would fetch whatever feed URLs the fuzzer added as sources; refreshing has its
own tests against a local feed server), GET /events (a stream that stays open by design) and POST
/briefings (each valid request runs the local model for about ten seconds on two cores; the briefing tests
cover it).
Every other check runs, but for `positive_data_acceptance`: a string the schema allows can still be no OPML
document or no feed URL, and the documented answer to that is a 400 naming the field.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
import schemathesis.specs.openapi.schemas  # imported at collection: see SIDECAR below
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from academichub.paths import Paths

# schemathesis loads most of its OpenAPI support lazily, and pytest rewrites the asserts of a plugin's
# modules as they load; on Python 3.11.7 compiling them that late, deep in a fixture, can fail with
# "AST constructor recursion depth mismatch" (a CPython bug). Importing them with this module avoids it.
SIDECAR = Path(__file__).parents[2] / "sidecar"
EXAMPLES = 200  # per generation mode, across all operations: about 20 s on two cores


@pytest.fixture(scope="module")
def running(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data_dir = tmp_path_factory.mktemp("fuzzed") / "data"
    shutil.copytree(seeded_dir, data_dir)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SIDECAR), os.environ.get("PYTHONPATH")])),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "academichub.cli", "--data-dir", str(data_dir), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert found, f"serve did not start: {line!r} {server.stderr.read() if server.poll() is not None else ''}"
    token = (Paths.under(data_dir).state / "token").read_text().strip()
    try:
        yield f"http://127.0.0.1:{found[1]}", token
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
        log = (Paths.under(data_dir).state / "service.log").read_text()
        assert "Traceback" not in log, log  # nothing failed inside, even where the response hid it


@pytest.fixture(scope="module")
def api_schema(running: tuple[str, str]):  # type: ignore[no-untyped-def]
    url, token = running
    schema = schemathesis.openapi.from_url(
        f"{url}/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}
    )
    return (
        schema.exclude(path="/api/v1/events")
        .exclude(method="POST", path="/api/v1/refresh")
        .exclude(method="POST", path="/api/v1/briefings")
    )


# schemathesis's own pytest plugin (`from_fixture`) does not run on pytest 9 yet, so the test drives its
# Hypothesis strategy directly: every operation, valid inputs and deliberately invalid ones.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_the_api_keeps_its_own_contract(api_schema, running: tuple[str, str], mode: GenerationMode) -> None:  # type: ignore[no-untyped-def]
    url, token = running
    auth = {"Authorization": f"Bearer {token}"}
    statuses: dict[int, int] = {}

    @given(case=api_schema.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: schemathesis.Case) -> None:
        # A case that keeps the security scheme's header gets the real token; a negative case that drops
        # it goes without, and must get its 401.
        if case.headers and "Authorization" in case.headers:
            case.headers["Authorization"] = auth["Authorization"]
        response = case.call_and_validate(base_url=url, excluded_checks=[positive_data_acceptance])
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    check()
    print(mode.value, sorted(statuses.items()))
    if mode is GenerationMode.POSITIVE:  # most valid requests got past the token to the handlers
        assert statuses.get(401, 0) < sum(statuses.values()) / 2, statuses
