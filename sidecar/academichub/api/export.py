"""Route for exporting chosen papers as BibTeX or RIS."""

from __future__ import annotations

from aiohttp import web

from ..store.export import FORMATS
from .context import library_of
from .models import ExportRequest
from .routing import ApiError, Route, RouteTable


async def export_papers(request: web.Request, *, body: ExportRequest) -> web.Response:
    library = library_of(request)
    ids = list(dict.fromkeys(body.ids))  # each paper once, in the order asked
    found = await library.in_store(lambda: [library.store.get(i) for i in ids])
    missing = [i for i, paper in zip(ids, found, strict=True) if paper is None]
    if missing:
        raise ApiError(
            404,
            "not_found",
            f"no paper with id {', '.join(map(repr, missing[:5]))}"
            + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""),
            field="body.ids",
        )
    render, media_type = FORMATS[body.format]
    text = render([p for p in found if p is not None])
    extension = "bib" if body.format == "bibtex" else "ris"
    return web.Response(
        text=text,
        content_type=media_type,
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="academichub.{extension}"'},
    )


def add_routes(table: RouteTable) -> None:
    table.add(
        Route(
            "POST",
            "/export",
            export_papers,
            "Chosen papers as BibTeX or RIS.",
            "papers",
            body=ExportRequest,
            errors=(404,),
            media_types=tuple(media_type for _, media_type in FORMATS.values()),
        )
    )
