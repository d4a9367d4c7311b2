"""Semi-empirical cell ageing models (NREL BLAST-Lite family), vectorised over batteries.

Models, implemented from their published equations (not from BLAST-Lite's code):

* ``nmc622`` — NMC622/graphite 50 Ah EV cell (DENSO), Smith et al., J. Electrochem. Soc. 168 (2021)
  100530, doi:10.1149/1945-7111/ac2ebd, as parameterised in NREL BLAST-Lite
  (``nmc622_gr_DENSO50Ah_2021``). Calendar loss ``b1t * t_days**0.5`` and cycle loss
  ``b1t * b1N * b1N_4 * EFC**0.5``. The early-life break-in terms of the paper are off, as in
  BLAST-Lite's released model.
* ``lfp`` — large-format LFP/graphite prismatic cell (>250 Ah), Gasper et al., J. Energy Storage (2023)
  doi:10.1016/j.est.2023.109042, as parameterised in BLAST-Lite (``lfp_gr_250AhPrismatic_2019``).
* ``lmo_2ndlife`` — BLAST-Lite's fit to second-life Nissan Leaf LMO modules (losses relative to the
  start of second life), for packs in stationary second use.
* ``lmo_leaf`` — first life of the early LMO-blend packs (first-generation Leaf, sold until 2017):
  the Leaf-cell kinetics of ``lmo_2ndlife`` (temperature, SOC and throughput dependence) with the
  calendar magnitude and time exponent derived from a fleet survey of those packs
  (:mod:`simcore.battery.lmo_leaf`, scenarios/data/battery/lmo_leaf_law.csv).

Every loss state follows ``y = k x**p`` whose coefficient ``k`` changes with the stressors; states
are advanced exactly for a constant ``k`` within a step ("virtual time"; for ``p = 0.5``:
``y' = sqrt(y**2 + k**2 dx)``).

**Windows and the two BLAST-Lite modes.** BLAST-Lite evaluates the rate laws once per degradation
window (about a day) from the window's stressors, counts cycles in ampere-hours of the *current*
capacity (equivalent full cycles and C-rates scale with the relative capacity ``q``), and in its
default *energy-conservation* mode deepens each window's SOC swing as the cell fades: the window's SOC
trajectory is stretched by ``1/q`` about its first sample and clipped to [0, 1].
:mod:`simcore.battery.profile` replays a full series that way (the reference path).

The fast path :func:`age_batteries` takes one day's aggregates per battery. It applies the same
capacity scaling and, in conservation mode, the stretch about anchors standing for the windows' first
samples: on days of at most one EFC BLAST-Lite's windows close by time and drift through the day, so
the anchor is drawn from the day's SOC distribution (:func:`soc_shape`: atoms at its ends plus a
uniform part, fitted to mean and variance); on busier days they close on rainflow cycle ends, so the
anchors are the day's minimum and maximum. Per anchor the day's SOC distribution is stretched and
clipped; both laws are evaluated at its mean, its range is the DOD, and the cycle count and, when the
charge happens in few samples, the charging rate (``charge_steps``) shrink with the clipped share.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Callable

import numpy as np

R_GAS_J_PER_MOL_K = 8.3144
T_REF_K = 298.15
KELVIN = 273.15
HOURS_PER_DAY = 24.0
MIN_Q = 0.05  # relative capacity below which the stretch of conservation mode is capped (1/q <= 20)
#: BLAST-Lite's default window_max_efc: above this many EFC a day, its windows close on cycle ends
#: (a day of exactly one full cycle counts as one: there rounding decides, see docs/battery.md)
WINDOW_MAX_EFC = 1.0 + 1e-6
WORK_MIN_LEN = 4096  # arrays at least this long use reusable work arrays in the fast path


class _WorkArrays:
    """Reusable work arrays for the fast path's large temporaries, by length and name.

    A day's step of a large fleet makes dozens of fleet-sized temporaries; fresh ones cost page faults
    on every call (the allocator hands big freed blocks back to the OS), which took about 40 % of the
    step. Names are unique per function, so no two live temporaries share an array; results handed to
    callers are always fresh arrays. A few lengths are kept (one per model group of a fleet).
    """

    def __init__(self, max_lengths: int = 8) -> None:
        self._by_len: dict[tuple[int, type], dict[str, np.ndarray]] = {}
        self._max = max_lengths

    def __call__(self, n: int, name: str, dtype: type = np.float64) -> np.ndarray:
        key = (n, dtype)
        arrays = self._by_len.get(key)
        if arrays is None:
            if len(self._by_len) >= self._max:
                self._by_len.pop(next(iter(self._by_len)))
            arrays = self._by_len[key] = {}
        a = arrays.get(name)
        if a is None:
            a = arrays[name] = np.empty(n, dtype=dtype)
        return a


_work = _WorkArrays()


def _work_len(*arrays) -> int:
    """Length for work arrays if the broadcast shape is one long dimension, else 0 (allocate normally)."""
    shape = np.broadcast_shapes(*(np.shape(a) for a in arrays))
    return shape[0] if len(shape) == 1 and shape[0] >= WORK_MIN_LEN else 0


class ModelCode(IntEnum):
    """Integer code of an ageing model, stored per battery (``int8`` array)."""

    NMC622 = 0
    LFP = 1
    LMO_2NDLIFE = 2
    LMO_LEAF = 3


MODEL_NAMES: dict[str, ModelCode] = {
    "nmc622": ModelCode.NMC622,
    "lfp": ModelCode.LFP,
    "lmo_2ndlife": ModelCode.LMO_2NDLIFE,
    "lmo_leaf": ModelCode.LMO_LEAF,
}


def arrhenius(temp_k: np.ndarray, ea_j_per_mol: float, t_ref_k: float = T_REF_K) -> np.ndarray:
    """Arrhenius factor ``exp(-Ea/R (1/T - 1/Tref))`` (1 at the reference temperature)."""
    return np.exp(-(ea_j_per_mol / R_GAS_J_PER_MOL_K) * (1.0 / temp_k - 1.0 / t_ref_k))


def arrhenius_effective_temp_k(
    temp_k: np.ndarray, weights: np.ndarray | None = None, ea_j_per_mol: float = 37000.0, axis: int = -1
) -> np.ndarray:
    """Temperature whose Arrhenius factor equals the (weighted) mean factor of ``temp_k``.

    BLAST-Lite's NMC622 model uses the plain mean of a window's temperatures; this is for callers
    that want the Arrhenius-weighted alternative (default activation energy: NMC622 calendar).
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


