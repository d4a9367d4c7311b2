"""Battery-flow Sankey and stock-over-time plots of a 4R run."""

import pytest

import agents.builtin_components  # noqa: F401
from simcore.cli import main
from simcore.runner import run_scenario
from simcore.scenario import resolve_scenario
from tests.facilities.test_chain import chain
from viz.flows import flow_table


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("flows") / "run"
    run_scenario(resolve_scenario(chain(days=200)), out=out)
    return out


def test_flows_follow_the_packs_through_the_stages(run_folder):
    flows = flow_table(run_folder).set_index(["source", "target"])
    assert flows.loc[("new", "collection"), "packs"] > 0
    assert flows.loc[("collection", "grading"), "packs"] > 0
    assert flows.loc[("grading", "stock"), "packs"] > 0
    into_second_life = flows.reset_index()
    assert into_second_life["target"].str.startswith("second life: ").any()
    # every pack that reached grading came through collection
    assert flows.loc[("collection", "grading"), "packs"] <= flows.loc[("new", "collection"), "packs"]


def test_plot_flows_writes_an_interactive_html_and_a_png(run_folder, capsys):
    assert main(["plot", str(run_folder), "--flows"]) == 0
    html = (run_folder / "plots" / "flows.html").read_text()
    assert "Sankey" in html or "sankey" in html
    assert (run_folder / "plots" / "flows.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["plot", str(run_folder), "--inventory"]) == 0
    assert (run_folder / "plots" / "inventory.png").stat().st_size > 10_000


def test_flows_of_a_run_without_batteries_is_a_clear_error(tmp_path, capsys):
    from tests.simcore.toy_components import toy_scenario
    import tests.simcore.toy_components  # noqa: F401

    run_scenario(resolve_scenario(toy_scenario()), out=tmp_path / "toy")
    assert main(["plot", str(tmp_path / "toy"), "--flows"]) == 2
    assert main(["plot", str(tmp_path / "toy"), "--inventory"]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 2 and "Traceback" not in err
