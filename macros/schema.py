"""JSON Schemas for editor autocompletion, generated from the model and kept in data/schemas/."""

from __future__ import annotations

import json
from pathlib import Path

from .handbook import KINDS


def schemas() -> dict[str, str]:
    """File name -> schema text, exactly as it should be on disk."""
    out = {}
    for kind in KINDS:
        schema = kind.model.model_json_schema()
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        schema["title"] = f"办公室工作手册：{kind.name}"
        out[f"{kind.schema}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schemas().items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written
