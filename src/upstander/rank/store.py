"""Fitted rankings kept under $UPSTANDER_HOME/models/rank/<version>/, as JSON only.

Each version holds `model.json` (the coefficients, scaler, features, label, training span and how the
regularisation was chosen) and, once `upstander rank evaluate` has run, `evaluation.json`. `CURRENT` names the
version in use. Nothing is pickled: a stored file is read as numbers and checked (Model.from_json), so a file
someone altered cannot run code.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from upstander.rank.model import Model

VERSION = re.compile(r"^v\d{4,}$")


@dataclass
class StoredModel:
    version: str
    path: Path
    model: Model
    meta: dict[str, Any]  # everything in model.json besides the numbers

    @property
    def vocabulary(self) -> list[str]:
        return [str(c) for c in self.meta.get("vocabulary", [])]


def root(home: Path) -> Path:
    return Path(home) / "models" / "rank"


def _write(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, path)  # a reader sees the old file or the new one, never half of one


def save(home: Path, model: Model, meta: dict[str, Any]) -> StoredModel:
    """A new version with this model, made current."""
    base = root(home)
    base.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[1:]) for p in base.iterdir() if p.is_dir() and VERSION.match(p.name)]
    version = f"v{max(numbers, default=0) + 1:04d}"
    path = base / version
    path.mkdir()
    _write(path / "model.json", {"version": version, **meta, "model": model.to_json()})
    (base / "CURRENT.tmp").write_text(version + "\n", encoding="utf-8")
    os.replace(base / "CURRENT.tmp", base / "CURRENT")
    return StoredModel(version, path, model, meta)


def current_model(home: Path) -> StoredModel | None:
    """The version in use, or None when no ranking has been fitted. A damaged file is a ValueError naming it."""
    base = root(home)
    pointer = base / "CURRENT"
    if not pointer.exists():
        return None
    version = pointer.read_text(encoding="utf-8").strip()
    if not VERSION.match(version):
        raise ValueError(f"{pointer}: {version!r} is not a model version")
    path = base / version / "model.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        model = Model.from_json(data["model"])
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: cannot be read as a ranking model ({exc})") from None
    meta = {k: v for k, v in data.items() if k not in ("model", "version")}
    return StoredModel(version, path.parent, model, meta)


def save_evaluation(home: Path, version: str, result: dict[str, Any]) -> Path:
    if not VERSION.match(version):
        raise ValueError(f"{version!r} is not a model version")
    path = root(home) / version / "evaluation.json"
    _write(path, result)
    return path


def evaluation(home: Path) -> dict[str, Any] | None:
    current = current_model(home)
    if current is None or not (current.path / "evaluation.json").exists():
        return None
    return json.loads((current.path / "evaluation.json").read_text(encoding="utf-8"))
