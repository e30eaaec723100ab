"""A broken codebook (``datapackage.json``) gets a clear, located message, never a traceback.

Each test breaks the codebook of a temporary copy of ``data/`` and checks
that :func:`validate` names the file (and, for bad JSON, the line and
column), that :func:`ensure_valid` and :func:`load` raise
:class:`DataValidationError`, and that ``nato-iraq validate`` exits with
status 1 and a message instead of a traceback.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import helpers.validation
from helpers.data import load
from helpers.paths import DATA_DIR
from helpers.publish.cli import main
from helpers.validation import DataValidationError, ensure_valid, fingerprint, validate
from tests.test_validation import edit_cell


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def stamps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A validation cache of the test's own, so that no real stamp can answer."""
    folder = tmp_path / "stamps"
    monkeypatch.setattr(helpers.validation, "STAMP_DIR", folder)
    return folder


def descriptor(data: Path) -> dict:
    return json.loads((data / "datapackage.json").read_text(encoding="utf-8"))


def write_descriptor(data: Path, value: object) -> None:
    (data / "datapackage.json").write_text(json.dumps(value, indent=2), encoding="utf-8")


def resource(desc: dict, name: str) -> dict:
    return next(r for r in desc["resources"] if r["name"] == name)


def edit_descriptor(data: Path, change: Callable[[dict], object]) -> None:
    desc = descriptor(data)
    change(desc)
    write_descriptor(data, desc)


