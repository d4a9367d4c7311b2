"""Every number a shipped scenario sets carries a source note, and every data folder a SOURCES.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
# a `key: value` line whose value is a number, a boolean or a date (strings and lists are names / files)
SCALAR = re.compile(r"^\s*[\w.\-]+:\s*(-?[\d_.]+(e-?\d+)?|true|false|\d{4}-\d\d-\d\d)\s*(?P<note>#.*)?$")


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_number_in_a_scenario_has_a_note(path: Path):
    bare = [f"{path.name}:{i}: {line.strip()}" for i, line in enumerate(path.read_text().splitlines(), 1)
            if (m := SCALAR.match(line)) and not m.group("note")]
    assert not bare, "numbers without a source note:\n" + "\n".join(bare)


@pytest.mark.parametrize("folder", sorted(p for p in (SCENARIOS / "data").iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_every_data_folder_says_where_its_numbers_come_from(folder: Path):
    assert (folder / "SOURCES.md").is_file()
    notes = (folder / "SOURCES.md").read_text()
    for table in folder.glob("*.csv"):
        assert table.name in notes or table.stem in notes, f"{table.name} is not described in SOURCES.md"
