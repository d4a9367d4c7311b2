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

from facilities.data import load_fourr_data
from facilities.ledgers import ledger
from facilities.second_life_params import SecondLifeParams
from simcore.battery.ageing import DailyStressors, ModelCode
from simcore.battery.chemistry import CHEMISTRY_CODE
from simcore.battery.columns import Growable
from simcore.battery.holders import HolderKind
from simcore.battery.lifecycle import HandOffReason
from simcore.component import Component
from simcore.trace import event_kind

WORK_HOUR = 21.0


class SecondLife(Component):
    """Packs working as storage, backup power, AGV or street-light batteries."""

    Params = SecondLifeParams
    events = {"second_life.ended": event_kind("units leave their second life", application="the application",
                                              units="how many", reason="second_life_ended or warranty_return")}

    def setup(self) -> None:
        p: SecondLifeParams = self.params
        w = self.world
        self.store = w.batteries
        self.ledger = ledger(w)
        self.ledger.offer_data_dir(p.data_dir)
        self.apps = load_fourr_data(p.data_dir).applications
        self.holder = {a: self.store.holders.register(HolderKind.STATIONARY, f"{self.name}.{a}") for a in self.apps.names}
        self.to = w.peer(p.end_of_life_to)
        self.units = Growable({"ids": (np.int64, ()), "app": (np.int64, ()), "since_h": (np.float64, ()),
                               "start_soh": (np.float64, ()), "soh_a": (np.float64, ()), "soh_b": (np.float64, ()),
                               "efc": (np.float64, ())}, 1024)  # efc: cycles done here, added to history on leaving
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
        a, b = self.store.linear_soh_coefficients(ids)  # soh = a - true_loss x b while a unit's modules stay put
        u = self.units
        sl = u.reserve(ids.size)
        u.cols["ids"][sl] = ids
        u.cols["app"][sl] = app_codes
        u.cols["since_h"][sl] = t_h
        u.cols["soh_a"][sl] = a
        u.cols["soh_b"][sl] = b
        u.cols["start_soh"][sl] = a - self.store.true_loss(ids) * b
        self.installed += np.bincount(app_codes, minlength=self.installed.size)

    @property
    def ids(self) -> np.ndarray:
        """Pack ids of the units at work."""
        return self.units["ids"]

    def return_under_warranty(self, ids: np.ndarray, t_h: float) -> np.ndarray:
        """Units sold below their grade go back (those still working here)."""
        here = np.isin(self.ids, ids)
        back = self.ids[here]
        if back.size:
            np.add.at(self.returned, self.units["app"][here], 1)
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
                self._retire(t, self.soh())
                if self.ids.size:
                    self._age(float(min(step, self.world.clock.days - day)), t, None)
            tick = self.world.clock.tick_at(t)
            if tick < self.world.clock.n_ticks:
                self.s_units[tick] = self.ids.size

    def soh(self) -> np.ndarray:
        """SOH of every unit, fast (the linear form; exact while no module is exhausted)."""
        u = self.units
        return np.maximum(u["soh_a"] - self.store.true_loss(u["ids"]) * u["soh_b"], 0.0)

    def _age(self, dt_days: float, t: float, soh: np.ndarray) -> None:
        """One step of every unit's duty, stated as for the new cell: the ageing step's energy conservation
        (BLAST-Lite's default, simcore.battery.ageing) deepens the swing as the unit fades. Checked against
        the reference path on daily cycles (tests/facilities/test_chain.py)."""
        apps, u = self.apps, self.units
        app, ids = u["app"], u["ids"]
        # one call per application: its duty is a set of scalars, so the law's temperature and SOC terms
        # are worked out once per application rather than once per unit
        for a in np.flatnonzero(np.bincount(app, minlength=len(apps.names))).tolist():
            rows = np.flatnonzero(app == a)
            efc = float(apps.col("efc_per_day")[a]) * dt_days
            st = DailyStressors(soc_mean=float(apps.col("soc_mean")[a]), temp_c=float(apps.col("temp_c")[a]),
                                dod=float(apps.col("dod")[a]), efc=efc, c_chg=0.2, dt_days=dt_days)
            # the duty is constant: the history is added once, when a unit leaves (see _leave)
            self.store.age(ids[rows], st, history=False)
            u["efc"][rows] += efc
            self.kwh_delivered[a] += efc * float(self.store.col("nominal_kwh")[ids[rows]].sum())

    def _retire(self, t: float, soh: np.ndarray) -> None:
        apps, u = self.apps, self.units
        app = u["app"]
        years = (t - u["since_h"]) / 8766.0
        done = (soh <= apps.col("eol_soh")[app]) | (years >= apps.col("max_years")[app])
        if done.any():
            self.ended += np.bincount(app[done], minlength=self.ended.size)
            self.years_served += np.bincount(app[done], weights=years[done], minlength=self.years_served.size)
            self._leave(done, t, HandOffReason.SECOND_LIFE_ENDED)

    def _leave(self, mask: np.ndarray, t: float, reason: HandOffReason) -> None:
        """Units leave (end of life, warranty): their second-life use goes into their history first."""
        u = self.units
        out = u["ids"][mask].copy()
        app = u["app"][mask]
        apps = self.apps
        days = (t - u["since_h"][mask]) / 24.0
        efc = u["efc"][mask]
        self.store.add_history(out, DailyStressors(soc_mean=apps.col("soc_mean")[app], temp_c=apps.col("temp_c")[app],
                                                   dod=apps.col("dod")[app], efc=efc, c_chg=0.2, dt_days=days),
                               throughput_kwh=2.0 * efc * self.store.col("nominal_kwh")[out])
        self.units.compact(~mask)
        for a in np.unique(app).tolist():
            self.world.emit("second_life.ended", self.name, application=apps.names[a], units=int((app == a).sum()),
                            reason=reason.name.lower())
        self.to.receive(out, t, np.full(out.size, int(reason), dtype=np.int8))

    # -- observation ---------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for a, name in enumerate(self.apps.names):
            k = f"second_life.{name}"
            out[f"{k}.installed"] = int(self.installed[a])
            out[f"{k}.ended"] = int(self.ended[a])
            out[f"{k}.warranty_returns"] = int(self.returned[a])
            out[f"{k}.active"] = int(np.count_nonzero(self.units["app"] == a))
            out[f"{k}.mean_years_served"] = (float(self.years_served[a] / self.ended[a]) if self.ended[a]
                                             else float("nan"))
            out[f"{k}.energy_mwh"] = float(self.kwh_delivered[a] / 1000.0)
        return out

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        return {**super().inspect(None), **self.summary()}
