"""State-of-health estimation: EIS-like measurement fused with the usage-history model, per battery.

Two independent sources for each quantity (pack capacity, each module's capacity, cathode health):

(a) a measurement (impedance-spectroscopy-like test of every module): unbiased, Gaussian error with
    ``sigma_pct`` (default 2.5 % of nominal capacity) at the reference test time; longer tests average
    noise down as ``sqrt(reference / test time)``. Part of the error variance is common to all
    modules of a pack (calibration, pack temperature), the rest independent per module;
(b) the ageing model run on the battery's usage history: it knows the nominal model loss but not
    the battery's own deviation, modelled as a lognormal factor on the loss; its prediction is the
    mean of that distribution and its sigma the distribution's spread (plus a floor for
    manufacturing spread).

Estimates are fused by inverse variance. The target accuracy of the cathode-state estimate in the
reference programme is +-5 % (reference document 000_b10c7a553a741295.txt, 正極健全度推定精度), reached
there by combining impedance measurement with usage history — the same structure as here.

Cathode health: remaining capacity of the cathode active material (1 = new). Assumption: loss of
cathode active material makes up ``cycle_share`` of the cycling fade (particle cracking, the
mechanism Smith et al. 2021 attribute cycle fade to) and ``calendar_share`` of the calendar fade
(mostly lithium inventory loss at the anode, which does not damage the cathode).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CathodeShares:
    """Share of each fade mode that is cathode active-material loss (assumption, see module doc)."""

    calendar_share: float = 0.1
    cycle_share: float = 0.4


CATHODE_SHARES = CathodeShares()


def cathode_loss(q_loss_cal: np.ndarray, q_loss_cyc: np.ndarray, shares: CathodeShares = CATHODE_SHARES) -> np.ndarray:
    """Nominal cathode capacity loss implied by the two model loss states."""
    return shares.calendar_share * q_loss_cal + shares.cycle_share * q_loss_cyc


def true_cathode_health(q_loss_cal, q_loss_cyc, fade_scalar, cathode_scalar, shares: CathodeShares = CATHODE_SHARES) -> np.ndarray:
    """True cathode health given the hidden per-battery factors."""
    return np.clip(1.0 - fade_scalar * cathode_scalar * cathode_loss(q_loss_cal, q_loss_cyc, shares), 0.0, 1.0)


@dataclass(frozen=True)
class MeasurementModel:
    """EIS-like grading test."""

    sigma_pct: float = 2.5  # capacity error (% of nominal) per module at the reference test time
    cathode_sigma_pct: float = 2.5  # cathode-health error (% points) at the reference test time
    test_time_min_per_module: float = 10.0
    reference_test_time_min: float = 10.0
    common_variance_share: float = 0.5  # assumption: half of the error variance is shared by a pack's modules

    def scale(self) -> float:
        """Noise multiplier from the test time (averaging: sqrt(reference / actual))."""
        if self.test_time_min_per_module <= 0:
            raise ValueError("test_time_min_per_module must be > 0")
        return float(np.sqrt(self.reference_test_time_min / self.test_time_min_per_module))


@dataclass(frozen=True)
class UsageModelError:
    """How far a battery's true fade may be from the model run on its history."""

    loss_lognormal_sigma: float = 0.15  # matches ManufacturingSpread.fade_scalar_sigma
    module_fade_sigma: float = 0.05  # matches ManufacturingSpread.module_fade_sigma
    module_floor_pct: float = 1.0  # manufacturing capacity spread of a module
    pack_floor_pct: float = 0.5
    cathode_lognormal_sigma: float = 0.25  # sqrt(0.15^2 + 0.20^2): pack deviation and cathode-share deviation
    cathode_floor_pct: float = 0.5


@dataclass
class Measurement:
    """Results of grading tests (fractions of nominal), one row per battery."""

    module_soh: np.ndarray  # batteries x modules
    cathode_health: np.ndarray
    test_time_min: np.ndarray


@dataclass
class SohEstimate:
    """Fused estimates and their 1-sigma uncertainties (fractions of nominal), plus the parts."""

    pack_soh: np.ndarray
    pack_sigma: np.ndarray
    module_soh: np.ndarray
    module_sigma: np.ndarray
    cathode_health: np.ndarray
    cathode_sigma: np.ndarray
    test_time_min: np.ndarray
    measured_pack_soh: np.ndarray
    measured_pack_sigma: np.ndarray
    model_pack_soh: np.ndarray
    model_pack_sigma: np.ndarray


def measure(
    true_module_soh: np.ndarray, true_cathode_health: np.ndarray, rng: np.random.Generator, mm: MeasurementModel = MeasurementModel()
) -> Measurement:
    """Simulate the grading test on batteries whose true module SOH (batteries x modules) is known."""
    true_module_soh = np.asarray(true_module_soh, dtype=float)
    n, m = true_module_soh.shape
    sigma = mm.sigma_pct / 100.0 * mm.scale()
    common = rng.standard_normal((n, 1)) * sigma * np.sqrt(mm.common_variance_share)
    own = rng.standard_normal((n, m)) * sigma * np.sqrt(1.0 - mm.common_variance_share)
    cath = true_cathode_health + rng.standard_normal(n) * mm.cathode_sigma_pct / 100.0 * mm.scale()
    return Measurement(true_module_soh + common + own, cath, np.full(n, m * mm.test_time_min_per_module))


def _lognormal_mean_sd(sigma_ln: float) -> tuple[float, float]:
    mean = float(np.exp(0.5 * sigma_ln**2))
    return mean, mean * float(np.sqrt(np.expm1(sigma_ln**2)))


