"""The command line starts light: --help imports no numerical library, validate none of the simulation
stack (the timings themselves are measured by bench/startup.py, not asserted here)."""

import subprocess
import sys

import scenarios

HEAVY = ("mesa", "pyomo", "scipy", "simpy", "highspy", "matplotlib")


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.split()[-1:] and out.strip().splitlines()[-1].split())


def test_help_imports_no_numerical_library():
    loaded = _modules_after("from simcore.cli import build_parser\nbuild_parser()")
    assert not loaded & {*HEAVY, "numpy", "pandas"}


def test_validate_imports_none_of_the_simulation_stack():
    scenario = scenarios.path("kyushu_2030_vgi.yaml")
    loaded = _modules_after(f"from simcore.cli import main\nassert main(['validate', {str(scenario)!r}]) == 0")
    assert not loaded & set(HEAVY)
