"""The route table: each route declares its query, body and response models once, and both the aiohttp
router and the OpenAPI document are built from that declaration, so they cannot disagree.

A handler receives the validated query and body as keyword arguments and returns either a pydantic model
(serialized here, with the status the route declares) or a ready `web.Response` (text exports, the
pre-serialized card pages, the event stream).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from .models import ErrorBody

API = "/api/v1"

Handler = Callable[..., Awaitable[BaseModel | web.StreamResponse]]


@dataclass(frozen=True)
class PathParam:
    name: str
    description: str
    pattern: str = "[^/]+"  # a regex for aiohttp; '.+' lets an id keep its slashes (arxiv:hep-th/9901001)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # after /api/v1, OpenAPI style: '/papers/{paper_id}'
    handler: Handler
    summary: str
    tag: str
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    media_types: tuple[str, ...] = ("application/json",)  # of the success response
    path_params: tuple[PathParam, ...] = ()
    errors: tuple[int, ...] = ()  # besides the ones every route can give (400, 401, 403, 413, 421, 500)
    description: str = ""

    @property
    def aiohttp_path(self) -> str:
        path = API + self.path
        for param in self.path_params:
            path = path.replace("{" + param.name + "}", "{" + param.name + ":" + param.pattern + "}")
        return path


@dataclass
class RouteTable:
    routes: list[Route] = field(default_factory=list)

    def add(self, route: Route) -> None:
        self.routes.append(route)

    def install(self, app: web.Application) -> None:
        for route in self.routes:
            app.router.add_route(route.method, route.aiohttp_path, _bind(route))


class ApiError(Exception):
    """An error with an ErrorBody; the error middleware renders it (and every other failure) as JSON."""

    def __init__(
        self,
        status: int,
        error: str,
        detail: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.body = ErrorBody(error=error, detail=detail, field=field)
        self.headers = headers or {}


def invalid(exc: ValidationError, where: str) -> ApiError:
    """400 naming the first wrong field, as a dotted path under `where` ('query', 'body')."""
    first = exc.errors()[0]
    loc = ".".join(str(part) for part in first["loc"])
    path = f"{where}.{loc}" if loc else where
    return ApiError(400, f"invalid_{where}", f"{path}: {first['msg']}", field=path)


def json_response(model: BaseModel, status: int = 200) -> web.Response:
    return web.Response(
        body=model.__pydantic_serializer__.to_json(model), status=status, content_type="application/json"
    )


async def _read_body(request: web.Request, model: type[BaseModel]) -> BaseModel:
    # Parsed as JSON whatever the Content-Type says: a fetch() that forgot the header still works, and
    # the Origin and token checks, not the media type, are what keep web pages out.
    raw = await request.read()  # raises 413 past the app's client_max_size
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: {exc}", field="body") from None
    except RecursionError:  # 100,000 '[': no request of ours nests past a few levels
        raise ApiError(400, "invalid_json", "the body is nested too deeply", field="body") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc, "body") from None


def _read_query(request: web.Request, model: type[BaseModel]) -> BaseModel:
    # A repeated parameter is ambiguous; reject it rather than silently pick one.
    data: dict[str, Any] = {}
    for key, value in request.query.items():
        if key in data:
            raise ApiError(400, "invalid_query", f"query.{key}: given more than once", field=f"query.{key}")
        data[key] = value
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc, "query") from None


def _bind(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        kwargs: dict[str, Any] = {param.name: request.match_info[param.name] for param in route.path_params}
        if route.query is not None:
            kwargs["query"] = _read_query(request, route.query)
        elif request.query:
            unknown = next(iter(request.query))
            raise ApiError(
                400,
                "invalid_query",
                f"query.{unknown}: not a parameter of this endpoint",
                field=f"query.{unknown}",
            )
        if route.body is not None:
            kwargs["body"] = await _read_body(request, route.body)
        result = await route.handler(request, **kwargs)
        if isinstance(result, web.StreamResponse):
            return result
        return json_response(result, route.status)

    handle.__name__ = route.handler.__name__
    return handle