def _fuse(x1, s1, x2, s2):
    """Inverse-variance fusion; an exact measurement (sigma 0) is taken as it is."""
    s1 = np.asarray(s1, dtype=float)
    exact = s1 == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        w1, w2 = 1.0 / s1**2, 1.0 / s2**2
        fused = (w1 * x1 + w2 * x2) / (w1 + w2)
        sigma = 1.0 / np.sqrt(w1 + w2)
    if exact.any():
        fused = np.where(exact, x1, fused)
        sigma = np.where(exact, 0.0, sigma)
    return fused, sigma


def model_prediction(
    q_loss_cal: np.ndarray, q_loss_cyc: np.ndarray, n_modules: int, err: UsageModelError = UsageModelError(),
    shares: CathodeShares = CATHODE_SHARES,
) -> dict[str, np.ndarray]:
    """Usage-history source alone: expected SOH values and sigmas for pack, modules, cathode."""
    loss = np.asarray(q_loss_cal) + np.asarray(q_loss_cyc)
    mean_f, sd_f = _lognormal_mean_sd(err.loss_lognormal_sigma)
    pack = 1.0 - mean_f * loss
    pack_sigma = np.hypot(sd_f * loss, err.pack_floor_pct / 100.0)
    mod_sigma = np.sqrt((sd_f * loss) ** 2 + (err.module_fade_sigma * mean_f * loss) ** 2 + (err.module_floor_pct / 100.0) ** 2)
    c_mean, c_sd = _lognormal_mean_sd(err.cathode_lognormal_sigma)
    closs = cathode_loss(q_loss_cal, q_loss_cyc, shares)
    return {
        "pack_soh": pack,
        "pack_sigma": pack_sigma,
        "module_soh": np.repeat(pack[:, None], n_modules, axis=1),
        "module_sigma": np.repeat(mod_sigma[:, None], n_modules, axis=1),
        "cathode_health": 1.0 - c_mean * closs,
        "cathode_sigma": np.hypot(c_sd * closs, err.cathode_floor_pct / 100.0),
    }


def estimate_soh(
    q_loss_cal: np.ndarray,
    q_loss_cyc: np.ndarray,
    measurement: Measurement,
    mm: MeasurementModel = MeasurementModel(),
    err: UsageModelError = UsageModelError(),
    shares: CathodeShares = CATHODE_SHARES,
) -> SohEstimate:
    """Fuse the measurement with the usage-history model (inverse variance), vectorised over batteries."""
    n, m = measurement.module_soh.shape
    model = model_prediction(q_loss_cal, q_loss_cyc, m, err, shares)
    sigma = mm.sigma_pct / 100.0 * mm.scale()
    rho = mm.common_variance_share
    meas_mod_sigma = np.full((n, m), sigma)
    meas_pack = measurement.module_soh.mean(axis=1)
    meas_pack_sigma = np.full(n, sigma * np.sqrt(rho + (1.0 - rho) / m))
    meas_cath_sigma = np.full(n, mm.cathode_sigma_pct / 100.0 * mm.scale())
    pack, pack_s = _fuse(meas_pack, meas_pack_sigma, model["pack_soh"], model["pack_sigma"])
    mod, mod_s = _fuse(measurement.module_soh, meas_mod_sigma, model["module_soh"], model["module_sigma"])
    cath, cath_s = _fuse(measurement.cathode_health, meas_cath_sigma, model["cathode_health"], model["cathode_sigma"])
    return SohEstimate(
        pack_soh=pack,
        pack_sigma=pack_s,
        module_soh=mod,
        module_sigma=mod_s,
        cathode_health=cath,
        cathode_sigma=cath_s,
        test_time_min=measurement.test_time_min,
        measured_pack_soh=meas_pack,
        measured_pack_sigma=meas_pack_sigma,
        model_pack_soh=model["pack_soh"],
        model_pack_sigma=model["pack_sigma"],
    )


def grade(store, ids: np.ndarray, rng: np.random.Generator, mm: MeasurementModel = MeasurementModel(),
          err: UsageModelError = UsageModelError()) -> SohEstimate:
    """What a grading station calls: test the packs ``ids`` of a store and fuse with their history.

    Truth enters only through the simulated measurement; the model source sees the nominal model
    state (the usage history run through the ageing model). Packs may hold different numbers of
    modules: module arrays are packs x slots, NaN in empty slots.
    """
    ids = np.asarray(ids, dtype=np.int64)
    n_mod = store.col("n_modules")[ids].astype(np.int64)
    width = int(n_mod.max()) if ids.size else 0
    parts: dict[str, np.ndarray] = {}
    for k in np.unique(n_mod).tolist():
        rows = np.flatnonzero(n_mod == k)
        sel = ids[rows]
        nominal = store.module_nominal_kwh(sel)[:, :k].astype(np.float64)
        true_mod_soh = store.module_capacity_kwh(sel)[:, :k] / nominal
        meas = measure(true_mod_soh, store.cathode_health(sel), rng, mm)
        est = estimate_soh(store.col("q_loss_cal")[sel], store.col("q_loss_cyc")[sel], meas, mm, err,
                           store.cathode_shares)
        for name, value in vars(est).items():
            if name not in parts:
                shape = (ids.size, width) if np.ndim(value) == 2 else (ids.size,)
                parts[name] = np.full(shape, np.nan)
            if np.ndim(value) == 2:
                parts[name][rows, :k] = value
            else:
                parts[name][rows] = value
    if not parts:
        empty = np.zeros(0)
        return SohEstimate(*(empty for _ in range(11)))
    return SohEstimate(**parts)
