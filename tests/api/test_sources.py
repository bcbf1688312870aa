"""The sources endpoints: list, add by catalogue name or URL, remove, OPML import and export; each change
lands in the config file, so the CLI and the next start see it."""

from __future__ import annotations

import pytest
from served import Sidecar

from academichub.api.models import OpmlImportReport, SourceList
from academichub.config import load_config
from academichub.ingest.opml import sources_to_opml
from academichub.models import Source


async def _keys(sidecar: Sidecar) -> list[str]:
    async with sidecar.client.get("/api/v1/sources") as r:
        assert r.status == 200
        return [s.key for s in SourceList.model_validate(await r.json()).sources]


async def test_lists_the_configured_sources(sidecar: Sidecar) -> None:
    assert await _keys(sidecar) == ["arxiv:cs.AI", "arxiv:quant-ph", "nature"]


@pytest.mark.parametrize(
    ("given", "key", "entry"),
    [
        ("arxiv:cs.CV", "arxiv:cs.CV", "arxiv:cs.CV"),
        ("Nature Biotechnology", "nature-biotechnology", "nature-biotechnology"),
        ("cs.LG", "arxiv:cs.LG", "arxiv:cs.LG"),
        ("https://rss.arxiv.org/rss/math.PR", "arxiv:math.PR", "arxiv:math.PR"),
        ("https://journal.example.org/feed.xml", None, "https://journal.example.org/feed.xml"),
    ],
)
async def test_adds_a_source_by_name_or_url_and_saves_it(
    sidecar: Sidecar, given: str, key: str | None, entry: str
) -> None:
    async with sidecar.client.post("/api/v1/sources", json={"source": given}) as r:
        assert r.status == 200, await r.text()
        source = Source.model_validate(await r.json())
    if key is not None:
        assert source.key == key
    else:
        assert source.key.startswith("url:") and source.url == given
    assert source.key in await _keys(sidecar)
    assert load_config(sidecar.paths.config_file).sources[-1] == entry


async def test_adding_a_followed_source_again_changes_nothing(sidecar: Sidecar) -> None:
    async with sidecar.client.post("/api/v1/sources", json={"source": "Nature"}) as r:
        assert r.status == 200
    assert await _keys(sidecar) == ["arxiv:cs.AI", "arxiv:quant-ph", "nature"]


async def test_an_unknown_source_is_404_with_suggestions(sidecar: Sidecar) -> None:
    async with sidecar.client.post("/api/v1/sources", json={"source": "Natur"}) as r:
        assert r.status == 404
        body = await r.json()
    assert body["field"] == "body.source" and "nature" in body["detail"]


async def test_a_malformed_url_is_400(sidecar: Sidecar) -> None:
    async with sidecar.client.post("/api/v1/sources", json={"source": "https://"}) as r:
        assert r.status == 400
        assert (await r.json())["field"] == "body.source"


async def test_removes_a_source_by_key(sidecar: Sidecar) -> None:
    async with sidecar.client.delete("/api/v1/sources/arxiv:quant-ph") as r:
        assert r.status == 200
    assert await _keys(sidecar) == ["arxiv:cs.AI", "nature"]
    assert load_config(sidecar.paths.config_file).sources == ["arxiv:cs.AI", "nature"]


async def test_removes_a_url_source_by_its_key(sidecar: Sidecar) -> None:
    async with sidecar.client.post(
        "/api/v1/sources", json={"source": "https://journal.example.org/rss"}
    ) as r:
        key = (await r.json())["key"]
    async with sidecar.client.delete(f"/api/v1/sources/{key}") as r:
        assert r.status == 200
    assert key not in await _keys(sidecar)
    assert "https://journal.example.org/rss" not in load_config(sidecar.paths.config_file).sources


async def test_removing_an_unfollowed_source_is_404(sidecar: Sidecar) -> None:
    async with sidecar.client.delete("/api/v1/sources/arxiv:cs.CV") as r:
        assert r.status == 404


async def test_a_broken_config_file_is_left_alone(sidecar: Sidecar) -> None:
    sidecar.paths.config_file.write_text("sources = [unclosed\n")
    async with sidecar.client.post("/api/v1/sources", json={"source": "arxiv:cs.CV"}) as r:
        assert r.status == 409
        assert "not valid TOML" in (await r.json())["detail"]
    assert sidecar.paths.config_file.read_text() == "sources = [unclosed\n"


async def test_opml_round_trip(sidecar: Sidecar) -> None:
    await sidecar.client.post("/api/v1/sources", json={"source": "https://journal.example.org/feed?x=1&y=2"})
    before = await _keys(sidecar)
    async with sidecar.client.get("/api/v1/sources/opml") as r:
        assert r.status == 200 and r.content_type == "text/x-opml"
        opml = await r.text()
    for key in before:
        async with sidecar.client.delete(f"/api/v1/sources/{key}") as r:
            assert r.status == 200
    assert await _keys(sidecar) == []
    async with sidecar.client.post("/api/v1/sources/opml", json={"opml": opml}) as r:
        assert r.status == 200
        report = OpmlImportReport.model_validate(await r.json())
    assert [s.key for s in report.added] == before
    assert await _keys(sidecar) == before


async def test_opml_from_another_reader_with_folders(sidecar: Sidecar) -> None:
    opml = sources_to_opml([]).replace(
        "<body />",
        """<body>
      <outline text="Physics">
        <outline type="rss" text="quant-ph" xmlUrl="https://rss.arxiv.org/rss/quant-ph"/>
        <outline type="rss" text="Some lab blog" xmlUrl="https://lab.example.org/atom.xml"/>
      </outline>
      <outline type="rss" text="not a feed" xmlUrl="mailto:someone@example.org"/>
    </body>""",
    )
    async with sidecar.client.post("/api/v1/sources/opml", json={"opml": opml}) as r:
        assert r.status == 200, await r.text()
        report = OpmlImportReport.model_validate(await r.json())
    assert [s.key for s in report.already] == ["arxiv:quant-ph"]
    assert [s.url for s in report.added] == ["https://lab.example.org/atom.xml"]
    assert len(report.skipped) == 1 and "not a feed" in report.skipped[0]


async def test_a_broken_opml_file_is_400_naming_where(sidecar: Sidecar) -> None:
    async with sidecar.client.post("/api/v1/sources/opml", json={"opml": "<opml><body></opml>"}) as r:
        assert r.status == 400
        body = await r.json()
    assert body["field"] == "body.opml" and "line 1" in body["detail"]
