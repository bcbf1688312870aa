"""The OpenAPI 3.1 document, generated from the route table and the pydantic models' JSON Schemas.

Nothing here is written by hand: a route's parameters come from its query model's fields, its body and
responses from its models, and every error from ErrorBody; shared types land once in components/schemas.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from .. import __version__
from .models import ErrorBody
from .routing import API, Route

REF = "#/components/schemas/{model}"

# Errors every route can give, besides its own.
COMMON_ERRORS = {
    400: "The query or body is malformed or invalid; `field` names what is wrong.",
    401: "No token, or the wrong one.",
    403: "The request carries a web page's Origin.",
    413: "The body is larger than the limit.",
    421: "The Host header is not this server's.",
    500: "The sidecar failed; the details are in its log.",
}
ROUTE_ERRORS = {
    404: "Not found.",
    409: "Conflicts with the current state.",
}


# In OpenAPI 3.1 (before 3.2's itemSchema) the schema of an event stream describes one event, as a client
# parses it; every event this API sends carries JSON in `data` (the route's description names the model).
SSE_EVENT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "event": {"type": "string"},
        "data": {"type": "string", "contentMediaType": "application/json"},
        "id": {"type": "string"},
        "retry": {"type": "integer"},
    },
    "required": ["data"],
}


def _strip_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`X | None` as a query parameter: optional, not 'null' (a query string cannot carry a null)."""
    options = schema.get("anyOf")
    if options and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        schema = {k: v for k, v in schema.items() if k != "anyOf"}
        if len(rest) == 1:
            schema.update(rest[0])
        else:
            schema["anyOf"] = rest
        if "default" in schema and schema["default"] is None:
            del schema["default"]
    return schema


def _query_parameters(model: type[BaseModel], schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = _strip_null(copy.deepcopy(prop))
        description = prop.pop("description", None) or model.model_fields[name].description or ""
        prop.pop("title", None)
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": description,
                "schema": prop,
            }
        )
    return parameters


def _models(routes: list[Route]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorBody, "serialization")]
    for route in routes:
        if route.body is not None:
            wanted.append((route.body, "validation"))
        if route.response is not None:
            wanted.append((route.response, "serialization"))
    unique: list[tuple[type[BaseModel], JsonSchemaMode]] = []
    for item in wanted:
        if item not in unique:
            unique.append(item)
    return unique


def _content(media_type: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {media_type: {"schema": schema}}


def build_openapi(routes: list[Route]) -> dict[str, Any]:
    keyed, top = models_json_schema(_models(routes), ref_template=REF)
    components: dict[str, Any] = dict(top.get("$defs", {}))
    error_ref = keyed[(ErrorBody, "serialization")]

    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        parameters = [
            {
                "name": p.name,
                "in": "path",
                "required": True,
                "description": p.description,
                "schema": {"type": "string"},
            }
            for p in route.path_params
        ]
        if route.query is not None:
            query_schema = route.query.model_json_schema(ref_template=REF)
            components.update(query_schema.pop("$defs", {}))
            parameters += _query_parameters(route.query, query_schema)
        responses: dict[str, Any] = {}
        success: dict[str, Any] = {"description": route.summary}
        if route.response is not None:
            success["content"] = _content("application/json", keyed[(route.response, "serialization")])
        elif route.media_types != ("application/json",):
            success["content"] = {
                media_type: {"schema": SSE_EVENT if media_type == "text/event-stream" else {"type": "string"}}
                for media_type in route.media_types
            }
        responses[str(route.status)] = success
        for status in route.errors:
            responses[str(status)] = {
                "description": ROUTE_ERRORS.get(status, "Error."),
                "content": _content("application/json", error_ref),
            }
        for status, description in COMMON_ERRORS.items():
            responses.setdefault(
                str(status), {"description": description, "content": _content("application/json", error_ref)}
            )
        operation: dict[str, Any] = {
            "operationId": route.handler.__name__,
            "summary": route.summary,
            "tags": [route.tag],
            "parameters": parameters,
            "responses": responses,
        }
        if route.description:
            operation["description"] = route.description
        if route.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": _content("application/json", keyed[(route.body, "validation")]),
            }
        paths.setdefault(API + route.path, {})[route.method.lower()] = operation

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "AcademicHub sidecar",
            "version": __version__,
            "description": "The local API the AcademicHub extension talks to. Listens on 127.0.0.1 only; "
            "every request needs `Authorization: Bearer <token>` (`academichub token` prints it).",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}],
    }