# Each breaks the codebook in its own way; the value is what the message must contain.
BREAKAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "invalid JSON": (
        lambda d: (d / "datapackage.json").write_text('{"resources": [,]}', encoding="utf-8"),
        "is not valid JSON",
    ),
    "a truncated file": (
        lambda d: (d / "datapackage.json").write_text(
            (d / "datapackage.json").read_text(encoding="utf-8")[:5000], encoding="utf-8"
        ),
        "is not valid JSON",
    ),
    "a JSON list": (lambda d: write_descriptor(d, []), "not an object"),
    "a JSON string": (lambda d: write_descriptor(d, "resources"), "not an object"),
    "no resources": (lambda d: write_descriptor(d, {"name": "x"}), '"resources"'),
    "resources not a list": (
        lambda d: write_descriptor(d, {"resources": {"name": "events"}}),
        '"resources"',
    ),
    "a missing file": (lambda d: (d / "datapackage.json").unlink(), "missing"),
    "a missing folder": (lambda d: shutil.rmtree(d), "missing"),
    "not UTF-8": (
        lambda d: (d / "datapackage.json").write_bytes(b'{"title": "caf\xe9"}'),
        "not UTF-8",
    ),
    "a resource without a path": (
        lambda d: edit_descriptor(d, lambda desc: resource(desc, "events").pop("path")),
        "'events'",
    ),
    "a resource without a schema": (
        lambda d: edit_descriptor(d, lambda desc: resource(desc, "people").pop("schema")),
        "'people'",
    ),
    "a schema without fields": (
        lambda d: edit_descriptor(d, lambda desc: resource(desc, "places")["schema"].pop("fields")),
        "'places'",
    ),
    "a resource without a name": (
        lambda d: edit_descriptor(d, lambda desc: desc["resources"][2].pop("name")),
        "events.csv",
    ),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_broken_codebook_is_a_problem_not_a_traceback(
    data_copy: Path, stamps: Path, capsys: pytest.CaptureFixture[str], breakage: str
) -> None:
    breaks, expected = BREAKAGES[breakage]
    breaks(data_copy)

    problems = validate(data_copy)
    assert problems, "a broken codebook passed validation"
    assert {p.file for p in problems} == {"datapackage.json"}, problems
    assert any(expected in p.message for p in problems), "\n".join(map(str, problems))

    for check in (ensure_valid, load):
        with pytest.raises(DataValidationError, match=r"datapackage\.json") as exc:
            check(data_copy)
        assert expected in str(exc.value)

    assert main(["validate", "--data", str(data_copy)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    assert "datapackage.json" in out.err and expected in out.err
    assert not stamps.exists() or not any(stamps.iterdir()), "a broken codebook was stamped"


def test_invalid_json_names_the_line_and_column_and_what_to_do(data_copy: Path) -> None:
    text = '{\n  "name": "nato-iraq",\n  "resources": [\n    {"name": "events",}\n  ]\n}\n'
    (data_copy / "datapackage.json").write_text(text, encoding="utf-8")
    (problem,) = validate(data_copy)
    assert (problem.file, problem.line) == ("datapackage.json", 4)
    assert "column 23" in problem.message
    assert "comma" in problem.message  # what to look for
    # A JSON file has lines, not rows: no "(row 3)" as for a table.
    assert str(problem).startswith("datapackage.json line 4: is not valid JSON")


def test_a_resource_without_keys_is_named(data_copy: Path) -> None:
    def strip(desc: dict) -> None:
        resource(desc, "events").pop("path")
        resource(desc, "figures")["schema"]["fields"][2].pop("name")
        resource(desc, "missions")["schema"].pop("fields")

    edit_descriptor(data_copy, strip)
    messages = [p.message for p in validate(data_copy)]
    assert any("'events'" in m and '"path"' in m for m in messages), messages
    assert any("'figures'" in m and "field 3" in m and '"name"' in m for m in messages), messages
    assert any("'missions'" in m and '"fields"' in m for m in messages), messages


def test_a_foreign_key_to_an_unknown_table_is_named(data_copy: Path) -> None:
    # Before: the reference was silently never checked.
    edit_descriptor(
        data_copy,
        lambda desc: resource(desc, "events")["schema"]["foreignKeys"][0]["reference"].update(
            resource="mission"
        ),
    )
    (problem,) = validate(data_copy)
    assert problem.file == "datapackage.json"
    assert "'events'" in problem.message and "'mission'" in problem.message
    assert problem.message.endswith("; did you mean 'missions'?")


def test_a_foreign_key_to_an_unknown_column_is_named(data_copy: Path) -> None:
    edit_descriptor(
        data_copy,
        lambda desc: resource(desc, "events")["schema"]["foreignKeys"][0].update(
            fields="mision_id"
        ),
    )
    (problem,) = validate(data_copy)
    assert "'events'" in problem.message and "'mision_id'" in problem.message


def test_an_unsupported_type_is_named(data_copy: Path) -> None:
    # Before: validation passed and load() failed on the dtype.
    edit_descriptor(
        data_copy, lambda desc: resource(desc, "events")["schema"]["fields"][1].update(type="date")
    )
    (problem,) = validate(data_copy)
    assert "'events'" in problem.message and "'date'" in problem.message
    assert "string, integer, number, boolean" in problem.message


def test_a_stamp_never_hides_a_broken_codebook(data_copy: Path, stamps: Path) -> None:
    ensure_valid(data_copy)
    assert any(stamps.iterdir()), "a valid dataset is remembered"
    text = (data_copy / "datapackage.json").read_text(encoding="utf-8")
    (data_copy / "datapackage.json").write_text(text.replace('"resources"', '"resource"'))
    with pytest.raises(DataValidationError, match=r"datapackage\.json"):
        ensure_valid(data_copy)


def test_a_table_outside_the_top_folder_is_part_of_the_fingerprint(
    data_copy: Path, stamps: Path
) -> None:
    (data_copy / "facts").mkdir()
    (data_copy / "events.csv").rename(data_copy / "facts" / "events.csv")
    edit_descriptor(
        data_copy, lambda desc: resource(desc, "events").update(path="facts/events.csv")
    )
    assert validate(data_copy) == []
    before = fingerprint(data_copy)
    ensure_valid(data_copy)

    edit_cell(data_copy / "facts", "events", 1, "date", "2004-13")
    assert fingerprint(data_copy) != before, "an edit to a listed table kept the stamp"
    with pytest.raises(DataValidationError, match=r"events\.csv line 2 "):
        ensure_valid(data_copy)