@dataclass(frozen=True)
class LmoLeafParams:
    """First life of LMO-blend Leaf packs (``lmo_leaf``): the second-life Leaf-cell kinetics with a
    fleet-derived calendar magnitude and time exponent. Losses relative to new capacity.

    ``b_cal_k``, ``c_cal_k``: temperature and SOC terms of the Leaf-cell calendar fit (Braco et al. via
    BLAST-Lite). ``a_cyc``, ``p_cyc``: the same fit's throughput law restated per new capacity (Ah lost
    per Ah moved unchanged: ``a_cyc = 7.58e-5 (66/46)**0.08``). ``a_cal``, ``p_cal``: derived so that
    packs under reference use reproduce the 24 kWh Leaf fleet survey of Myall et al. (2018);
    derivation in :mod:`simcore.battery.lmo_leaf`, values in scenarios/data/battery/lmo_leaf_law.csv.
    """

    a_cal: float
    b_cal_k: float
    c_cal_k: float
    p_cal: float
    a_cyc: float
    p_cyc: float


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
    """LFP calendar coefficient ``k_cal`` (loss per day**0.526), from temperature and anode potential:
    ``|p1| exp((p2 + p3 Ua(soc)) / T)``; Ua as :func:`graphite_anode_potential_v`, written out so that
    long inputs can use work arrays (the same operations in the same order either way)."""
    shape = np.broadcast_shapes(np.shape(temp_k), np.shape(soc))
    n = _work_len(temp_k, soc)
    buf = (lambda name: _work(n, name)) if n else (lambda name: None)
    soc1 = np.broadcast_to(soc, shape).reshape(-1) if not n else soc
    x = np.multiply(soc1, 0.78 - 0.0085, out=buf("lfp.x"))
    x += 0.0085
    ua = np.multiply(x, -305.5309, out=buf("lfp.ua"))
    np.exp(ua, out=ua)
    ua *= 0.5416
    ua += 0.6379
    t = buf("lfp.t")
    for shift, scale, coef in ((0.1958, -0.1088, 0.044), (1.0571, 0.0854, -0.1978), (-0.0117, 0.0529, -0.6875),
                               (0.5692, 0.0875, -0.0175)):
        t = np.subtract(x, shift, out=t)
        t *= 1.0 / scale
        np.tanh(t, out=t)
        t *= coef
        ua += t
    ua *= p.p3_k_per_v
    ua += p.p2_k
    ua /= np.broadcast_to(temp_k, shape).reshape(-1) if not n else temp_k
    np.exp(ua, out=ua)
    out = ua * abs(p.p1)
    return out if n else out.reshape(shape)


def lfp_cyc_rate(temp_k: np.ndarray, dod: np.ndarray, c_rate_avg: np.ndarray, p: LfpParams = LFP) -> np.ndarray:
    """LFP cycle coefficient ``k_cyc`` (loss per EFC**0.828); ``c_rate_avg`` is the time-averaged |C|."""
    return (p.p4 + p.p5 * dod + p.p6_h * c_rate_avg) * (np.exp(p.p7_k / temp_k) + np.exp(-p.p8_k / temp_k))


def lmo2nd_cal_rate(temp_k: np.ndarray, soc: np.ndarray, p: Lmo2ndLifeParams | LmoLeafParams = LMO_2NDLIFE) -> np.ndarray:
    """LMO calendar coefficient ``A exp(B/T) exp(C soc/T)`` (loss per day**p_cal); both LMO models."""
    return p.a_cal * np.exp(p.b_cal_k / temp_k) * np.exp(p.c_cal_k * soc / temp_k)


# ----------------------------------------------------------------------------------------------
# Laws: one record per model for both paths


