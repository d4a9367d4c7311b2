"""Semi-empirical cell ageing models (NREL BLAST-Lite family), vectorised over batteries.

Two first-life models are implemented from their published equations (not from BLAST-Lite's code):

* ``nmc622`` — NMC622/graphite 50 Ah EV cell (DENSO), Smith et al., J. Electrochem. Soc. 168 (2021)
  100530, doi:10.1149/1945-7111/ac2ebd, as parameterised in NREL BLAST-Lite
  (``nmc622_gr_DENSO50Ah_2021``). Calendar loss ``b1t * t_days**0.5`` and cycle loss
  ``b1t * b1N * b1N_4 * EFC**0.5``. The early-life break-in terms of the paper are switched off, as in
  BLAST-Lite's released model.
* ``lfp`` — large-format LFP/graphite prismatic cell (>250 Ah), Gasper et al., J. Energy Storage (2023)
  doi:10.1016/j.est.2023.109042, as parameterised in BLAST-Lite (``lfp_gr_250AhPrismatic_2019``).
  Calendar loss ``k_cal * t_days**0.526`` and cycle loss ``k_cyc * EFC**0.828``.

A third, ``lmo_2ndlife``, is the BLAST-Lite fit to second-life Nissan Leaf LMO modules (losses
relative to the start of second life), for packs in stationary second use.

All loss states follow a power law ``y = k x**p`` whose coefficient ``k`` changes with the stressors.
They are integrated state-wise and exactly for a constant ``k`` within a step ("virtual time": the
state is mapped back to the ``x`` that would give it at today's ``k``, advanced by ``dx``, mapped
forward). For ``p = 0.5`` this is ``y' = sqrt(y**2 + k**2 dx)``.

The fast path :func:`age_batteries` takes per-day aggregates (arrays over batteries); the reference
path in :mod:`simcore.battery.profile` evaluates the same rate equations at every time step of a
full series and averages them over each day.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Callable

import numpy as np

R_GAS_J_PER_MOL_K = 8.3144
T_REF_K = 298.15
KELVIN = 273.15


class ModelCode(IntEnum):
    """Integer code of an ageing model, stored per battery (``int8`` array)."""

    NMC622 = 0
    LFP = 1
    LMO_2NDLIFE = 2


MODEL_NAMES: dict[str, ModelCode] = {"nmc622": ModelCode.NMC622, "lfp": ModelCode.LFP, "lmo_2ndlife": ModelCode.LMO_2NDLIFE}


def arrhenius(temp_k: np.ndarray, ea_j_per_mol: float, t_ref_k: float = T_REF_K) -> np.ndarray:
    """Arrhenius factor ``exp(-Ea/R (1/T - 1/Tref))`` (1 at the reference temperature)."""
    return np.exp(-(ea_j_per_mol / R_GAS_J_PER_MOL_K) * (1.0 / temp_k - 1.0 / t_ref_k))


def arrhenius_effective_temp_k(
    temp_k: np.ndarray, weights: np.ndarray | None = None, ea_j_per_mol: float = 37000.0, axis: int = -1
) -> np.ndarray:
    """Temperature whose Arrhenius factor equals the (weighted) mean factor of ``temp_k``.

    Use it to collapse a day of temperatures into one value for :class:`DailyStressors`; the default
    activation energy is the NMC622 calendar one (the dominant temperature term).
    """
    f = arrhenius(np.asarray(temp_k, dtype=float), ea_j_per_mol)
    mean_f = np.average(f, weights=weights, axis=axis)
    return 1.0 / (1.0 / T_REF_K - np.log(mean_f) * R_GAS_J_PER_MOL_K / ea_j_per_mol)


def graphite_anode_potential_v(soc: np.ndarray) -> np.ndarray:
    """Graphite open-circuit potential vs Li from SOC (Safari & Delacourt, JES 158 (2011) A562).

    Lithiation fraction assumed ``0.0085 + soc (0.78 - 0.0085)`` (Schimpe et al., JES 2018), as in
    BLAST-Lite; used by the LFP calendar model.
    """
    x = 0.0085 + np.asarray(soc, dtype=float) * (0.78 - 0.0085)
    return (
        0.6379
        + 0.5416 * np.exp(-305.5309 * x)
        + 0.044 * np.tanh(-(x - 0.1958) / 0.1088)
        - 0.1978 * np.tanh((x - 1.0571) / 0.0854)
        - 0.6875 * np.tanh((x + 0.0117) / 0.0529)
        - 0.0175 * np.tanh((x - 0.5692) / 0.0875)
    )


# ----------------------------------------------------------------------------------------------
# Parameters (values from the publications above, as listed by BLAST-Lite)


@dataclass(frozen=True)
class Nmc622Params:
    """Capacity-fade parameters of the NMC622/graphite DENSO 50 Ah model (Smith et al. 2021)."""

    b1t_ea_j_per_mol: float = 37000.0
    b1t_0: float = -0.000197
    b1t_1: float = 0.0101
    b1t_2: float = -0.0157
    b1t_3: float = 0.00835
    b1t_4_per_k: float = -4.06e-6
    b1t_5_per_k: float = 3.32e-5
    b1n_ea1_j_per_mol: float = -58000.0
    b1n_0: float = 3.24
    b1n_1: float = 2.1
    b1n_2: float = -0.099
    b1n_3: float = 1.44
    b1n_ea2_j_per_mol: float = -13000.0
    b1n_4: float = 0.985
    p_cal: float = 0.5
    p_cyc: float = 0.5
    cell_capacity_ah: float = 50.0


@dataclass(frozen=True)
class LfpParams:
    """Capacity-fade parameters of the LFP/graphite 250 Ah prismatic model (Gasper et al. 2023)."""

    p1: float = 8.37e4
    p2_k: float = -5.21e3
    p3_k_per_v: float = -3.56e3
    p_cal: float = 0.526
    p4: float = 4.38e-8
    p5: float = 1.55e-8
    p6_h: float = 1.68e-7
    p7_k: float = 2.19e3
    p8_k: float = 1.55e5
    p_cyc: float = 0.828
    cell_capacity_ah: float = 250.0


@dataclass(frozen=True)
class Lmo2ndLifeParams:
    """Second-life Nissan Leaf LMO/graphite half-modules (Braco et al.; BLAST-Lite
    ``lmo_gr_NissanLeaf66Ah_2ndLife_2020``). Losses are relative to the capacity at the start of
    second life (the tested modules began at ~70 % of new). Cycle fade depends on throughput only
    (data at 25 C, 100 % DOD, 1C)."""

    a_cal: float = 3.25e8
    b_cal_k: float = -7.58e3
    c_cal_k: float = 162.0
    p_cal: float = 0.464
    a_cyc: float = 7.58e-5
    p_cyc: float = 1.08


NMC622 = Nmc622Params()
LFP = LfpParams()
LMO_2NDLIFE = Lmo2ndLifeParams()


def nmc622_cal_rate(temp_k: np.ndarray, soc: np.ndarray, p: Nmc622Params = NMC622) -> np.ndarray:
    """Calendar coefficient ``b1t`` (loss per sqrt(day)); clipped at 0 (the fitted cubic is slightly
    negative below ~2 % SOC, which would otherwise let capacity grow).

    ``b1t = Arr(T, Ea) * (b0 + b1 soc + b2 soc^2 + b3 soc^3 + b4 soc T + b5 max(0, T - 328.15 K))``
    """
    poly = p.b1t_0 + soc * (p.b1t_1 + soc * (p.b1t_2 + soc * p.b1t_3) + p.b1t_4_per_k * temp_k)
    poly = poly + p.b1t_5_per_k * np.maximum(0.0, temp_k - 328.15)
    return np.maximum(0.0, arrhenius(temp_k, p.b1t_ea_j_per_mol) * poly)


def nmc622_cyc_factor(
    temp_k: np.ndarray, soc: np.ndarray, dod: np.ndarray, c_chg: np.ndarray, p: Nmc622Params = NMC622
) -> np.ndarray:
    """Cycle factor ``b1N`` (dimensionless); the cycle coefficient is ``b1t * b1N * b1n_4``.

    ``b1N = max(0, c0 Arr(T, Ea1) sqrt(DOD Cchg) (1 + c1 soc) + c2) + c3 Arr(T, Ea2) DOD^6``
    """
    first = p.b1n_0 * arrhenius(temp_k, p.b1n_ea1_j_per_mol) * np.sqrt(dod * c_chg) * (1.0 + p.b1n_1 * soc) + p.b1n_2
    return np.maximum(0.0, first) + p.b1n_3 * arrhenius(temp_k, p.b1n_ea2_j_per_mol) * (dod * dod * dod) ** 2


def lfp_cal_rate(temp_k: np.ndarray, soc: np.ndarray, p: LfpParams = LFP) -> np.ndarray:
    """LFP calendar coefficient ``k_cal`` (loss per day**0.526), from temperature and anode potential."""
    ua = graphite_anode_potential_v(soc)
    return abs(p.p1) * np.exp(p.p2_k / temp_k) * np.exp(p.p3_k_per_v * ua / temp_k)


def lfp_cyc_rate(temp_k: np.ndarray, dod: np.ndarray, c_rate_avg: np.ndarray, p: LfpParams = LFP) -> np.ndarray:
    """LFP cycle coefficient ``k_cyc`` (loss per EFC**0.828); ``c_rate_avg`` is the time-averaged |C|."""
    return (p.p4 + p.p5 * dod + p.p6_h * c_rate_avg) * (np.exp(p.p7_k / temp_k) + np.exp(-p.p8_k / temp_k))


def lmo2nd_cal_rate(temp_k: np.ndarray, soc: np.ndarray, p: Lmo2ndLifeParams = LMO_2NDLIFE) -> np.ndarray:
    """Second-life LMO calendar coefficient ``A exp(B/T) exp(C soc/T)`` (loss per day**0.464)."""
    return p.a_cal * np.exp(p.b_cal_k / temp_k) * np.exp(p.c_cal_k * soc / temp_k)


# ----------------------------------------------------------------------------------------------
# State integration


def advance_power_state(y: np.ndarray, dx: np.ndarray, k: np.ndarray, p: float) -> np.ndarray:
    """Advance ``y = k x**p`` by ``dx`` with the coefficient ``k`` of this step (exact for constant k).

    Never decreases ``y``: a zero coefficient or zero ``dx`` leaves the state unchanged.
    """
    y = np.asarray(y, dtype=float)
    k = np.asarray(k, dtype=float)
    dx = np.asarray(dx, dtype=float)
    if p == 0.5:
        return np.sqrt(y * y + k * k * np.maximum(dx, 0.0))
    active = (k > 0) & (dx > 0)
    k_safe = np.where(active, k, 1.0)
    x_eq = (y / k_safe) ** (1.0 / p)
    y_new = k_safe * (x_eq + dx) ** p
    return np.where(active, np.maximum(y_new, y), y)


@dataclass
class DailyStressors:
    """Per-step (normally one day) stress aggregates; each field a scalar or an array over batteries.

    ``temp_c`` is the cell temperature to use in the rate equations (a mean, or better an
    Arrhenius-weighted mean, see :func:`arrhenius_effective_temp_k`). ``c_chg`` is the mean charging
    C-rate while charging; ``efc`` the equivalent full cycles (Ah throughput / 2 / capacity).
    """

    soc_mean: np.ndarray | float
    temp_c: np.ndarray | float
    dod: np.ndarray | float
    efc: np.ndarray | float
    c_chg: np.ndarray | float
    dt_days: np.ndarray | float = 1.0


@dataclass
class AgeingState:
    """Model loss states (nominal model, no hidden per-battery deviation) and the model code per battery."""

    q_loss_cal: np.ndarray
    q_loss_cyc: np.ndarray
    model_code: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))

    @classmethod
    def new(cls, n: int, model: str | int | np.ndarray = "nmc622") -> "AgeingState":
        """Fresh cells (no loss) for ``n`` batteries."""
        return cls(np.zeros(n), np.zeros(n), model_codes(model, n))

    @property
    def q(self) -> np.ndarray:
        """Relative capacity (1 = new)."""
        return 1.0 - self.q_loss_cal - self.q_loss_cyc


def model_codes(model: str | int | np.ndarray, n: int) -> np.ndarray:
    """Normalise a model name/code (or array of codes) to an ``int8`` array of length ``n``."""
    if isinstance(model, str):
        if model not in MODEL_NAMES:
            raise ValueError(f"unknown ageing model {model!r}; known: {sorted(MODEL_NAMES)}")
        return np.full(n, int(MODEL_NAMES[model]), dtype=np.int8)
    codes = np.asarray(model, dtype=np.int8)
    return np.full(n, int(codes), dtype=np.int8) if codes.ndim == 0 else codes


def _rates_nmc622(temp_k, soc, dod, efc, c_chg, dt_days):
    b1t = nmc622_cal_rate(temp_k, soc)
    b1n = nmc622_cyc_factor(temp_k, soc, dod, c_chg)
    return b1t, b1t * b1n * NMC622.b1n_4, NMC622.p_cal, NMC622.p_cyc


def _rates_lfp(temp_k, soc, dod, efc, c_chg, dt_days):
    # BLAST-Lite's LFP C-rate is |dSOC/dt| averaged over the whole window, i.e. 2 EFC / hours.
    c_avg = 2.0 * efc / (24.0 * np.maximum(dt_days, 1e-12))
    return lfp_cal_rate(temp_k, soc), lfp_cyc_rate(temp_k, dod, c_avg), LFP.p_cal, LFP.p_cyc


def _rates_lmo2nd(temp_k, soc, dod, efc, c_chg, dt_days):
    k_cyc = np.full(np.shape(temp_k), LMO_2NDLIFE.a_cyc)
    return lmo2nd_cal_rate(temp_k, soc), k_cyc, LMO_2NDLIFE.p_cal, LMO_2NDLIFE.p_cyc


RATE_FUNCTIONS: dict[int, Callable] = {
    int(ModelCode.NMC622): _rates_nmc622,
    int(ModelCode.LFP): _rates_lfp,
    int(ModelCode.LMO_2NDLIFE): _rates_lmo2nd,
}


def _as_array(x, n: int) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        return np.broadcast_to(a, (n,))
    if a.shape != (n,):
        raise ValueError(f"stressor array of shape {a.shape} for {n} batteries; expected a scalar or shape ({n},)")
    return a


def age_batteries(state: AgeingState, stressors: DailyStressors, groups: dict[int, np.ndarray | slice] | None = None) -> AgeingState:
    """Fast path: age every battery in ``state`` by one step of ``stressors``; returns a new state.

    Plain numpy in, plain numpy out; one call per simulated day for a whole fleet. Mixed chemistries
    are handled per model code; pass ``groups`` (model code -> row indices, e.g. cached by the
    caller) to skip finding them every call.
    """
    n = state.q_loss_cal.shape[0]
    fields_ = (stressors.temp_c, stressors.soc_mean, stressors.dod, stressors.efc, stressors.c_chg, stressors.dt_days)
    temp_c, soc, dod, efc, c_chg, dt_days = (_as_array(v, n) for v in fields_)
    args = (temp_c + KELVIN, soc, dod, efc, c_chg, dt_days)
    codes = state.model_code
    if n and groups is None and codes.min() == codes.max():
        new_cal, new_cyc = _advance(RATE_FUNCTIONS[int(codes[0])], state.q_loss_cal, state.q_loss_cyc, args)
        return replace(state, q_loss_cal=new_cal, q_loss_cyc=new_cyc)
    if groups is None:
        groups = model_groups(codes)
    new_cal = np.array(state.q_loss_cal, dtype=float)
    new_cyc = np.array(state.q_loss_cyc, dtype=float)
    for code, rows in groups.items():
        sub = tuple(_select(a, rows) for a in args)
        new_cal[rows], new_cyc[rows] = _advance(RATE_FUNCTIONS[int(code)], _select(state.q_loss_cal, rows), _select(state.q_loss_cyc, rows), sub)
    return replace(state, q_loss_cal=new_cal, q_loss_cyc=new_cyc)


def _select(a: np.ndarray, rows: np.ndarray | slice) -> np.ndarray:
    """Rows of a per-battery array; broadcast scalars stay broadcast and slices are views (no copy)."""
    if isinstance(rows, slice):
        return a[rows]
    if a.ndim == 1 and a.size and a.strides == (0,):
        return np.broadcast_to(a[:1], (rows.size,))
    return a.take(rows)


def model_groups(codes: np.ndarray) -> dict[int, np.ndarray | slice]:
    """Rows of each ageing model present in ``codes``: a slice when contiguous (no copies), else indices."""
    counts = np.bincount(codes.astype(np.int64), minlength=len(ModelCode))
    groups: dict[int, np.ndarray | slice] = {}
    for c in range(counts.size):
        if counts[c]:
            rows = np.flatnonzero(codes == c)
            contiguous = rows[-1] - rows[0] + 1 == rows.size
            groups[c] = slice(int(rows[0]), int(rows[-1]) + 1) if contiguous else rows
    return groups


def _advance(rate_fn, cal, cyc, args):
    temp_k, soc, dod, efc, c_chg, dt_days = args
    k_cal, k_cyc, p_cal, p_cyc = rate_fn(temp_k, soc, dod, efc, c_chg, dt_days)
    return advance_power_state(cal, dt_days, k_cal, p_cal), advance_power_state(cyc, efc, k_cyc, p_cyc)


def v2g_extra_loss(
    state: AgeingState, with_v2g: list[DailyStressors] | DailyStressors, without_v2g: list[DailyStressors] | DailyStressors
) -> np.ndarray:
    """Extra capacity loss (fraction of nominal) attributable to V2G over one or more steps.

    Runs the same batteries twice from ``state``: once with the stressors including the V2G
    throughput and once with the counterfactual stressors without it; returns ``q_without - q_with``
    per battery (>= 0 whenever V2G only adds throughput/depth).
    """
    seq_with = [with_v2g] if isinstance(with_v2g, DailyStressors) else list(with_v2g)
    seq_without = [without_v2g] if isinstance(without_v2g, DailyStressors) else list(without_v2g)
    if len(seq_with) != len(seq_without):
        raise ValueError("with_v2g and without_v2g must have the same number of steps")
    a = b = state
    for sw, so in zip(seq_with, seq_without):
        a = age_batteries(a, sw)
        b = age_batteries(b, so)
    return b.q - a.q
