"""The dashboard page (Solara): controls, live plots, KPIs, an inspector and recent events.

Served by ``evcycle dashboard`` (:mod:`viz.dashboard.server`). Each browser page gets its own
:class:`~viz.dashboard.session.DashboardSession`; stepping and running happen in a worker thread in
chunks of about half a second, and the page redraws after each chunk from the session's aggregates.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import solara

from viz.dashboard import plots
from viz.dashboard.session import Choice, DashboardSession

CONFIG_ENV = "EVCYCLE_DASHBOARD"   # JSON: scenario, variant, seed, overrides (set by the command)
REDRAW_S = 0.5    # seconds between redraws of the clock, KPIs and events while a run goes on
PLOT_S = 2.0      # seconds between redraws of the plots while a run goes on


def initial_choice() -> Choice:
    """The scenario the command was started with (default: the quickstart)."""
    import scenarios

    raw = json.loads(os.environ.get(CONFIG_ENV, "{}"))
    return Choice(Path(raw.get("scenario") or scenarios.path("quickstart.yaml")), raw.get("variant"),
                  raw.get("seed"), tuple(raw.get("overrides", ())))


def scenario_files(current: Path) -> dict[str, Path]:
    """Shipped scenarios by file name, plus the one the command named."""
    import scenarios

    folder = scenarios.path("quickstart.yaml").parent
    found = {p.name: p for p in sorted(folder.glob("*.yaml"))}
    found.setdefault(current.name if current.name not in found or found[current.name] == current
                     else str(current), current)
    return found


def variants_of(path: Path) -> list[str]:
    from simcore.scenario.loader import read_yaml

    try:
        return sorted(read_yaml(path).get("variants") or {})
    except Exception:  # noqa: BLE001 (a file the loader rejects: Apply reports why)
        return []


def _pre(text: str, cls: str, max_height: str | None = None, small: bool = False):
    """A <pre> block with a test-friendly class (scrolls past ``max_height``)."""
    style = "white-space: pre-wrap; margin: 0;"
    if max_height:
        style += f" max-height: {max_height}; overflow: auto;"
    if small:
        style += " font-size: 0.8em;"
    return solara.v.Html(tag="pre", children=[text], class_=cls, style_=style)


@solara.component
def Controls(session: DashboardSession, busy: bool, on_reset, on_step, on_run, on_pause):
    files = scenario_files(session.choice.scenario)
    names = list(files)
    current = next((n for n, p in files.items() if p == session.choice.scenario), names[0])
    name, set_name = solara.use_state(current)
    variant, set_variant = solara.use_state(session.choice.variant or "(base)")
    seed, set_seed = solara.use_state("" if session.choice.seed is None else str(session.choice.seed))
    overrides, set_overrides = solara.use_state("\n".join(session.choice.overrides))
    error, set_error = solara.use_state("")

    def apply() -> None:
        try:
            choice = Choice(files[name], None if variant == "(base)" else variant,
                            int(seed) if seed.strip() else None,
                            tuple(line.strip() for line in overrides.splitlines() if line.strip()))
            on_reset(choice)
            set_error("")
        except Exception as exc:  # noqa: BLE001 (InputError, a bad seed: shown on the page)
            set_error(getattr(exc, "message", None) or str(exc))

    with solara.Card("Scenario", margin=0):
        solara.Select("scenario", values=names, value=name, on_value=set_name)
        solara.Select("variant", values=["(base)", *variants_of(files[name])], value=variant, on_value=set_variant)
        solara.InputText("seed (empty: the scenario's)", value=seed, on_value=set_seed)
        solara.InputTextArea("overrides, one PATH=VALUE a line", value=overrides, on_value=set_overrides,
                             continuous_update=True, rows=3)
        solara.Button("Apply and reset", on_click=apply, disabled=busy, color="secondary", classes=["evc-apply"])
        if error:
            solara.Error(error, classes=["evc-error"])
    with solara.Card("Run", margin=0):
        with solara.Row(style={"flex-wrap": "wrap"}):   # narrow columns: buttons wrap, never clip
            solara.Button("Step", on_click=on_step, disabled=busy, color="primary", classes=["evc-step"])
            solara.Button("Run", on_click=on_run, disabled=busy, color="primary", classes=["evc-run"])
            solara.Button("Pause", on_click=on_pause, disabled=not busy, classes=["evc-pause"])
            solara.Button("Reset", on_click=lambda: on_reset(None), disabled=busy, classes=["evc-reset"])


@solara.component
def Inspector(session: DashboardSession):
    key, set_key = solara.use_state("ev:0")
    shown, set_shown = solara.use_state("")

    with solara.Card("Inspector", margin=0):
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.InputText("id (ev:12, battery:B000012, fleet, grid)", value=key, on_value=set_key,
                             continuous_update=True, classes=["evc-inspect-id"])
            solara.Button("Inspect", on_click=lambda: set_shown(session.inspect(key)), classes=["evc-inspect"])
        if shown:
            _pre(shown, "evc-inspected", "22em")


@solara.component
def Events(session: DashboardSession, view):
    text, set_text = solara.use_state(session.event_filter)
    record, set_record = solara.use_state(session.record_filtered_kind)
    session.event_filter = text
    session.record_filtered_kind = record
    with solara.Card("Recent events", margin=0):
        solara.InputText("filter: KIND [where CONDITION], e.g. ev.plugin where soc < 0.2", value=text,
                         on_value=set_text, classes=["evc-event-filter"])
        solara.Switch(label="record per-entity kinds (slower)", value=record, on_value=set_record)
        if view.events_note:
            solara.Text(view.events_note, style={"color": "#666"})
        _pre("\n".join(view.events) or "-", "evc-events", "16em", small=True)


@solara.component
def Kpis(view):
    now_rows = [f"{k}: {v:.4g}" for k, v in sorted(view.now.items())]
    kpi_rows = [f"{k}: {v}" for k, v in view.kpis.items()]
    with solara.Card("Now (last tick) and KPIs", margin=0):
        _pre("\n".join(now_rows) or "no tick yet", "evc-now", small=True)
        _pre("\n".join(kpi_rows), "evc-kpis", "16em", small=True)


@solara.component
def Page():
    session = solara.use_memo(lambda: DashboardSession(initial_choice()), [])
    version, set_version = solara.use_state(0)       # bumped by resets
    job, set_job = solara.use_state(("idle", 0))   # (what, sequence number)

    def work(cancel: threading.Event):
        """The page's worker thread: a step, or watching a run (which the session's own thread does);
        every ``yield`` redraws the page (use_thread's generator protocol)."""
        what = job[0]
        if what == "step":
            session.step(1)
        elif what == "run":
            session.start_run()
            while session.running and not cancel.is_set():
                time.sleep(REDRAW_S)
                yield session.world.ticks_done
            if cancel.is_set():   # the page went away: stop the run it started
                session.pause()
        yield session.world.ticks_done
        if what != "idle":
            set_job(("idle", job[1]))

    # the page redraws when the worker yields; its value (ticks done) keys the plots below
    worker = solara.use_thread(work, dependencies=[job], intrusive_cancel=False)
    busy = job[0] != "idle"

    def start(what: str) -> None:
        set_job((what, job[1] + 1))

    def reset(choice: Choice | None) -> None:
        session.reset(choice)
        set_version(version + 1)

    view = session.view()
    solara.Title("evcycle dashboard")
    with solara.Columns([1, 3]):
        with solara.Column(style={"padding-left": "16px"}):
            solara.Markdown(f"**{session.world.scenario.name}**"
                            + (f" · variant {session.choice.variant}" if session.choice.variant else ""))
            solara.Text(f"{view.clock} | {view.ticks_done}/{view.n_ticks} ticks done", classes=["evc-clock"])
            solara.Text(f"status: {view.status}", classes=["evc-status"])
            Controls(session, busy, reset, lambda: start("step"), lambda: start("run"), session.pause)
            Inspector(session)
        with solara.Column():
            # plots cost more to draw than text: while running, redraw them every PLOT_S at most
            plot_key = (version, session.world, int(time.monotonic() // PLOT_S) if busy else view.ticks_done)
            figures = solara.use_memo(lambda: [f for f in (draw(view) for draw in plots.PANELS) if f is not None],
                                      [plot_key])
            with solara.Columns([1, 1]):
                for fig in figures:
                    solara.FigureMatplotlib(fig, dependencies=[plot_key], format="png")
            with solara.Columns([1, 1]):
                Kpis(view)
                Events(session, view)
