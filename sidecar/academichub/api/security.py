"""What a server on 127.0.0.1 must refuse, since every web page the user opens can send it requests.

- DNS rebinding: a page on evil.example can re-point its own name at 127.0.0.1 and then talk to us as a
  "same-origin" server; its requests still carry `Host: evil.example`, so only our own host names pass.
- Cross-site requests: a page's fetch() carries its Origin; only AcademicHub's own extension origin (or
  none, as from curl or the CLI) may call us, so no web page, nor another extension, can read or change the
  user's data.
- Everything else needs the token the native host hands the extension.
Every refusal, and every failure past these checks, is an ErrorBody; a traceback only reaches the log.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Container

from aiohttp import web

from .models import ErrorBody
from .routing import ApiError, json_response

log = logging.getLogger("academichub.api")

EXTENSION_ORIGINS = ("chrome-extension://", "moz-extension://", "safari-web-extension://")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_BODY = web.AppKey("max_body", int)

_HTTP_ERRORS = {
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
}


def _error(status: int, error: str, detail: str, field: str | None = None) -> web.Response:
    return json_response(ErrorBody(error=error, detail=detail, field=field), status)


@web.middleware
async def error_bodies(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The outermost layer: whatever goes wrong becomes a JSON ErrorBody, never a traceback."""
    try:
        return await handler(request)
    except ApiError as exc:
        response = json_response(exc.body, exc.status)
        response.headers.update(exc.headers)
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise  # redirects are not errors
        error = _HTTP_ERRORS.get(exc.status, "http_error")
        detail = exc.reason
        if exc.status == 404:
            detail = f"no such endpoint: {request.method} {request.path}"
        elif exc.status == 413:
            detail = f"the request body is larger than {request.app[MAX_BODY] // 1024} KiB"
        response = _error(exc.status, error, detail)
        if "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception:
        log.exception("%s %s failed", request.method, request.path_qs)
        return _error(500, "internal_error", "the sidecar failed on this request; the details are in its log")


def host_guard(allowed: Callable[[], set[str]]) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def check_host(request: web.Request, handler: Handler) -> web.StreamResponse:
        host = request.headers.get("Host", "").lower()
        if host not in allowed():
            raise ApiError(
                421,
                "wrong_host",
                f"this server answers only to {' or '.join(sorted(allowed()))}, not {host or 'no Host'}",
            )
        return await handler(request)

    return check_host


def origin_guard(allowed: Container[str]) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Requests with an Origin pass only from AcademicHub's own extension (`origin in allowed`)."""

    @web.middleware
    async def check_origin(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is not None and not (origin.startswith(EXTENSION_ORIGINS) and origin in allowed):
            raise ApiError(
                403,
                "forbidden_origin",
                f"requests from {origin[:100]} are refused: only the AcademicHub extension may call the "
                "sidecar",
            )
        return await handler(request)

    return check_origin


def token_guard(token: str) -> Callable[..., Awaitable[web.StreamResponse]]:
    expected = f"Bearer {token}".encode()

    @web.middleware
    async def check_token(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = request.headers.get("Authorization", "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, expected):  # constant time: no guessing the token byte by byte
            raise ApiError(
                401,
                "unauthorized",
                "send `Authorization: Bearer <token>`; `academichub token` prints the token",
                headers={"WWW-Authenticate": 'Bearer realm="academichub"'},
            )
        return await handler(request)

    return check_token
