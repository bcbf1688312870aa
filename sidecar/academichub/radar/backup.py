"""Everything the radar knows of the user in one JSON document (`academichub library export`), and
restoring it (`academichub library import` of that file): the library, stars, dismissals and the learned
model with what it learnt from. Kept on the user's machine or moved to another; never sent anywhere."""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from ..files import atomic_write, atomic_write_json
from . import interest
from .library import LibraryEntry, UserLibrary
from .rules import Dismissal, RadarBook
from .signals import Star, StarBook

FORMAT: Literal["signals/1"] = "signals/1"


class ExportedModel(BaseModel):
    state: interest.ModelState
    npz_base64: str = Field(description="The model file (interest-model.npz), base64.")


class SignalsExport(BaseModel):
    academichub: Literal["signals/1"] = FORMAT
    library: list[LibraryEntry]
    stars: list[Star]
    dismissals: list[Dismissal]
    model: ExportedModel | None = None


class BackupError(ValueError):
    """The file looks like an export but is not a valid one; nothing was restored."""


def export_signals(data_dir: Path) -> SignalsExport:
    data_dir = Path(data_dir)
    with RadarBook(data_dir) as book:
        dismissals = book.dismissals()
    model, state = None, None
    try:
        state = interest.ModelState.model_validate_json((data_dir / interest.STATE_FILE).read_bytes())
        model = (data_dir / interest.MODEL_FILE).read_bytes()
    except (FileNotFoundError, ValidationError):
        pass
    return SignalsExport(
        library=UserLibrary(data_dir).entries(),
        stars=StarBook(data_dir).stars(),
        dismissals=dismissals,
        model=ExportedModel(state=state, npz_base64=base64.b64encode(model).decode())
        if model and state
        else None,
    )


def is_export(text: str) -> bool:
    return f'"academichub": "{FORMAT}"' in text[:200]


def restore(data_dir: Path, text: str) -> str:
    """Merge an export into the data dir's signals (nothing is lost that is there already); the model is
    taken when nothing newer was learnt here. Returns what was restored, in words."""
    try:
        export = SignalsExport.model_validate(json.loads(text))
        model = base64.b64decode(export.model.npz_base64, validate=True) if export.model else None
    except (json.JSONDecodeError, ValidationError, binascii.Error) as exc:
        raise BackupError(
            f"not a valid AcademicHub export ({str(exc).splitlines()[0]}); nothing restored"
        ) from None
    data_dir = Path(data_dir)
    report = UserLibrary(data_dir).add(export.library)
    stars = StarBook(data_dir)
    for star in export.stars:
        stars.keep(star)
    with RadarBook(data_dir) as book:
        for dismissal in export.dismissals:
            book.dismiss(dismissal.id)
    restored_model = False
    if model and export.model and not (data_dir / interest.STATE_FILE).exists():
        atomic_write(data_dir / interest.MODEL_FILE, model)
        atomic_write_json(data_dir / interest.STATE_FILE, export.model.state.model_dump(mode="json"))
        restored_model = True
    return (
        f"restored {report.added} library entries, {len(export.stars)} stars, {len(export.dismissals)} "
        f"dismissals{' and the learned model' if restored_model else ''}"
    )
