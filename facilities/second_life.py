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
from simcore.battery.ageing import AgeingState, DailyStressors, ModelCode
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
        # one table per application (its units contiguous: an application's duty is aged in one call)
        # ``fade`` and ``model`` copy the packs' hidden deviation and ageing model, which stay fixed while
        # they work here, so the monthly step gathers only the loss states
        self.units = [Growable({"ids": (np.int64, ()), "since_h": (np.float64, ()), "soh_a": (np.float64, ()),
                                "soh_b": (np.float64, ()), "efc0": (np.float64, ()), "fade": (np.float64, ()),
                                "model": (np.int8, ())}, 256) for _ in self.apps.names]
        n = len(self.apps.names)
        self.efc_done = np.zeros(n)  # cycles an application's units have done since the start (efc0: at install)
        self.nominal_kwh_at_work = np.zeros(n)
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
        if self.params.lmo_second_life_law:
            lmo = self.store.col("chemistry")[ids] == CHEMISTRY_CODE["LMO"]
            if lmo.any():
                self.store.rebase_ageing(ids[lmo], int(ModelCode.LMO_2NDLIFE))
        for a in np.flatnonzero(np.bincount(app_codes, minlength=len(self.apps.names))).tolist():
            mine = ids[app_codes == a]
            self.store.transfer(mine, t_h, HolderKind.STATIONARY, self.holder[self.apps.names[a]])
            a_lin, b_lin = self.store.linear_soh_coefficients(mine)  # soh = a - true_loss x b while modules stay put
            u = self.units[a]
            sl = u.reserve(mine.size)
            u.cols["ids"][sl] = mine
            u.cols["since_h"][sl] = t_h
            u.cols["soh_a"][sl] = a_lin
            u.cols["soh_b"][sl] = b_lin
            u.cols["efc0"][sl] = self.efc_done[a]
            u.cols["fade"][sl] = self.store.col("fade_scalar")[mine]
            u.cols["model"][sl] = self.store.col("model_code")[mine]
            self.nominal_kwh_at_work[a] += float(self.store.col("nominal_kwh")[mine].sum())
            self.installed[a] += mine.size

    @property
    def ids(self) -> np.ndarray:
        """Pack ids of the units at work."""
        return np.concatenate([u["ids"] for u in self.units])

    def return_under_warranty(self, ids: np.ndarray, t_h: float) -> np.ndarray:
        """Units sold below their grade go back (those still working here)."""
        back = []
        for a, u in enumerate(self.units):
            here = np.isin(u["ids"], ids)
            if here.any():
                back.append(u["ids"][here].copy())
                self.returned[a] += int(here.sum())
                self._leave(a, here, t_h, HandOffReason.WARRANTY_RETURN)
        return np.concatenate(back) if back else np.zeros(0, dtype=np.int64)

    # -- the weeks ---------------------------------------------------------------------------------
    def _weeks(self):
        env = self.world.env
        step = self.params.ageing_step_days
        for day in range(0, self.world.clock.days, step):
            t = day * 24.0 + WORK_HOUR
            if t > env.now:
                yield env.timeout(t - env.now)
            dt_days = float(min(step, self.world.clock.days - day))
            for a, u in enumerate(self.units):
                if u.n:
                    self._step(a, t, dt_days)
            tick = self.world.clock.tick_at(t)
            if tick < self.world.clock.n_ticks:
                self.s_units[tick] = sum(u.n for u in self.units)

    def soh(self, application: int | None = None) -> np.ndarray:
        """SOH of every unit (of one application, by its row), fast: the linear form, exact while no
        module is exhausted."""
        tables = self.units if application is None else [self.units[application]]
        return np.concatenate([self._soh(u, self.store.model_loss(u["ids"])) for u in tables])

    @staticmethod
    def _soh(u: Growable, model_loss: np.ndarray) -> np.ndarray:
        return np.maximum(u["soh_a"] - u["fade"] * model_loss * u["soh_b"], 0.0)

    def _step(self, a: int, t: float, dt_days: float) -> None:
        """An application's month: units worn out or too old leave, the others age by one step. Both
        use one gather of the units' loss states."""
        u = self.units[a]
        state = self.store.ageing_state(u["ids"])
        done = self._retire(a, t, self._soh(u, state.q_loss_cal + state.q_loss_cyc))
        if u.n:
            if done is not None:
                keep = ~done
                state = AgeingState(state.q_loss_cal[keep], state.q_loss_cyc[keep], u["model"])
            else:
                state = AgeingState(state.q_loss_cal, state.q_loss_cyc, u["model"])
            self._age(a, dt_days, state)

    def _age(self, a: int, dt_days: float, state: AgeingState | None = None) -> None:
        """One step of an application's duty for all its units, stated as for the new cell: the ageing
        step's energy conservation (BLAST-Lite's default, simcore.battery.ageing) deepens the swing as a
        unit fades. The duty is a set of scalars, so the law's temperature and SOC terms are worked out
        once. ``state``: the units' ageing state, if the caller has gathered it. Checked against
        BLAST-Lite's second-life law (tests/facilities/test_chain.py)."""
        apps = self.apps
        efc = float(apps.col("efc_per_day")[a]) * dt_days
        st = DailyStressors(soc_mean=float(apps.col("soc_mean")[a]), temp_c=float(apps.col("temp_c")[a]),
                            dod=float(apps.col("dod")[a]), efc=efc, c_chg=0.2, dt_days=dt_days)
        # the duty is constant: the history is added once, when a unit leaves (see _leave)
        self.store.age(self.units[a]["ids"], st, history=False, state=state)
        self.efc_done[a] += efc
        self.kwh_delivered[a] += efc * self.nominal_kwh_at_work[a]

    def _retire(self, a: int, t: float, soh: np.ndarray) -> np.ndarray | None:
        """Units at their end of second life leave; returns which (None if none did)."""
        apps, u = self.apps, self.units[a]
        years = (t - u["since_h"]) / 8766.0
        done = (soh <= apps.col("eol_soh")[a]) | (years >= apps.col("max_years")[a])
        if not done.any():
            return None
        self.ended[a] += int(done.sum())
        self.years_served[a] += float(years[done].sum())
        self._leave(a, done, t, HandOffReason.SECOND_LIFE_ENDED)
        return done

    def _leave(self, a: int, mask: np.ndarray, t: float, reason: HandOffReason) -> None:
        """Units leave (end of life, warranty): their second-life use goes into their history first."""
        u = self.units[a]
        out = u["ids"][mask].copy()
        apps = self.apps
        days = (t - u["since_h"][mask]) / 24.0
        efc = self.efc_done[a] - u["efc0"][mask]
        nominal = self.store.col("nominal_kwh")[out]
        self.store.add_history(out, DailyStressors(soc_mean=float(apps.col("soc_mean")[a]),
                                                   temp_c=float(apps.col("temp_c")[a]), dod=float(apps.col("dod")[a]),
                                                   efc=efc, c_chg=0.2, dt_days=days),
                               throughput_kwh=2.0 * efc * nominal)
        self.nominal_kwh_at_work[a] -= float(nominal.sum())
        u.compact(~mask)
        self.world.emit("second_life.ended", self.name, application=apps.names[a], units=int(out.size),
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
            out[f"{k}.active"] = int(self.units[a].n)
            out[f"{k}.mean_years_served"] = (float(self.years_served[a] / self.ended[a]) if self.ended[a]
                                             else float("nan"))
            out[f"{k}.energy_mwh"] = float(self.kwh_delivered[a] / 1000.0)
        return out

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        return {**super().inspect(None), **self.summary()}
