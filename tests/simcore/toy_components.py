"""Small component types the kernel tests build worlds from (registered on import)."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from simcore import Component, ComponentParams, register
from simcore.trace import event_kind


class PulseParams(ComponentParams):
    level_mw: float = Field(1.0, ge=0, description="output when on, MW")
    every_ticks: int = Field(4, ge=1, description="emit a pulse event every this many ticks")


@register("test_pulse")
class Pulse(Component):
    """Ticks; records a noisy series from its own stream; emits ``pulse`` every few ticks."""

    Params = PulseParams
    tick_order = 10
    id_prefixes = ("pulse",)
    events = {"pulse": event_kind("a pulse every few ticks", refs={"n": "pulse"}, n="pulse number, from 1",
                                  value="output at the pulse, MW")}

    def setup(self) -> None:
        self.series = self.world.recorder.add(f"{self.name}.output_mw", "MW")
        self.noise = self.world.rng(f"{self.name}.noise")
        self.count = 0
        self.total_mwh = 0.0

    def on_tick(self, tick: int) -> None:
        value = self.params.level_mw * (1.0 + 0.1 * self.noise.standard_normal())
        self.series[tick] = value
        self.total_mwh += value * self.world.clock.tick_h
        if tick % self.params.every_ticks == 0:
            self.count += 1
            self.world.emit("pulse", self.name, n=self.count, value=value)

    def summary(self) -> dict[str, Any]:
        return {f"{self.name}.energy_mwh": self.total_mwh, f"{self.name}.pulses": self.count}

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        if key is None:
            return {"name": self.name, "count": self.count}
        return {"pulse": int(key), "value": float(self.series[int(key)])}


class MailParams(ComponentParams):
    interval_h: float = Field(1.5, gt=0, description="hours between letters")


@register("test_mail")
class Mail(Component):
    """Event-driven: a SimPy process posting a letter every ``interval_h`` hours (no ticks)."""

    Params = MailParams
    events = {"mail.posted": event_kind("a letter is posted", n="letter number, from 1")}

    def setup(self) -> None:
        self.letters = 0
        self.start(self._post())

    def _post(self):
        while True:
            yield self.world.env.timeout(self.params.interval_h)
            self.letters += 1
            self.world.emit("mail.posted", self.name, n=self.letters)

    def summary(self) -> dict[str, Any]:
        return {f"{self.name}.letters": self.letters}


def toy_scenario(days: int = 1, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "toy",
        "seed": 7,
        "clock": {"start": "2030-01-01", "days": days, "tick_minutes": 15},
        "components": {"pulse": {"type": "test_pulse", "level_mw": 2.0}, "mail": {"type": "test_mail"}},
    }
    data.update(extra)
    return data


_ = np  # numpy is used by the components through their generators
