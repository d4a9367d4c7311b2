"""Record BLAST-Lite's relative capacity after each duty profile, for the ageing tests (run where BLAST-Lite is).

    python -m venv /tmp/venv-blast && /tmp/venv-blast/bin/pip install -e ".[test,oracle]"
    /tmp/venv-blast/bin/python tests/simcore/battery/record_blast_oracle.py [--missing]

Writes ``data/blast_oracle.json``: for every profile of :mod:`duty_profiles` (10 years) and every
fixture CSV in ``data/``, BLAST-Lite's final ``q`` with energy conservation on and off, for the NMC622
model (all profiles, and the sampling-sensitive ones again at one-minute samples of the same usage) and
the LFP and second-life LMO models (a subset). ``test_blast_oracle.py``
checks these numbers against BLAST-Lite itself; the default test tier checks our reference path
against them. ``--missing`` keeps the recorded numbers and runs BLAST-Lite only for cases without one
(a new profile), if the recorded BLAST-Lite version is the installed one.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import duty_profiles  # noqa: E402
from blast_runner import BLAST_MODELS, FIXTURES, blast_q_end, fixture_series  # noqa: E402

OTHER_MODEL_PROFILES = ("hot_full_daily", "v2g_two_cycles", "irregular")


def main(argv: list[str]) -> int:
    path = HERE / "data" / "blast_oracle.json"
    out: dict = {"blast_lite": version("blast-lite"), "numpy": np.__version__, "years": 10.0, "q_end": {}}
    if "--missing" in argv:
        recorded = json.loads(path.read_text())
        if recorded["blast_lite"] != out["blast_lite"]:
            print(f"recorded with BLAST-Lite {recorded['blast_lite']}, installed {out['blast_lite']}: re-record all", file=sys.stderr)
            return 2
        out["q_end"] = recorded["q_end"]
    # (case name, model, series): series are made only for cases not recorded yet
    cases = [(name, "nmc622", lambda name=name: duty_profiles.PROFILES[name](10.0)) for name in duty_profiles.PROFILES]
    cases += [(name, model, lambda name=name: duty_profiles.PROFILES[name](10.0))
              for name in OTHER_MODEL_PROFILES for model in ("lfp", "lmo_2ndlife")]
    cases += [(duty_profiles.fine_key(name), "nmc622", lambda name=name: duty_profiles.fine(name))
              for name in duty_profiles.FINE_STEP_S]
    cases += [(fixture, "nmc622", lambda fixture=fixture: fixture_series(fixture)) for fixture in FIXTURES]
    for name, model, series in cases:
        for conserve in (True, False):
            key = f"{name}|{model}|{'conserve' if conserve else 'no_conserve'}"
            if key not in out["q_end"]:
                out["q_end"][key] = blast_q_end(*series(), model, conserve)
                print(key, out["q_end"][key], flush=True)
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