@dataclass(frozen=True)
class AgeingLaw:
    """What a model needs from a window: calendar coefficient from (T, SOC); cycle coefficient from
    (T, SOC, calendar coefficient) — the part ``cyc_prep`` computes once — and (DOD, charging C-rate,
    mean |C-rate|) — the part ``cyc_eval`` evaluates, several times for several anchors; the two
    power-law exponents.

    ``per_sample``: BLAST-Lite averages this model's rates over the window's samples (True: LFP, LMO)
    rather than evaluating them at the window's mean SOC and temperature (False: NMC622).
    """

    cal: Callable[[np.ndarray, np.ndarray], np.ndarray]
    cyc_prep: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple]
    cyc_eval: Callable[..., np.ndarray]
    p_cal: float
    p_cyc: float
    per_sample: bool
    cal_and_prep: Callable[[np.ndarray, np.ndarray], tuple] | None = None  # both at once (shared terms), optional

    def cyc(self, temp_k, soc, dod, c_chg, c_mean, k_cal) -> np.ndarray:
        """Cycle coefficient (loss per EFC**p_cyc)."""
        return self.cyc_eval(self.cyc_prep(temp_k, soc, k_cal), dod, c_chg, c_mean)

    def cal_prep(self, temp_k, soc) -> tuple[np.ndarray, tuple]:
        """Calendar coefficient and the cycle law's (T, SOC) part."""
        if self.cal_and_prep is not None:
            return self.cal_and_prep(temp_k, soc)
        k_cal = self.cal(temp_k, soc)
        return k_cal, self.cyc_prep(temp_k, soc, k_cal)


def _nmc622_prep(temp_k, soc, k_cal, p: Nmc622Params = NMC622):
    inv = 1.0 / temp_k - 1.0 / T_REF_K
    a1 = p.b1n_0 * np.exp(-(p.b1n_ea1_j_per_mol / R_GAS_J_PER_MOL_K) * inv) * (1.0 + p.b1n_1 * soc)
    a2 = p.b1n_3 * np.exp(-(p.b1n_ea2_j_per_mol / R_GAS_J_PER_MOL_K) * inv)
    return a1, a2, k_cal * p.b1n_4


def _nmc622_cal_and_prep(temp_k, soc, p: Nmc622Params = NMC622):
    """``nmc622_cal_rate`` and ``_nmc622_prep`` sharing 1/T (the fast path's hot loop; same numbers).

    For long arrays the results live in work arrays, valid until the next call of the same length.
    """
    n = _work_len(temp_k, soc)
    hot = np.max(temp_k) > 328.15
    if not n:
        inv = 1.0 / temp_k - 1.0 / T_REF_K
        poly = p.b1t_0 + soc * (p.b1t_1 + soc * (p.b1t_2 + soc * p.b1t_3) + p.b1t_4_per_k * temp_k)
        if hot:
            poly = poly + p.b1t_5_per_k * np.maximum(0.0, temp_k - 328.15)
        k_cal = np.maximum(0.0, np.exp(inv * -(p.b1t_ea_j_per_mol / R_GAS_J_PER_MOL_K)) * poly)
        a1 = np.exp(inv * -(p.b1n_ea1_j_per_mol / R_GAS_J_PER_MOL_K)) * (p.b1n_0 + (p.b1n_0 * p.b1n_1) * soc)
        a2 = p.b1n_3 * np.exp(inv * -(p.b1n_ea2_j_per_mol / R_GAS_J_PER_MOL_K))
        return k_cal, (a1, a2, k_cal * p.b1n_4)
    inv = np.divide(1.0, temp_k, out=_work(n, "nmc.inv"))
    inv -= 1.0 / T_REF_K
    u = _work(n, "nmc.u")
    poly = np.multiply(soc, p.b1t_3, out=_work(n, "nmc.poly"))
    poly += p.b1t_2
    poly *= soc
    poly += p.b1t_1
    poly += np.multiply(temp_k, p.b1t_4_per_k, out=u)
    poly *= soc
    poly += p.b1t_0
    if hot:
        np.subtract(temp_k, 328.15, out=u)
        np.maximum(u, 0.0, out=u)
        u *= p.b1t_5_per_k
        poly += u
    k_cal = np.multiply(inv, -(p.b1t_ea_j_per_mol / R_GAS_J_PER_MOL_K), out=_work(n, "nmc.kcal"))
    np.exp(k_cal, out=k_cal)
    k_cal *= poly
    np.maximum(k_cal, 0.0, out=k_cal)
    a1 = np.multiply(inv, -(p.b1n_ea1_j_per_mol / R_GAS_J_PER_MOL_K), out=_work(n, "nmc.a1"))
    np.exp(a1, out=a1)
    np.multiply(soc, p.b1n_0 * p.b1n_1, out=u)
    u += p.b1n_0
    a1 *= u
    a2 = np.multiply(inv, -(p.b1n_ea2_j_per_mol / R_GAS_J_PER_MOL_K), out=_work(n, "nmc.a2"))
    np.exp(a2, out=a2)
    a2 *= p.b1n_3
    return k_cal, (a1, a2, np.multiply(k_cal, p.b1n_4, out=_work(n, "nmc.kc")))


