"""The ``second_life`` component: packs at work in second-life applications, until they are worn out.

The plant installs packs with ``install(ids, application, t_h)``; each is held by a registered
``STATIONARY:<name>.<application>`` holder. Every ``ageing_step_days`` the units age under their
application's duty cycle (``scenarios/data/fourr/applications.csv``: cycles a day, mean SOC, depth,
temperature), cycles counted against their current capacity (as BLAST-Lite counts them); packs of the
LMO family switch to the BLAST-Lite Leaf second-life law at installation. A unit ends its second life
when its SOH falls to the application's ``eol_soh`` or after ``max_years``, and goes to
``end_of_life_to`` (reason SECOND_LIFE_ENDED). ``return_under_warranty`` sends back units sold below
their grade.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from facilities.ledgers import ledger
from facilities.second_life_params import SecondLifeParams
from simcore.battery.ageing import DailyStressors, ModelCode
from simcore.battery.chemistry import CHEMISTRY_CODE
from simcore.battery.holders import HolderKind
from simcore.battery.lifecycle import HandOffReason
from simcore.component import Component

WORK_HOUR = 21.0


class SecondLife(Component):
    """Packs working as storage, backup power, AGV or street-light batteries."""

    Params = SecondLifeParams

    def setup(self) -> None:
        p: SecondLifeParams = self.params
        w = self.world
        self.store = w.batteries
        self.apps = ledger(w).data.applications
        self.holder = {a: self.store.holders.register(HolderKind.STATIONARY, f"{self.name}.{a}") for a in self.apps.names}
        self.to = w.peer(p.end_of_life_to)
        self.ids = np.zeros(0, dtype=np.int64)
        self.app = np.zeros(0, dtype=np.int64)
        self.since_h = np.zeros(0)
        self.start_soh = np.zeros(0)
        n = len(self.apps.names)
        self.installed = np.zeros(n, dtype=np.int64)
        self.ended = np.zeros(n, dtype=np.int64)
        self.returned = np.zeros(n, dtype=np.int64)
        self.years_served = np.zeros(n)
        self.kwh_delivered = np.zeros(n)  # energy cycled through the units (kWh)
        self.s_units = w.recorder.add(f"{self.name}.units", "packs")
        w.env.process(self._weeks())

    # -- the second-life-sink interface -----------------------------------------------------------
    def install(self, ids: np.ndarray, application: str, t_h: float) -> None:
        """Packs start their second life in ``application``."""
        ids = np.asarray(ids, dtype=np.int64)
        self.install_many(ids, np.full(ids.size, self.apps.names.index(application)), t_h)

    def install_many(self, ids: np.ndarray, app_codes: np.ndarray, t_h: float) -> None:
        """Packs start their second life, each in the application of its code (row of applications.csv)."""
        ids = np.asarray(ids, dtype=np.int64)
        app_codes = np.asarray(app_codes, dtype=np.int64)
        for a in np.unique(app_codes).tolist():
            self.store.transfer(ids[app_codes == a], t_h, HolderKind.STATIONARY, self.holder[self.apps.names[a]])
        if self.params.lmo_second_life_law:
            lmo = self.store.col("chemistry")[ids] == CHEMISTRY_CODE["LMO"]
            if lmo.any():
                self.store.rebase_ageing(ids[lmo], int(ModelCode.LMO_2NDLIFE))
        self.ids = np.concatenate([self.ids, ids])
        self.app = np.concatenate([self.app, app_codes])
        self.since_h = np.concatenate([self.since_h, np.full(ids.size, t_h)])
        self.start_soh = np.concatenate([self.start_soh, self.store.soh(ids)])
        self.installed += np.bincount(app_codes, minlength=self.installed.size)

    def return_under_warranty(self, ids: np.ndarray, t_h: float) -> np.ndarray:
        """Units sold below their grade go back (those still working here)."""
        here = np.isin(self.ids, ids)
        back = self.ids[here]
        if back.size:
            np.add.at(self.returned, self.app[here], 1)
            self._leave(here, t_h, HandOffReason.WARRANTY_RETURN)
        return back

    # -- the weeks ---------------------------------------------------------------------------------
    def _weeks(self):
        env = self.world.env
        step = self.params.ageing_step_days
        for day in range(0, self.world.clock.days, step):
            t = day * 24.0 + WORK_HOUR
            if t > env.now:
                yield env.timeout(t - env.now)
            if self.ids.size:
                self._age(float(min(step, self.world.clock.days - day)), t)
                self._retire(t)
            tick = self.world.clock.tick_at(t)
            if tick < self.world.clock.n_ticks:
                self.s_units[tick] = self.ids.size

    def _age(self, dt_days: float, t: float) -> None:
        apps = self.apps
        rel = self.store.soh(self.ids) / np.maximum(self.start_soh, 1e-9)
        efc = apps.col("efc_per_day")[self.app] * rel * dt_days
        # the application swings `dod` of the pack's capacity now; stressors are stated against the capacity
        # at the start of second life, which the ageing step's energy conservation stretches back by 1/q
        st = DailyStressors(soc_mean=apps.col("soc_mean")[self.app], temp_c=apps.col("temp_c")[self.app],
                            dod=apps.col("dod")[self.app] * rel, efc=efc, c_chg=np.full(self.ids.size, 0.2),
                            dt_days=dt_days)
        self.store.age(self.ids, st)
        nominal = self.store.col("nominal_kwh")[self.ids]
        np.add.at(self.kwh_delivered, self.app, efc * nominal)

    def _retire(self, t: float) -> None:
        apps = self.apps
        soh = self.store.soh(self.ids)
        years = (t - self.since_h) / 8766.0
        done = (soh <= apps.col("eol_soh")[self.app]) | (years >= apps.col("max_years")[self.app])
        if done.any():
            np.add.at(self.ended, self.app[done], 1)
            np.add.at(self.years_served, self.app[done], years[done])
            self._leave(done, t, HandOffReason.SECOND_LIFE_ENDED)

    def _leave(self, mask: np.ndarray, t: float, reason: HandOffReason) -> None:
        out = self.ids[mask]
        keep = ~mask
        self.ids, self.app, self.since_h, self.start_soh = (self.ids[keep], self.app[keep], self.since_h[keep],
                                                            self.start_soh[keep])
        self.to.receive(out, t, np.full(out.size, int(reason), dtype=np.int8))

    # -- observation ---------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for a, name in enumerate(self.apps.names):
            k = f"second_life.{name}"
            out[f"{k}.installed"] = int(self.installed[a])
            out[f"{k}.ended"] = int(self.ended[a])
            out[f"{k}.warranty_returns"] = int(self.returned[a])
            out[f"{k}.active"] = int(np.count_nonzero(self.app == a))
            out[f"{k}.mean_years_served"] = (float(self.years_served[a] / self.ended[a]) if self.ended[a]
                                             else float("nan"))
            out[f"{k}.energy_mwh"] = float(self.kwh_delivered[a] / 1000.0)
        return out

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        return {**super().inspect(None), **self.summary()}
