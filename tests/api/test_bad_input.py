"""Bad input to the running server gets a clear 400 naming what is wrong, never a 500: JSON nested past any
request of ours, and source URLs that could never be fetched."""

from __future__ import annotations

import pytest
from served import Sidecar

from academichub.api import route_table
from academichub.api.models import ErrorBody

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
