"""Component types for sweep tests (registered on import): one that fails or is interrupted on demand,
one that takes a while per tick."""

from __future__ import annotations

import time
from typing import Any, Literal

from pydantic import Field

from simcore import Component, ComponentParams, register


class TroubleParams(ComponentParams):
    mode: Literal["none", "fail", "interrupt"] = Field("none", description="what happens at the first tick")
    sleep_s: float = Field(0.0, ge=0, description="wall seconds to sleep per tick (s)")


@register("test_trouble")
class Trouble(Component):
    """Raises RuntimeError ('fail') or KeyboardInterrupt ('interrupt', as Ctrl-C would) at its first tick."""

    Params = TroubleParams

    def setup(self) -> None:
        self.ticks = 0

    def on_tick(self, tick: int) -> None:
        if self.params.mode == "fail":
            raise RuntimeError("this run was set up to fail")
        if self.params.mode == "interrupt":
            raise KeyboardInterrupt
        if self.params.sleep_s:
            time.sleep(self.params.sleep_s)
        self.ticks += 1

    def summary(self) -> dict[str, Any]:
        return {f"{self.name}.ticks": self.ticks}
