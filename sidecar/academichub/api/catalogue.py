"""`GET /api/v1/catalogue`: search the sources AcademicHub knows by key or name, for the options page's
suggestions as the user types (the same search as `academichub sources --search`)."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from ..ingest.sources.catalogue import search_catalogue
from ..models import Source
from .routing import Route, RouteTable


class CatalogueQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    search: str = Field(
        default="",
        max_length=200,
        description="Words that the key, name or title must all contain (any case); empty: every source.",
    )
    limit: int = Field(default=50, ge=1, le=1000, description="Most sources returned.")


class CatalogueResults(BaseModel):
    sources: list[Source] = Field(description="Exact key or name match first, then catalogue order.")
    total: int = Field(description="How many sources matched before `limit`.")


async def search(request: web.Request, *, query: CatalogueQuery) -> CatalogueResults:
    found = search_catalogue(query.search)
    return CatalogueResults(sources=found[: query.limit], total=len(found))


def add_routes(table: RouteTable) -> None:
    table.add(
        Route(
            "GET",
            "/catalogue",
            search,
            "Search the source catalogue.",
            "sources",
            query=CatalogueQuery,
            response=CatalogueResults,
            description="Follow a result by posting its `key` to /sources.",
        )
    )
