"""Each protection of the local server, tested against a running one: token, Host, Origin, body size,
malformed input, and a failure inside a handler that must not leak a traceback."""

from __future__ import annotations

import aiohttp
import pytest
from served import TOKEN, Sidecar

from academichub.api.app import route_table
from academichub.api.models import ErrorBody

ENDPOINTS = sorted(
    {
        (r.method, r.path.replace("{paper_id}", "arxiv:x").replace("{key}", "nature"))
        for r in route_table().routes
    }
)


async def _error(response: aiohttp.ClientResponse) -> ErrorBody:
    assert response.content_type == "application/json"
    return ErrorBody.model_validate(await response.json())


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
async def test_every_endpoint_needs_the_token(sidecar: Sidecar, method: str, path: str) -> None:
    async with (
        aiohttp.ClientSession() as anonymous,
        anonymous.request(method, sidecar.url + "/api/v1" + path) as r,
    ):
        assert r.status == 401
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await _error(r)).error == "unauthorized"


@pytest.mark.parametrize(
    "authorization",
    [
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        TOKEN,
        f"bearer {TOKEN}",
        f"Basic {TOKEN}",
        "Bearer ",
        "Bearer é",
    ],
)
async def test_a_wrong_token_is_refused(sidecar: Sidecar, authorization: str) -> None:
    async with (
        aiohttp.ClientSession() as other,
        other.get(sidecar.url + "/api/v1/status", headers={"Authorization": authorization}) as r,
    ):
        assert r.status == 401


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:{port}",
        "127.0.0.1",
        "127.0.0.1:1",
        "localhost",
        "0.0.0.0:{port}",
        "127.0.0.2:{port}",
        "[::1]:{port}",
        "",
    ],
)
async def test_a_foreign_host_header_is_refused(sidecar: Sidecar, host: str) -> None:
    # DNS rebinding: the page's own name resolves to 127.0.0.1, but its requests still say Host: its name.
    async with sidecar.client.get("/api/v1/status", headers={"Host": host.format(port=sidecar.port)}) as r:
        assert r.status == 421
        assert (await _error(r)).error == "wrong_host"


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
async def test_our_own_host_names_pass(sidecar: Sidecar, host: str) -> None:
    async with sidecar.client.get("/api/v1/status", headers={"Host": host.format(port=sidecar.port)}) as r:
        assert r.status == 200


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://127.0.0.1:8000",
        "null",
        "file://",
        "http://localhost",
        "chrome-extension-evil.example",
    ],
)
async def test_a_web_page_origin_is_refused(sidecar: Sidecar, origin: str) -> None:
    async with sidecar.client.get("/api/v1/cards", headers={"Origin": origin}) as r:
        assert r.status == 403
        assert (await _error(r)).error == "forbidden_origin"


async def test_a_web_page_cannot_change_anything_either(sidecar: Sidecar) -> None:
    before = sidecar.paths.config_file.read_text()
    async with sidecar.client.post(
        "/api/v1/sources",
        json={"source": "https://evil.example/feed"},
        headers={"Origin": "https://evil.example"},
    ) as r:
        assert r.status == 403
    assert sidecar.paths.config_file.read_text() == before


async def test_our_extension_origin_passes(sidecar: Sidecar) -> None:
    origin = "chrome-extension://llbpaieejbbmfigdahebidpaaoamdnnf"
    async with sidecar.client.get("/api/v1/cards", headers={"Origin": origin}) as r:
        assert r.status == 200


async def test_a_body_over_the_limit_gets_413(sidecar: Sidecar) -> None:
    limit = sidecar.library.config.server.max_body_kib * 1024
    opml = "<opml>" + "x" * limit + "</opml>"
    async with sidecar.client.post("/api/v1/sources/opml", json={"opml": opml}) as r:
        assert r.status == 413
        assert (await _error(r)).error == "body_too_large"


@pytest.mark.parametrize("raw", [b"{", b"not json", b"\xff\xfe", b'{"source": "nature"', b""])
async def test_malformed_json_gets_400(sidecar: Sidecar, raw: bytes) -> None:
    async with sidecar.client.post(
        "/api/v1/sources", data=raw, headers={"Content-Type": "application/json"}
    ) as r:
        assert r.status == 400
        error = await _error(r)
        assert (error.error, error.field) == ("invalid_json", "body")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/sources", {}, "body.source"),
        ("/api/v1/sources", {"source": ""}, "body.source"),
        ("/api/v1/sources", {"source": 42}, "body.source"),
        ("/api/v1/sources", {"source": "nature", "extra": 1}, "body.extra"),
        ("/api/v1/sources", [], "body"),
        ("/api/v1/export", {"ids": [], "format": "bibtex"}, "body.ids"),
        ("/api/v1/export", {"ids": ["arxiv:1"], "format": "endnote"}, "body.format"),
        ("/api/v1/export", {"ids": [1], "format": "ris"}, "body.ids.0"),
        ("/api/v1/sources/opml", {"opml": None}, "body.opml"),
    ],
)
async def test_an_invalid_body_gets_400_naming_the_field(
    sidecar: Sidecar, path: str, body: object, field: str
) -> None:
    async with sidecar.client.post(path, json=body) as r:
        assert r.status == 400
        error = await _error(r)
        assert error.field == field
        assert field in error.detail


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "query.limit"),
        ("limit=101", "query.limit"),
        ("offset=-1", "query.offset"),
        ("day=yesterday", "query.day"),
        ("day=2026-02-30", "query.day"),
        ("radar=maybe", "query.radar"),
        ("colour=red", "query.colour"),
        ("limit=5&limit=6", "query.limit"),
    ],
)
async def test_an_invalid_query_gets_400_naming_the_field(sidecar: Sidecar, query: str, field: str) -> None:
    async with sidecar.client.get("/api/v1/cards?" + query) as r:
        assert r.status == 400
        assert (await _error(r)).field == field


async def test_unknown_endpoints_and_methods_answer_in_json(sidecar: Sidecar) -> None:
    async with sidecar.client.get("/api/v1/nothing-here") as r:
        assert r.status == 404
        assert (await _error(r)).error == "not_found"
    async with sidecar.client.put("/api/v1/cards") as r:
        assert r.status == 405
        assert "GET" in r.headers["Allow"]
        assert (await _error(r)).error == "method_not_allowed"


async def test_a_failure_inside_a_handler_is_a_500_without_traceback(sidecar: Sidecar, caplog) -> None:
    def broken() -> None:
        raise RuntimeError("secret internals /home/user/.local")

    sidecar.library.store.count = broken  # the status handler counts papers (first asked here)
    async with sidecar.client.get("/api/v1/status") as r:
        assert r.status == 500
        text = await r.text()
    assert "Traceback" not in text and "secret internals" not in text
    assert ErrorBody.model_validate_json(text).error == "internal_error"
    assert "secret internals" in caplog.text  # the details go to the log
