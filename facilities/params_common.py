"""Parameter blocks several facility components share (units in every name)."""

from __future__ import annotations

from pydantic import Field

from facilities.data import DATA_DIR

#: the data folder field every facility component has
DATA_DIR_FIELD = Field(str(DATA_DIR), description="4R data tables folder (scenarios/data/fourr/SOURCES.md)")


def check_data_dir(ctx, value: str) -> None:
    """The 4R tables load (checked once per set of files)."""
    from pathlib import Path

    from facilities.data import load_fourr_data
    from simcore.tables import check_files_once

    if not Path(value).is_dir():
        ctx.fail("data_dir", value, "a folder holding the 4R data tables (scenarios/data/fourr)")
    check_files_once([Path(value)], lambda: load_fourr_data(value))
