"""Bad input to the running server gets a clear 400 naming what is wrong, never a 500: JSON nested past any
request of ours, and source URLs that could never be fetched."""

from __future__ import annotations

import pytest
from served import Sidecar

from academichub.api.app import route_table
from academichub.api.models import ErrorBody
from academichub.config import load_config

BODY_ROUTES = sorted(
    (r.method, r.path.replace("{paper_id}", "arxiv:x").replace("{key}", "nature").replace("{name}", "x"))
    for r in route_table().routes
    if r.body is not None
)


def test_every_body_route_is_tried() -> None:
    assert len(BODY_ROUTES) >= 9


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
async def test_deeply_nested_json_is_a_400(sidecar: Sidecar, method: str, path: str) -> None:
    async with sidecar.client.request(method, "/api/v1" + path, data=b"[" * 100_000) as r:
        assert r.status == 400
        error = ErrorBody.model_validate(await r.json())
    assert (error.error, error.field) == ("invalid_json", "body")
    assert "nested too deeply" in error.detail


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://journal.example.org:99999/feed.xml", "port is not a number from 1 to 65535"),
        ("https://journal.example.org:0/feed.xml", "port is not a number from 1 to 65535"),
        ("https://journal.example.org/fe\x07ed.xml", "control character (U+0007)"),
        ("https://journal.example.org/\u202egnp.xml", "control character (U+202E)"),
        ("https://xn--zz.example.org/feed.xml", "not a valid international host name"),
        ("https://\u2603\u2603.example.org/feed.xml", "not a valid international host name"),
        ("https://-journal-.example.org/feed.xml", "not a valid host name"),
        ("https://journal.example.org/a feed.xml", "space at position"),
    ],
    ids=["port-too-large", "port-zero", "control", "bidi", "bad-punycode", "bad-idna", "bad-label", "space"],
)
async def test_a_source_url_that_could_never_be_fetched_is_refused_when_added(
    sidecar: Sidecar, url: str, problem: str
) -> None:
    before = sidecar.paths.config_file.read_text()
    async with sidecar.client.post("/api/v1/sources", json={"source": url}) as r:
        assert r.status == 400
        error = ErrorBody.model_validate(await r.json())
    assert error.field == "body.source" and problem in error.detail
    assert sidecar.paths.config_file.read_text() == before  # nothing saved


async def test_a_source_url_in_capitals_is_accepted(sidecar: Sidecar) -> None:
    async with sidecar.client.post(
        "/api/v1/sources", json={"source": "HTTPS://Journal.Example.org/feed.xml"}
    ) as r:
        assert r.status == 200, await r.text()
        source = await r.json()
    assert source["url"] == "https://Journal.Example.org/feed.xml"
    assert load_config(sidecar.paths.config_file).sources[-1] == "https://Journal.Example.org/feed.xml"
