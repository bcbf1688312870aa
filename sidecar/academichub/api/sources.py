"""Routes for the sources the user follows: list, add, remove, and OPML import and export.

The list lives in the config file (`sources = [...]`), as catalogue keys or feed URLs, so the CLI, a hand
edit and the extension all change the same thing.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from ..config import ConfigError
from ..ingest.opml import OpmlError, feeds_from_opml, sources_to_opml
from ..models import Source
from ..service.library import Library, resolve_source
from .context import library_of
from .models import OpmlImport, OpmlImportReport, SourceAdd, SourceList
from .routing import ApiError, PathParam, Route, RouteTable


def _config_entry(source: Source) -> str:
    """What the config records: the catalogue key when there is one, else the feed URL."""
    return (
        source.url if source.key.startswith("url:") else source.key
    )  # the URL as checked: `HTTP://` is `http://`


def _resolve(name: str, field: str) -> Source:
    name = name.strip()
    try:
        return resolve_source(name)
    except LookupError as exc:
        raise ApiError(404, "unknown_source", str(exc), field=field) from None
    except ValueError as exc:
        raise ApiError(400, "invalid_body", f"{field}: {exc}", field=field) from None


async def _save(library: Library, change: Callable[[list[str]], list[str]]) -> None:
    try:
        await library.change_sources(change)
    except ConfigError as exc:
        raise ApiError(
            409, "config_broken", f"the settings file cannot be read, so it was left alone: {exc}"
        ) from None


async def list_sources(request: web.Request) -> SourceList:
    return SourceList(sources=library_of(request).sources())


async def add_source(request: web.Request, *, body: SourceAdd) -> Source:
    library = library_of(request)
    source = _resolve(body.source, "body.source")
    entry = _config_entry(source)
    if all(s.key != source.key for s in library.sources()):
        await _save(library, lambda entries: [*entries, entry])
    return source


async def remove_source(request: web.Request, *, key: str) -> SourceList:
    library = library_of(request)
    followed = dict(zip(library.config.sources, _resolved_keys(library.config.sources), strict=True))
    if key not in followed and key not in followed.values():
        raise ApiError(404, "not_found", f"{key!r} is not among the followed sources", field="key")
    await _save(library, lambda entries: [e for e in entries if e != key and followed.get(e) != key])
    return SourceList(sources=library.sources())


def _resolved_keys(entries: list[str]) -> list[str | None]:
    keys: list[str | None] = []
    for entry in entries:
        try:
            keys.append(resolve_source(entry).key)
        except (LookupError, ValueError):
            keys.append(None)
    return keys


async def export_opml(request: web.Request) -> web.Response:
    text = sources_to_opml(library_of(request).sources())
    return web.Response(
        text=text,
        content_type="text/x-opml",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="academichub-sources.opml"'},
    )


async def import_opml(request: web.Request, *, body: OpmlImport) -> OpmlImportReport:
    library = library_of(request)
    try:
        feeds = feeds_from_opml(body.opml)
    except OpmlError as exc:
        raise ApiError(400, "invalid_opml", f"body.opml: {exc}", field="body.opml") from None
    followed = {s.key for s in library.sources()}
    report = OpmlImportReport(added=[], already=[], skipped=[])
    entries: list[str] = []
    for feed in feeds:
        try:
            source = resolve_source(feed.key) if feed.key and not feed.key.startswith("url:") else None
        except LookupError:
            source = None
        try:
            source = source or resolve_source(feed.url)
        except (LookupError, ValueError) as exc:
            report.skipped.append(f"{feed.title}: {exc}")
            continue
        if source.key in followed:
            report.already.append(source)
            continue
        followed.add(source.key)
        report.added.append(source)
        entries.append(_config_entry(source))
    if entries:
        await _save(library, lambda current: [*current, *entries])
    return report


def add_routes(table: RouteTable) -> None:
    table.add(Route("GET", "/sources", list_sources, "The sources followed.", "sources", response=SourceList))
    table.add(
        Route(
            "POST",
            "/sources",
            add_source,
            "Follow a source, by catalogue key or name, or by feed URL.",
            "sources",
            body=SourceAdd,
            response=Source,
            errors=(404, 409),
        )
    )
    table.add(
        Route(
            "DELETE",
            "/sources/{key}",
            remove_source,
            "Stop following a source.",
            "sources",
            response=SourceList,
            errors=(404, 409),
            path_params=(
                PathParam("key", "The source's key ('arxiv:cs.CV', 'nature') or its feed URL.", pattern=".+"),
            ),
        )
    )
    table.add(
        Route(
            "GET",
            "/sources/opml",
            export_opml,
            "The sources followed, as OPML 2.0.",
            "sources",
            media_types=("text/x-opml",),
        )
    )
    table.add(
        Route(
            "POST",
            "/sources/opml",
            import_opml,
            "Follow every feed in an OPML file.",
            "sources",
            body=OpmlImport,
            response=OpmlImportReport,
            errors=(409,),
        )
    )
