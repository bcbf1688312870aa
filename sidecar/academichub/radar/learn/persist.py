"""Saving a trained model: one .npz file (arrays and plain text only, never pickled objects, so a damaged or
hostile file can fail to load but cannot run code), written beside the old one, made durable and renamed
over it. A kill -9 at any instant leaves the old model or the new one."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from ...files import PRIVATE_DIR, atomic_write

FORMAT = 1


def model_path(data_dir: Path) -> Path:
    """Where the user's model lives: beside the stored papers' representations, in the data dir."""
    return Path(data_dir) / "radar-learn" / "model.npz"


class ModelFileError(ValueError):
    """The model file is missing, damaged or of another format; train again."""


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    atomic_write(path, data)


def dump(arrays: dict[str, np.ndarray | sp.csr_matrix], meta: dict[str, Any]) -> bytes:
    flat: dict[str, np.ndarray] = {"meta": np.array(json.dumps({"format": FORMAT, **meta}))}
    for name, value in arrays.items():
        if sp.issparse(value):
            csr = sp.csr_matrix(value)
            flat |= {
                f"{name}.data": csr.data,
                f"{name}.indices": csr.indices,
                f"{name}.indptr": csr.indptr,
                f"{name}.shape": np.array(csr.shape),
            }
        else:
            flat[name] = np.asarray(value)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **flat)  # type: ignore[arg-type]
    return buffer.getvalue()


def read(path: Path) -> tuple[dict[str, Any], Any]:
    """(meta, arrays): arrays[name] for dense ones, sparse(name) below for sparse ones."""
    try:
        archive = np.load(path, allow_pickle=False)
        meta = json.loads(str(archive["meta"]))
    except FileNotFoundError as exc:
        raise ModelFileError(f"no model at {path}") from exc
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path} is not a readable model: {exc}") from exc
    if meta.get("format") != FORMAT:
        raise ModelFileError(f"{path} holds a model of format {meta.get('format')!r}, not {FORMAT}")
    return meta, archive


def sparse(archive: Any, name: str) -> sp.csr_matrix:
    return sp.csr_matrix(
        (archive[f"{name}.data"], archive[f"{name}.indices"], archive[f"{name}.indptr"]),
        shape=tuple(archive[f"{name}.shape"]),
    )
