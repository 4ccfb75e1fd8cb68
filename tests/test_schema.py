"""The JSON Schemas in data/schemas/ match the model, and every data file points at its schema."""

from __future__ import annotations

from conftest import ROOT
from macros.handbook import data_files, schema_line
from macros.schema import schemas


def test_schemas_are_up_to_date():
    folder = ROOT / "data" / "schemas"
    expected = schemas()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.schema.json")}
    assert set(on_disk) == set(expected), "run `make schema` and commit data/schemas/"
    stale = [name for name, text in expected.items() if on_disk[name] != text]
    assert not stale, f"stale schemas {stale}: run `make schema` and commit data/schemas/"


def test_every_data_file_names_its_schema():
    for kind, path in data_files(ROOT / "data"):
        first = path.read_text(encoding="utf-8-sig").splitlines()[0]
        assert first == schema_line(kind), path
        target = (path.parent / first.split("$schema=")[1]).resolve()
        assert target.is_file(), f"{path}: {target} does not exist"
