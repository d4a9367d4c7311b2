"""``evcycle step``: the stepper on a terminal (readline history and completion, Ctrl-C pauses a run)
or on a script read from standard input.

History is kept in ``$EVCYCLE_HISTORY`` (default ``~/.evcycle_history``). Ctrl-C while a command runs
asks the World to pause after the SimPy event in progress and returns to the prompt with the state
intact; a second Ctrl-C before it pauses ends the session (exit 130). At the prompt, Ctrl-C clears
the line and Ctrl-D (or ``quit``) leaves.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from simcore.cli.common import add_scenario_args, resolve_args

if TYPE_CHECKING:
    from simcore.stepper import Stepper

PROMPT = "(evcycle) "


def cmd_step(args: argparse.Namespace) -> int:
    from simcore.stepper import Stepper
    from simcore.world import World

    world = World(resolve_args(args))
    if sys.stdin.isatty() and not args.script:
        interactive(Stepper(world, interruptible=True))
    else:
        Stepper(world).repl(sys.stdin)
    return 0


@contextmanager
def pause_on_interrupt(stepper: Stepper) -> Iterator[None]:
    """While a command runs: the first Ctrl-C pauses the run, a second one ends the session."""
    presses = 0

    def handler(signum, frame):  # noqa: ARG001 (signal handler signature)
        nonlocal presses
        presses += 1
        if presses > 1:
            raise KeyboardInterrupt
        stepper.interrupt()
        print("\npausing after the current event (Ctrl-C again ends the session) ...", flush=True)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def interactive(stepper: Stepper) -> None:
    """The read-eval loop on a terminal."""
    import readline

    history = Path(os.environ.get("EVCYCLE_HISTORY", "~/.evcycle_history")).expanduser()
    try:
        readline.read_history_file(history)
    except OSError:
        pass
    readline.set_history_length(1000)
    readline.set_completer_delims(" \t")
    readline.parse_and_bind("tab: complete")

    def complete(text: str, state: int) -> str | None:
        line = readline.get_line_buffer()[:readline.get_endidx()]
        options = stepper.completions(line)
        return options[state] if state < len(options) else None

    readline.set_completer(complete)
    w = stepper.world
    print(f"evcycle step: {w.scenario.name} (seed {w.seed}); `help` lists commands, Tab completes, "
          "Ctrl-C pauses a run, Ctrl-D or quit leaves")
    stepper.repl([])
    try:
        while True:
            try:
                line = input(PROMPT)
            except EOFError:
                print()
                break
            except KeyboardInterrupt:
                print("^C")
                continue
            with pause_on_interrupt(stepper):
                if not stepper.execute(line):
                    break
    finally:
        try:
            readline.write_history_file(history)
        except OSError:
            pass


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """``step``."""
    p = sub.add_parser("step", help="step through a scenario: breakpoints, watches, events, rewind "
                                    "(a terminal prompt, or commands read from stdin)",
                       description="Step through a scenario (docs/debugging.md). On a terminal: a prompt with "
                                   "history and Tab completion; Ctrl-C pauses a run. Otherwise commands are read "
                                   "from standard input.")
    add_scenario_args(p, optional=True)
    p.add_argument("--script", action="store_true", help="read commands from stdin even on a terminal")
    p.set_defaults(handler=cmd_step)
