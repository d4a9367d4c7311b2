"""Errors a user can fix: one message naming the file, the key path, the bad value and what is allowed.

The command line turns :class:`InputError` into exit code 2 and a single line on stderr, never a
traceback. Every loader in the project (scenarios, data tables, dispatch problem folders, profiles)
raises this type for bad input.
"""

from __future__ import annotations

from typing import Any


class InputError(Exception):
    """Invalid user input: which file, where in it, what value, and what would be accepted."""

    def __init__(self, file: str | None, key_path: str, value: Any, allowed: str) -> None:
        self.file = str(file) if file is not None else "<input>"
        self.key_path = key_path
        self.value = value
        self.allowed = allowed
        # the constructor's arguments as ``args``: SimPy re-raises a process's exception as
        # ``type(e)(*e.args)``, and pickling (worker processes) rebuilds it the same way
        super().__init__(self.file, key_path, value, allowed)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        """Picklable, so errors raised in worker processes reach the parent intact."""
        return (type(self), (self.file, self.key_path, self.value, self.allowed))

    @property
    def message(self) -> str:
        shown = repr(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        where = self.file if self.key_path in ("", self.file) else f"{self.file}: {self.key_path}"
        return f"{where}: got {shown}; allowed: {self.allowed}"


class SupplyShortfallError(Exception):
    """A dispatch run in strict mode could not meet demand or reserve; the message is the report."""
