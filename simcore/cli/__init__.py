"""The ``evcycle`` command line.

Exit codes: 0 success, 1 a sweep whose table is written but some runs failed, 2 invalid input (one
line naming file, key path, value and what is allowed), 3 a strict dispatch that could not meet
demand, 130 interrupted (nothing written; a sweep says which of its runs were written).

Commands come from modules that add their own subparsers (``add_subcommand(subparsers)``): the
kernel's below, then every module in the entry-point group ``evcycle.commands`` (the project's domain
commands and third-party ones). Command modules import only argparse-level code; their handlers
import the simulation stack when they run, so ``evcycle --help`` and ``validate`` start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

#: the kernel's own command modules, always present
KERNEL_COMMANDS = ("simcore.cli.run", "simcore.cli.step", "simcore.cli.sweep", "simcore.cli.analyze",
                   "simcore.cli.report")
COMMAND_GROUP = "evcycle.commands"


def _command_modules() -> list[str]:
    """Kernel command modules, then those in the ``evcycle.commands`` entry-point group (by name)."""
    from importlib.metadata import entry_points

    found = list(KERNEL_COMMANDS)
    for ep in sorted(entry_points(group=COMMAND_GROUP), key=lambda e: e.name):
        if ep.value not in found:
            found.append(ep.value)
    return found


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are the project's one-line, exit-2 message."""

    def error(self, message: str):  # noqa: D102 (argparse's hook)
        print(f"error: {self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The full parser: every command module adds its subcommands."""
    import importlib

    parser = OneLineParser(prog="evcycle", description="Electric vehicles, the grid and the battery ecocycle, "
                                                       "simulated as one system.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for module_name in _command_modules():
        module = importlib.import_module(module_name.partition(":")[0])
        module.add_subcommand(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, run the command's handler, and turn every user-facing failure into an exit code."""
    from simcore.errors import InputError, SupplyShortfallError

    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help (0) or a usage error already printed on one line (2)
            return exc.code if isinstance(exc.code, int) else 2
        if getattr(args, "handler", None) is None:
            parser.print_help()
            return 2
        if isinstance(getattr(args, "out", None), list):  # argparse reads "--out=--" as no value at all
            raise InputError("--out", "--out", "--", "a path (a lone -- marks the end of options)")
        return int(args.handler(args) or 0)
    except InputError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except SupplyShortfallError as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130
    except MemoryError:
        print("error: out of memory; make the run smaller (fleet sample, cohort size, days) and try again",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