def _nmc622_eval(prep, dod, c_chg, c_mean, p: Nmc622Params = NMC622):
    """b1t * b1N * b1N_4 (a fresh array); the stress uses the charging C-rate, or the mean |C-rate| in a
    window without charging (BLAST-Lite)."""
    a1, a2, kc = prep
    c = c_chg if np.min(c_chg) > 0 else np.where(c_chg > 0, c_chg, c_mean)
    n = _work_len(dod, c, a1)
    if not n:
        d3 = dod * dod * dod
        return kc * (np.maximum(0.0, a1 * np.sqrt(dod * c) + p.b1n_2) + a2 * (d3 * d3))
    x = np.multiply(dod, c, out=_work(n, "nmce.x"))
    np.sqrt(x, out=x)
    x *= a1
    x += p.b1n_2
    np.maximum(x, 0.0, out=x)
    d = np.multiply(dod, dod, out=_work(n, "nmce.d"))
    d *= dod
    np.multiply(d, d, out=d)
    d *= a2
    x += d
    return np.multiply(x, kc)


def _lfp_prep(temp_k, soc, k_cal, p: LfpParams = LFP):
    return (np.exp(p.p7_k / temp_k) + np.exp(-p.p8_k / temp_k),)


def _lfp_eval(prep, dod, c_chg, c_mean, p: LfpParams = LFP):
    return (p.p4 + p.p5 * dod + p.p6_h * c_mean) * prep[0]


def _const_prep(temp_k, soc, k_cal):
    return ()


def _const_eval(a_cyc: float):
    def cyc_eval(prep, dod, c_chg, c_mean):
        return np.full(np.shape(dod), a_cyc)

    return cyc_eval


def _lmo_leaf_params() -> LmoLeafParams:
    from .lmo_leaf import load_law

    return load_law()


class _Laws(dict):
    """Model code -> :class:`AgeingLaw`; the ``lmo_leaf`` law is read from its data file on first use."""

    def __missing__(self, code: int) -> AgeingLaw:
        if code != int(ModelCode.LMO_LEAF):
            raise KeyError(code)
        p = _lmo_leaf_params()
        law = AgeingLaw(lambda t, s, p=p: lmo2nd_cal_rate(t, s, p), _const_prep, _const_eval(p.a_cyc), p.p_cal, p.p_cyc, True)
        self[code] = law
        return law


LAWS: dict[int, AgeingLaw] = _Laws(
    {
        int(ModelCode.NMC622): AgeingLaw(nmc622_cal_rate, _nmc622_prep, _nmc622_eval, NMC622.p_cal, NMC622.p_cyc, False,
                                         _nmc622_cal_and_prep),
        int(ModelCode.LFP): AgeingLaw(lfp_cal_rate, _lfp_prep, _lfp_eval, LFP.p_cal, LFP.p_cyc, True),
        int(ModelCode.LMO_2NDLIFE): AgeingLaw(
            lmo2nd_cal_rate, _const_prep, _const_eval(LMO_2NDLIFE.a_cyc), LMO_2NDLIFE.p_cal, LMO_2NDLIFE.p_cyc, True),
    }
)


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
        n = _work_len(y, k, dx)
        if not n or k.shape != (n,):
            return np.sqrt(y * y + k * k * np.maximum(dx, 0.0))
        out = np.multiply(k, k)  # the result: a fresh array
        if dx.ndim:
            out *= np.maximum(dx, 0.0, out=_work(n, "aps.dx"))
        else:
            out *= max(float(dx), 0.0)
        out += np.multiply(y, y, out=_work(n, "aps.y2"))
        return np.sqrt(out, out=out)
    if k.size and np.min(k) > 0 and np.min(dx) > 0:  # every battery advances: no masking needed
        return k * ((y / k) ** (1.0 / p) + dx) ** p
    active = (k > 0) & (dx > 0)
    k_safe = np.where(active, k, 1.0)
    x_eq = (y / k_safe) ** (1.0 / p)
    y_new = k_safe * (np.maximum(x_eq, 0.0) + np.maximum(dx, 0.0)) ** p
    return np.where(active, np.maximum(y_new, y), y)


@dataclass
class DailyStressors:
    """Per-step (normally one day) stress aggregates; each field a scalar or an array over batteries.

    SOC fields are fractions of the *nominal* capacity, as the fleet simulates them; the ageing
    step rescales them to the current capacity (see the module docstring).

    ``temp_c``: mean cell temperature. ``efc``: equivalent full cycles (sum of |dSOC| / 2).
    ``c_chg``: mean charging C-rate while charging (1/h; 0 if no charging). Optional shape of the
    day, used by conservation mode (defaults: ``soc_max = min(1, soc_mean + dod/2)``, ``soc_var`` of
    a SOC spread evenly over the day's range, ``charge_steps`` = many): ``soc_max`` highest SOC,
    ``soc_var`` time-variance of SOC, ``charge_steps`` the number of samples (ticks) the charging took.
    """

    soc_mean: np.ndarray | float
    temp_c: np.ndarray | float
    dod: np.ndarray | float
    efc: np.ndarray | float
    c_chg: np.ndarray | float
    dt_days: np.ndarray | float = 1.0
    soc_max: np.ndarray | float | None = None
    soc_var: np.ndarray | float | None = None
    charge_steps: np.ndarray | float | None = None

    def take(self, rows: np.ndarray) -> "DailyStressors":
        """The stressors of the selected batteries (array fields indexed, scalars and None kept)."""
        pick = lambda v: v[rows] if np.ndim(v) else v  # noqa: E731
        return DailyStressors(**{f: pick(getattr(self, f)) for f in _ALL_FIELDS})


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


