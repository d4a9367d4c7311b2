"""Errors a user can fix: one message naming the file, the key path, the bad value and what is allowed.

The command line turns :class:`InputError` into exit code 2 and a single line on stderr, never a
traceback. Every loader in the project (scenarios, data tables, dispatch problem folders, profiles)
raises this type for bad input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def format_key_path(parts: Iterable[str | int]) -> str:
    """A key path as messages show it: keys joined by dots, list indices in brackets (``a.b[1].c``)."""
    out = ""
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_CHUNK = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")


def split_key_path(path: str) -> list[str] | None:
    """``a.b[1].c`` (or ``a.b.1.c``) as ``['a', 'b', '1', 'c']``; None if the text is no key path."""
    parts: list[str] = []
    for chunk in path.split("."):
        match = _CHUNK.fullmatch(chunk)
        if match is None:
            return None
        parts.append(match.group(1))
        parts.extend(re.findall(r"\[(\d+)\]", match.group(2)))
    return parts


class _Missing:
    """The value of an option that was not given: messages read ``got nothing (not given)``."""

    def __repr__(self) -> str:
        return "nothing (not given)"

    def __reduce__(self) -> str:
        return "MISSING"


#: pass as an InputError's value when a required option is missing (instead of None)
MISSING = _Missing()


class InputError(Exception):
    """Invalid user input: which file, where in it, what value, and what would be accepted.

    ``origin`` says where a value came from when it was not written in ``file`` itself: e.g.
    ``--set fleet.size=-3`` or ``variant night``; the message then reads ``FILE with ORIGIN: ...``.
    """

    def __init__(self, file: str | None, key_path: str, value: Any, allowed: str, origin: str | None = None) -> None:
        if file is None:  # a value not read from a file: a command-line option says so
            file = "command line" if str(key_path).startswith("--") else "<input>"
        self.file = str(file)
        self.key_path = key_path
        self.value = value
        self.allowed = allowed
        self.origin = origin
        # the constructor's arguments as ``args``: SimPy re-raises a process's exception as
        # ``type(e)(*e.args)``, and pickling (worker processes) rebuilds it the same way
        super().__init__(self.file, key_path, value, allowed, origin)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        """Picklable, so errors raised in worker processes reach the parent intact."""
        return (type(self), (self.file, self.key_path, self.value, self.allowed, self.origin))

    @property
    def message(self) -> str:
        shown = repr(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        file = self.file if self.origin is None else f"{self.file} with {self.origin}"
        where = file if self.key_path in ("", self.file) else f"{file}: {self.key_path}"
        return f"{where}: got {shown}; allowed: {self.allowed}"


class SupplyShortfallError(Exception):
    """A dispatch run in strict mode could not meet demand or reserve; the message is the report."""
