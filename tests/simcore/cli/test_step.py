"""``evcycle step`` on a real terminal (a pseudo-terminal): readline history and Ctrl-C pausing a run."""

from __future__ import annotations

import os
import re
import select
import sys
import time

import pytest

pty = pytest.importorskip("pty")


class Terminal:
    """``evcycle step ARGS`` in a pseudo-terminal: type into it and read its screen output."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:   # the child: the pty is its controlling terminal, so ^C sends SIGINT
            os.execve(sys.executable, [sys.executable, "-m", "simcore.cli", "step", *args], env)
        self.pid, self.fd, self.output = pid, fd, ""

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def expect(self, pattern: str, timeout: float = 60.0) -> re.Match[str]:
        end = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.output)
            if found:
                self.output = self.output[found.end():]
                return found
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{pattern!r} not seen; the terminal showed: {self.output[-2000:]!r}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if ready:
                try:
                    self.output += os.read(self.fd, 65536).decode(errors="replace")
                except OSError:   # the child closed the terminal
                    pass

    def wait(self, timeout: float = 30.0) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            try:
                self.expect("$^", timeout=0.2)   # drain output so the child never blocks on it
            except AssertionError:
                pass
        os.kill(self.pid, 9)
        raise AssertionError("the stepper did not exit")


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {**os.environ, "EVCYCLE_HISTORY": str(tmp_path / "history"), "TERM": "xterm"}


def test_the_up_arrow_recalls_the_last_command_and_history_is_kept(env, tmp_path):
    term = Terminal(["--set", "fleet.sample=200"], env)
    term.expect(r"\(evcycle\) ")
    term.type("tick\r")
    term.expect(r"1/288 ticks done")
    term.type("\x1b[A\r")   # Up, Enter: the same command again
    term.expect(r"2/288 ticks done")
    term.type("quit\r")
    assert term.wait() == 0
    assert (tmp_path / "history").read_text().split() == ["tick", "quit"]   # repeats are kept once


def test_ctrl_c_during_continue_pauses_and_keeps_the_session(env):
    term = Terminal(["--set", "clock.days=365", "--set", "fleet.sample=20000"], env)
    term.expect(r"\(evcycle\) ")
    term.type("continue\r")
    time.sleep(1.5)
    term.type("\x03")
    term.expect(r"paused \(interrupted\)")
    done = int(term.expect(r"\| (\d+)/35040 ticks done").group(1))
    assert 0 < done < 35040
    term.type("tick\r")
    assert int(term.expect(r"\| (\d+)/35040 ticks done").group(1)) in (done, done + 1)
    term.type("quit\r")
    assert term.wait() == 0
