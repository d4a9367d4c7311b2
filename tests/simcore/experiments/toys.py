"""Component types for sweep tests (registered on import): one that fails or is interrupted on demand,
one that takes a while per tick."""

from __future__ import annotations

import os
import signal
import time
from typing import Any, Literal

from pydantic import Field

from simcore import Component, ComponentParams, register


class TroubleParams(ComponentParams):
    mode: Literal["none", "fail", "interrupt", "chatter", "die", "sigint", "sigint_then_oserror"] = Field(
        "none", description="what happens at the first tick (chatter: write to file descriptors 1 and 2, as C "
                            "libraries do; die: end the process at once, as the OOM killer would; sigint: Ctrl-C "
                            "to this process; sigint_then_oserror: Ctrl-C that surfaces as an OSError, as I/O cut "
                            "short does)")
    sleep_s: float = Field(0.0, ge=0, description="wall seconds to sleep per tick (s)")


@register("test_trouble")
class Trouble(Component):
    """Raises RuntimeError ('fail') or KeyboardInterrupt ('interrupt', as Ctrl-C would) at its first tick,
    or writes to stdout and stderr below Python ('chatter')."""

    Params = TroubleParams

    def setup(self) -> None:
        self.ticks = 0

    def on_tick(self, tick: int) -> None:
        if self.params.mode == "fail":
            raise RuntimeError("this run was set up to fail")
        if self.params.mode == "interrupt":
            raise KeyboardInterrupt
        if self.params.mode == "die":
            os._exit(9)
        if self.params.mode == "sigint":
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the signal arrives before this ends
        if self.params.mode == "sigint_then_oserror":
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(5)
            except KeyboardInterrupt:
                raise OSError(9, "Bad file descriptor") from None
        if self.params.mode == "chatter" and tick == 0:
            os.write(1, b"Running SomeSolver 1.0: Copyright (c)\n")
            os.write(2, b"a warning from C\n")
        if self.params.sleep_s:
            time.sleep(self.params.sleep_s)
        self.ticks += 1

    def summary(self) -> dict[str, Any]:
        return {f"{self.name}.ticks": self.ticks}
