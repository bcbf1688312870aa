"""`GET` and `PATCH /api/v1/settings`: the model that writes the briefing and the refresh schedule, as the
options page edits them.

Both live in the config file, so a change is saved there (re-read first, as sources.py does, so a hand edit
since the start is kept) and the running service takes it at once: the briefing route makes its model
again when the model settings differ, and the scheduler reads the schedule each time it plans.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, create_model

from ..config import Config, ConfigError, ModelSettings, RefreshSettings
from .context import library_of
from .routing import ApiError, Route, RouteTable


def _partial(settings: type[BaseModel]) -> type[BaseModel]:
    """`settings` with every key optional, keeping its bounds and descriptions: a key left out is kept."""
    fields: dict[str, Any] = {
        name: (
            _optional(info.annotation),
            Field(default=None, description=info.description, ge=_bound(info, "ge"), le=_bound(info, "le")),
        )
        for name, info in settings.model_fields.items()
    }
    return create_model(
        f"{settings.__name__}Change",
        __config__=ConfigDict(extra="forbid"),
        __doc__=settings.__doc__,
        **fields,
    )


def _optional(annotation: Any) -> Any:
    return annotation | None


def _bound(info: Any, name: str) -> Any:
    return next((getattr(m, name) for m in info.metadata if hasattr(m, name)), None)


ModelSettingsChange = _partial(ModelSettings)
RefreshSettingsChange = _partial(RefreshSettings)


class SettingsChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: ModelSettingsChange | None = Field(default=None, description="The model keys to change.")  # type: ignore[valid-type]
    refresh: RefreshSettingsChange | None = Field(default=None, description="The schedule keys to change.")  # type: ignore[valid-type]


class Settings(BaseModel):
    model: ModelSettings
    refresh: RefreshSettings


def _check_model(model: ModelSettings, current: ModelSettings) -> None:
    """What the bounds cannot say: a GGUF file that is there, an endpoint that is an HTTP URL.

    Only a path being changed is checked: a model file moved away since it was chosen must not stop the
    user from saving the rest of the form (the briefing then says which file is missing)."""
    if model.path and model.path != current.path and not Path(model.path).expanduser().is_file():
        raise ApiError(
            400, "invalid_body", f"body.model.path: no file at {model.path[:300]!r}", field="body.model.path"
        )
    if model.endpoint:
        parts = urlsplit(model.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ApiError(
                400, "invalid_body", "body.model.endpoint: not an http(s) URL", field="body.model.endpoint"
            )


async def read_settings(request: web.Request) -> Settings:
    config = library_of(request).config
    return Settings(model=config.model, refresh=config.refresh)


async def change_settings(request: web.Request, *, body: SettingsChange) -> Settings:
    def change(current: Config) -> Config:
        model = current.model.model_copy(
            update=body.model.model_dump(exclude_none=True) if body.model else {}
        )
        _check_model(model, current.model)  # before anything is saved
        refresh = current.refresh.model_copy(
            update=body.refresh.model_dump(exclude_none=True) if body.refresh else {}
        )
        return current.model_copy(update={"model": model, "refresh": refresh})

    try:
        updated = await library_of(request).change_config(change)
    except ConfigError as exc:
        raise ApiError(
            409, "config_broken", f"the settings file cannot be read, so it was left alone: {exc}"
        ) from None
    return Settings(model=updated.model, refresh=updated.refresh)


def add_routes(table: RouteTable) -> None:
    table.add(
        Route(
            "GET",
            "/settings",
            read_settings,
            "The model and refresh-schedule settings.",
            "settings",
            response=Settings,
        )
    )
    table.add(
        Route(
            "PATCH",
            "/settings",
            change_settings,
            "Change some model or schedule settings; the keys left out keep their values.",
            "settings",
            body=SettingsChange,
            response=Settings,
            errors=(409,),
            description="Saved to the settings file. The next briefing uses the new model settings and the "
            "scheduler the new schedule when it next plans (within ten minutes). 400 names a value out of "
            "bounds, a GGUF file that is not there or an endpoint that is no http(s) URL.",
        )
    )
