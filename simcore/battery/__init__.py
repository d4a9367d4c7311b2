"""The battery entity shared by agents and facilities: registry, ageing, SOH estimation, lifecycle.

Main entry points:

* :class:`BatteryStore` — all batteries as arrays, holder log, ``location_at``, ``unaccounted``;
* :func:`age_batteries` with :class:`DailyStressors` — fast daily ageing of a whole fleet;
* :class:`StressorAccumulator` — per-tick SOC/temperature to daily stressors for the fleet;
* :func:`simulate_profile` — reference path through a full time series;
* :func:`v2g_extra_loss` — capacity loss attributable to V2G throughput;
* :func:`grade` / :func:`estimate_soh` — fused SOH estimate with sigma;
* :mod:`simcore.battery.lifecycle` — retirement, replacement, export, :func:`hand_off`.
"""

from .accumulate import StressorAccumulator
from .ageing import AgeingState, DailyStressors, ModelCode, age_batteries, arrhenius_effective_temp_k, v2g_extra_loss
from .chemistry import CHEMISTRIES, MATERIALS, materials_per_kwh
from .climate import cell_temperature_c, monthly_ambient_c
from .lifecycle import HandOffReason, RetiredBatteries, VehicleLifeParams, hand_off
from .profile import daily_stressors, load_profile, simulate_profile
from .soh import MeasurementModel, SohEstimate, UsageModelError, estimate_soh, grade
from .store import BatteryStore, BatteryView, HolderKind, ManufacturingSpread

__all__ = [
    "StressorAccumulator", "AgeingState", "DailyStressors", "ModelCode", "age_batteries", "arrhenius_effective_temp_k", "v2g_extra_loss",
    "CHEMISTRIES", "MATERIALS", "materials_per_kwh", "cell_temperature_c", "monthly_ambient_c",
    "HandOffReason", "RetiredBatteries", "VehicleLifeParams", "hand_off",
    "daily_stressors", "load_profile", "simulate_profile",
    "MeasurementModel", "SohEstimate", "UsageModelError", "estimate_soh", "grade",
    "BatteryStore", "BatteryView", "HolderKind", "ManufacturingSpread",
]