def _as_array(x, n: int) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        return np.broadcast_to(a, (n,))
    if a.shape != (n,):
        raise ValueError(f"stressor array of shape {a.shape} for {n} batteries; expected a scalar or shape ({n},)")
    return a


_FIELDS = ("temp_c", "soc_mean", "dod", "efc", "c_chg", "dt_days", "soc_max", "soc_var", "charge_steps")
_ALL_FIELDS = ("soc_mean", "temp_c", "dod", "efc", "c_chg", "dt_days", "soc_max", "soc_var", "charge_steps")


def age_batteries(
    state: AgeingState,
    stressors: DailyStressors,
    groups: dict[int, np.ndarray | slice] | None = None,
    *,
    conserve_energy: bool = True,
) -> AgeingState:
    """Fast path: age every battery in ``state`` by one step of ``stressors``; returns a new state.

    Plain numpy in, plain numpy out; one call per simulated day for a whole fleet. Mixed chemistries
    are handled per model code; pass ``groups`` (model code -> row indices, e.g. cached by the
    caller) to skip finding them every call. ``conserve_energy`` selects BLAST-Lite's mode: True
    (its default) deepens SOC swings as the cell fades; False keeps them and counts fewer cycles.
    """
    n = state.q_loss_cal.shape[0]
    args = _stress_arrays(stressors, n)
    codes = state.model_code
    if n and groups is None and codes.min() == codes.max():
        new_cal, new_cyc = _advance(LAWS[int(codes[0])], state.q_loss_cal, state.q_loss_cyc, args, conserve_energy)
        return replace(state, q_loss_cal=new_cal, q_loss_cyc=new_cyc)
    if groups is None:
        groups = model_groups(codes)
    # groups covering every row (as model_groups gives) fill fresh arrays; otherwise untouched rows keep their state
    covered = sum((g.stop - g.start) if isinstance(g, slice) else g.size for g in groups.values()) == n
    new_cal = np.empty(n) if covered else np.array(state.q_loss_cal, dtype=float)
    new_cyc = np.empty(n) if covered else np.array(state.q_loss_cyc, dtype=float)
    for code, rows in groups.items():
        sub = {k: (None if v is None else _select(v, rows)) for k, v in args.items()}
        new_cal[rows], new_cyc[rows] = _advance(
            LAWS[int(code)], _select(state.q_loss_cal, rows), _select(state.q_loss_cyc, rows), sub, conserve_energy)
    return replace(state, q_loss_cal=new_cal, q_loss_cyc=new_cyc)


def _stress_arrays(s: DailyStressors, n: int) -> dict[str, np.ndarray | None]:
    out: dict[str, np.ndarray | None] = {}
    for name in _FIELDS:
        v = getattr(s, name)
        out[name] = None if v is None else _as_array(v, n)
    return out


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


def anchor_levels(soc_min, soc_max, soc_mean, soc_var):
    """Three SOC levels (min, middle, max) and their time weights matching the day's mean and variance.

    They stand for the day's SOC distribution, from which a window's first sample (the anchor of the
    conservation-mode stretch) is drawn. Returns ``(levels, weights)``, each a list of three arrays.
    """
    span = soc_max - soc_min
    safe = np.where(span > 0, span, 1.0)
    x = np.clip((soc_mean - soc_min) / safe, 0.0, 1.0)
    s2 = (soc_var + (soc_mean - soc_min) ** 2) / (safe * safe)
    # second moment a {0, 1/2, 1} distribution with mean x can take
    s2 = np.clip(s2, np.maximum(0.5 * x, 1.5 * x - 0.5), x)
    w_mid = 4.0 * (x - s2)
    w_top = 2.0 * s2 - x
    w_bot = 1.0 - w_mid - w_top
    flat = span <= 0
    w_mid = np.where(flat, 1.0, w_mid)
    w_top = np.where(flat, 0.0, w_top)
    w_bot = np.where(flat, 0.0, w_bot)
    return [soc_min, 0.5 * (soc_min + soc_max), soc_max], [w_bot, w_mid, w_top]


def _compact(a: np.ndarray | None) -> np.ndarray | float | None:
    """A broadcast scalar (stride 0) as a float, so elementwise maths on it costs nothing per battery."""
    if a is None or np.ndim(a) == 0:
        return None if a is None else float(a)
    if a.size and a.strides == (0,):
        return float(a.flat[0])
    return a


#: relative capacities at which a uniform duty's cycle terms are tabulated (see _advance)
Q_TABLE = np.linspace(MIN_Q, 1.0, 16385)
#: rows from which a uniform duty is aged through the table rather than row by row
TABLE_MIN_ROWS = 50_000


