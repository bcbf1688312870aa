"""Only AcademicHub's own extension passes the Origin check: its Chromium id, and the Firefox origin it
reported through the native host; another extension holding the token is refused."""

from __future__ import annotations

import pytest
from served import Sidecar

from academichub.service.origins import remember_origin

FIREFOX = "moz-extension://0b3f4a6e-1111-2222-3333-444455556666"


@pytest.mark.parametrize(
    "origin",
    [
        "chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh",
        FIREFOX,
        "safari-web-extension://ABCDEF",
        "chrome-extension://llbpaieejbbmfigdahebidpaaoamdnnf.evil.example",
    ],
)
async def test_another_extension_is_refused_even_with_the_token(sidecar: Sidecar, origin: str) -> None:
    async with sidecar.client.get("/api/v1/cards", headers={"Origin": origin}) as r:
        assert r.status == 403
        assert (await r.json())["error"] == "forbidden_origin"


async def test_the_firefox_origin_our_extension_reported_passes(sidecar: Sidecar) -> None:
    # As the native host records it at the handshake (tests/service/test_native_host.py).
    assert remember_origin(sidecar.paths, FIREFOX + "/")
    async with sidecar.client.get("/api/v1/cards", headers={"Origin": FIREFOX}) as r:
        assert r.status == 200
    other = "moz-extension://99999999-1111-2222-3333-444455556666"
    async with sidecar.client.get("/api/v1/cards", headers={"Origin": other}) as r:
        assert r.status == 403


async def test_a_reported_origin_that_is_not_an_extension_is_not_recorded(sidecar: Sidecar) -> None:
    assert not remember_origin(sidecar.paths, "https://evil.example")
    async with sidecar.client.get("/api/v1/cards", headers={"Origin": "https://evil.example"}) as r:
        assert r.status == 403
