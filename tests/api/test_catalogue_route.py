"""The catalogue search the options page suggests sources from: every word must match, exact first."""

from __future__ import annotations

import pytest
from served import Sidecar


async def _search(sidecar: Sidecar, **query: str) -> tuple[int, dict]:
    async with sidecar.client.get("/api/v1/catalogue", params=query) as r:
        return r.status, await r.json()


@pytest.mark.parametrize(
    ("search", "first"),
    [
        ("vision", "arxiv:cs.CV"),
        ("plos med", "plos-medicine"),
        ("Nature", "nature"),
        ("cs.lg", "arxiv:cs.LG"),
    ],
)
async def test_finds_sources_by_key_or_name(sidecar: Sidecar, search: str, first: str) -> None:
    status, body = await _search(sidecar, search=search)
    assert status == 200
    assert body["sources"][0]["key"] == first
    assert body["total"] >= len(body["sources"]) >= 1


async def test_limit_caps_the_results_but_not_the_total(sidecar: Sidecar) -> None:
    _, everything = await _search(sidecar)
    status, body = await _search(sidecar, search="", limit="3")
    assert status == 200
    assert len(body["sources"]) == 3 and body["total"] == everything["total"] > 3


async def test_no_match_is_an_empty_list(sidecar: Sidecar) -> None:
    assert await _search(sidecar, search="zzqx nothing") == (200, {"sources": [], "total": 0})


@pytest.mark.parametrize(("query", "field"), [({"limit": "0"}, "query.limit"), ({"q": "x"}, "query.q")])
async def test_bad_query_is_400_naming_the_parameter(sidecar: Sidecar, query: dict, field: str) -> None:
    status, body = await _search(sidecar, **query)
    assert status == 400 and body["field"] == field