def _interp_on_q_table(q: np.ndarray, tables: tuple[tuple[np.ndarray, np.ndarray], ...]) -> list[np.ndarray]:
    """Linear interpolation of tables given at :data:`Q_TABLE` as (values, slope to the next point)
    pairs (uniform: the cell is found by arithmetic, not by a search as in ``np.interp``); ``q``
    outside the table takes its end values."""
    h = (Q_TABLE[-1] - Q_TABLE[0]) / (Q_TABLE.size - 1)
    pos = np.subtract(q, Q_TABLE[0])
    pos /= h
    np.clip(pos, 0.0, Q_TABLE.size - 1, out=pos)
    cell = pos.astype(np.intp)
    np.minimum(cell, Q_TABLE.size - 2, out=cell)
    pos -= cell  # the fraction of the cell
    out = []
    for values, slopes in tables:
        value = np.take(slopes, cell)
        value *= pos
        value += np.take(values, cell)
        out.append(value)
    return out


def _with_slopes(table: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A table at :data:`Q_TABLE` as (values, slope to the next point; 0 at the end)."""
    values = np.array(np.broadcast_to(np.asarray(table, dtype=float), Q_TABLE.shape))
    slopes = np.zeros_like(values)
    slopes[:-1] = np.diff(values)
    return values, slopes


_TABLES: dict[tuple, tuple[tuple[np.ndarray, np.ndarray], ...]] = {}


def _q_tables(law: AgeingLaw, k_cal: float, prep: tuple, a: dict, conserve: bool
              ) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Cycle coefficient, effective cycles and (with energy conservation, where it depends on ``q``)
    the calendar coefficient at every :data:`Q_TABLE` point for one uniform duty, with slopes for
    :func:`_interp_on_q_table` (kept for the duty's next step: second-life applications repeat theirs)."""
    duty = {k: (None if v is None else _compact(v)) for k, v in a.items()}
    key = (id(law), conserve, tuple(sorted(duty.items())))
    tables = _TABLES.get(key)
    if tables is None:
        if len(_TABLES) > 64:
            _TABLES.clear()
        k_tab, x_tab, kc_tab = _cycle_terms(law, k_cal, prep, Q_TABLE.copy(), duty, conserve, None)
        parts = (k_tab, x_tab) if kc_tab is None or not conserve else (k_tab, x_tab, kc_tab)
        tables = _TABLES[key] = tuple(_with_slopes(t) for t in parts)
    return tables


def _uniform(a: dict) -> bool:
    """Whether every stressor is the same for all rows (scalars, or broadcast scalars)."""
    return all(v is None or np.ndim(_compact(v)) == 0 for v in a.values())


def _advance(law: AgeingLaw, cal: np.ndarray, cyc: np.ndarray, a: dict, conserve: bool):
    """Advance one model group by one step (see the module docstring for the window transform).

    A large group under one duty (second-life units of an application, stored packs) has cycle terms
    that depend on a row's state only through its relative capacity ``q``: they are worked out on
    :data:`Q_TABLE` and interpolated (linear, 16385 points), which spares the per-row evaluation of the
    law and of the clipped anchors. The cycle loss added in a step then differs from the row-by-row
    value by at most about 1e-4 of itself (where clipping sets in; tests/simcore/battery/test_ageing.py).
    """
    n = _work_len(cal, a["efc"])
    w = (lambda name, dtype=np.float64: _work(n, name, dtype)) if n else (lambda name, dtype=np.float64: None)
    temp_c = _compact(a["temp_c"])
    temp_k = np.add(temp_c, KELVIN, out=w("adv.tk")) if np.ndim(temp_c) else temp_c + KELVIN
    soc, dt = _compact(a["soc_mean"]), _compact(a["dt_days"])
    k_cal, prep = law.cal_prep(temp_k, soc)
    q = np.subtract(1.0, cal, out=w("adv.q"))
    q -= cyc
    np.maximum(q, MIN_Q, out=q)
    if np.size(q) >= TABLE_MIN_ROWS and _uniform(a):
        k_cyc, x_eff, *k_cal_tab = _interp_on_q_table(q, _q_tables(law, float(k_cal), prep, a, conserve))
        k_cal = k_cal_tab[0] if k_cal_tab else k_cal
    else:
        k_cyc, x_eff, k_cal_eff = _cycle_terms(law, k_cal, prep, q, a, conserve, w)
        k_cal = k_cal if k_cal_eff is None else k_cal_eff
    new_cal = advance_power_state(cal, dt, k_cal, law.p_cal)
    return new_cal, advance_power_state(cyc, x_eff, k_cyc, law.p_cyc)


def _cycle_terms(law: AgeingLaw, k_cal, prep: tuple, q: np.ndarray, a: dict, conserve: bool, w) -> tuple:
    """Cycle coefficient, effective cycle count and calendar coefficient (None: ``k_cal`` unchanged) of
    one step for rows at relative capacity ``q``."""
    soc, dod, efc = _compact(a["soc_mean"]), _compact(a["dod"]), a["efc"]
    c_chg, dt = _compact(a["c_chg"]), _compact(a["dt_days"])
    if np.ndim(efc) == 0:
        efc = np.broadcast_to(np.asarray(efc, dtype=float), q.shape)
    n = _work_len(q, efc) if w is not None else 0  # 0: fresh arrays (no shared work arrays)
    if not n:
        w = lambda name, dtype=np.float64: None  # noqa: E731
    # mean |C-rate| over the step
    if np.ndim(dt) == 0:
        c_mean = np.multiply(efc, 2.0 / HOURS_PER_DAY / max(dt, 1e-12), out=w("adv.cmean"))
    else:
        c_mean = efc * (2.0 / HOURS_PER_DAY) / np.maximum(dt, 1e-12)
    if not conserve:
        # the same SOC swing moves fewer ampere-hours of a faded cell
        return law.cyc_eval(prep, dod, c_chg * q, c_mean * q), efc * q, None
    r = np.divide(1.0, q, out=w("adv.r"))
    soc_max = _compact(a["soc_max"])
    if soc_max is None and n:
        soc_max = np.multiply(dod, 0.5, out=w("adv.smax"))
        soc_max += soc
        np.minimum(soc_max, 1.0, out=soc_max)
    elif soc_max is None:
        soc_max = np.minimum(1.0, soc + 0.5 * dod)
    swing = np.multiply(r, dod, out=w("adv.swing"))
    k_cyc = law.cyc_eval(prep, swing, c_chg, c_mean)  # rows whose swing leaves [0, 1] are redone below
    # where some anchor would stretch the swing past 1 (anchor at the day's low) or below 0 (anchor at
    # its high), follow the clipping per anchor level
    top = np.subtract(swing, dod, out=w("adv.top"))
    top += soc_max
    mask = np.greater(top, 1.0, out=w("adv.mask", np.bool_))
    mask |= np.less(soc_max, swing, out=w("adv.mask2", np.bool_))
    # more than WINDOW_MAX_EFC a day: BLAST-Lite's windows close on cycle ends, so they start at the
    # day's turning points and the stretch about them shifts the mean SOC even when nothing clips
    busy = np.greater(efc, WINDOW_MAX_EFC * dt if np.ndim(dt) else WINDOW_MAX_EFC * max(dt, 0.0), out=w("adv.mask3", np.bool_))
    mask |= busy
    clipped = np.flatnonzero(mask)
    if clipped.size == 0:
        return k_cyc, efc, None
    sub = lambda v: v.take(clipped) if np.ndim(v) else v  # noqa: E731
    var, steps = _compact(a["soc_var"]), _compact(a["charge_steps"])
    temp_c = _compact(a["temp_c"])
    dod_c, max_c = sub(dod), sub(soc_max)
    k_rows, x_rows, kcal_rows = _clipped_rates(
        law, sub(temp_c) + KELVIN, sub(soc), dod_c, sub(efc), sub(c_chg), sub(c_mean),
        np.maximum(max_c - dod_c, 0.0), max_c, None if var is None else sub(var), None if steps is None else sub(steps),
        sub(r), busy.take(clipped))
    if np.shape(k_cyc) != np.shape(efc):
        k_cyc = np.array(np.broadcast_to(k_cyc, np.shape(efc)), dtype=float)  # else a fresh array: fill it
    x_eff = np.copyto(w("adv.xeff"), efc) if n else np.array(efc, dtype=float)
    x_eff = w("adv.xeff") if n else x_eff
    k_cal_eff = np.copyto(w("adv.kcal"), np.broadcast_to(k_cal, np.shape(efc))) if n else \
        np.array(np.broadcast_to(k_cal, np.shape(efc)), dtype=float)
    k_cal_eff = w("adv.kcal") if n else k_cal_eff
    k_cyc[clipped] = k_rows
    x_eff[clipped] = x_rows
    k_cal_eff[clipped] = kcal_rows
    return k_cyc, x_eff, k_cal_eff


def soc_shape(soc_min, soc_max, soc_mean, soc_var):
    """A day's SOC distribution as atoms at its minimum, middle and maximum plus a uniform part over
    its range, matching the mean and variance: ``(p_min, p_mid, p_max, p_uniform)``.

    Cycling days (ramps between plateaus at the ends) take atoms at the ends plus the uniform part; a
    day whose SOC is more concentrated than that takes the three atoms of :func:`anchor_levels`.
    """
    span = soc_max - soc_min
    safe = np.where(span > 0, span, 1.0)
    x = np.clip((soc_mean - soc_min) / safe, 0.0, 1.0)
    s2 = np.clip((soc_var + (soc_mean - soc_min) ** 2) / (safe * safe), x * x, x)
    u = 6.0 * (x - s2)
    p_hi = 3.0 * s2 - 2.0 * x
    p_lo = 1.0 - u - p_hi
    ok = (u <= 1.0) & (p_hi >= 0.0) & (p_lo >= 0.0) & (span > 0)
    if ok.all():
        return p_lo, np.zeros_like(x), p_hi, u
    # three atoms (as anchor_levels): second moment a {0, 1/2, 1} distribution with mean x can take
    s2 = np.clip(s2, np.maximum(0.5 * x, 1.5 * x - 0.5), x)
    w_mid = np.where(span > 0, 4.0 * (x - s2), 1.0)
    w_hi = np.where(span > 0, 2.0 * s2 - x, 0.0)
    w_lo = 1.0 - w_mid - w_hi
    return (np.where(ok, p_lo, w_lo), np.where(ok, 0.0, w_mid), np.where(ok, p_hi, w_hi), np.where(ok, u, 0.0))


#: where the anchors sit in a day's SOC range: its ends and the midpoints of the thirds of the uniform part
_ANCHOR_Z = np.array([0.0, 1.0 / 6.0, 0.5, 5.0 / 6.0, 1.0])[:, None]


def _clip_integral(y):
    """Antiderivative of ``clip(y, 0, 1)``: 0 below 0, ``y**2 / 2`` up to 1, ``y - 1/2`` above."""
    c = np.clip(y, 0.0, 1.0)
    return 0.5 * c * c + np.maximum(y - 1.0, 0.0)


def _clipped_rates(law, temp_k, soc, dod, efc, c_chg, c_mean, soc_min, soc_max, var, steps, r, busy):
    """Cycle coefficient, cycle count and calendar coefficient of stretched rows, averaged over anchors.

    Anchors (a window's first sample, about which the stretch is made): on days of at most
    :data:`WINDOW_MAX_EFC` a day (``busy`` False) BLAST-Lite's windows close by time and drift through the day, so the anchor
    is drawn from the day's SOC distribution (:func:`soc_shape`, its uniform part at three points); on
    busier days they close on rainflow cycle ends, so they start at the day's turning points (minimum
    and maximum, half each). Per anchor ``a``: the day's SOC distribution is stretched to
    ``a + r (s - a)`` and clipped to [0, 1]; its mean is the SOC both laws are evaluated at, its range
    the DOD; the cycles counted shrink by the clipped share ``f`` and so does the charging rate when
    the charge came in few samples (a partly clipped sample charges less in the same time). Effective
    coefficients satisfy ``k_eff**(1/p) x = sum_j w_j k_j**(1/p) x_j`` (the exact sum of the anchors'
    state increments for p = 0.5). The five anchors are evaluated together as (5, rows) arrays.
    """
    if var is None:
        var = dod * dod / 12.0  # SOC spread evenly over the day's range
    m = np.shape(efc)
    soc_min, soc_max = np.broadcast_to(soc_min, m), np.broadcast_to(soc_max, m)
    p_lo, p_mid, p_hi, p_u = soc_shape(soc_min, soc_max, soc, var)
    span = soc_max - soc_min
    w = np.empty((5,) + m)
    w[0], w[4] = p_lo, p_hi
    w[1] = w[3] = p_u / 3.0
    w[2] = p_mid + w[1]
    if np.any(busy):
        w[:, busy] = np.array([0.5, 0.0, 0.0, 0.0, 0.5])[:, None]
    lvl = soc_min + _ANCHOR_Z * span  # (5, rows)
    one_r = 1.0 - r
    lo_s = one_r * lvl + r * soc_min  # stretched ends, unclipped
    hi_s = one_r * lvl + r * soc_max
    lo = np.maximum(lo_s, 0.0)
    hi = np.minimum(hi_s, 1.0)
    dod_j = hi - lo
    rd = r * dod
    f = dod_j / np.where(rd > 0, rd, 1.0)
    width = hi_s - lo_s
    wide = width > 1e-12
    u_mean = np.where(wide, (_clip_integral(hi_s) - _clip_integral(lo_s)) / np.where(wide, width, 1.0), lo)
    soc_j = p_lo * lo + p_hi * hi + p_u * u_mean
    if np.any(p_mid):
        soc_j += p_mid * np.clip(0.5 * (lo_s + hi_s), 0.0, 1.0)
    if steps is None:
        g = 1.0
    else:
        part = f * steps
        g = np.where((f < 1.0) & (part > 0), part / np.maximum(np.ceil(part - 1e-9), 1.0), 1.0)
    # temperature is the same for every anchor: (1, rows), so its Arrhenius factors are taken once per row
    k_cal_j, prep_j = law.cal_prep(np.reshape(np.broadcast_to(temp_k, m), (1,) + m), soc_j)
    k_j = law.cyc_eval(prep_j, dod_j, c_chg * g, c_mean * f)
    wx = w * (efc * f)
    x_tot = wx.sum(axis=0)
    num = (wx * k_j ** (1.0 / law.p_cyc)).sum(axis=0)
    k_eff = np.where(x_tot > 0, (num / np.where(x_tot > 0, x_tot, 1.0)) ** law.p_cyc, 0.0)
    k_cal = ((w * np.asarray(k_cal_j) ** (1.0 / law.p_cal)).sum(axis=0)) ** law.p_cal
    return k_eff, x_tot, k_cal


def v2g_extra_loss(
    state: AgeingState,
    with_v2g: list[DailyStressors] | DailyStressors,
    without_v2g: list[DailyStressors] | DailyStressors,
    *,
    conserve_energy: bool = True,
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
        a = age_batteries(a, sw, conserve_energy=conserve_energy)
        b = age_batteries(b, so, conserve_energy=conserve_energy)
    return b.q - a.q
