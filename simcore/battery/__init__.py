"""The battery entity shared by agents and facilities: registry, ageing, SOH estimation, lifecycle.

Main entry points:

* :class:`BatteryStore` — all batteries as arrays, holder log, ``location_at``, ``unaccounted``;
* :func:`age_batteries` with :class:`DailyStressors` — fast daily ageing of a whole fleet (BLAST-Lite's
  capacity scaling and energy-conservation mode; ``conserve_energy=False`` for its other mode);
* :class:`StressorAccumulator` — per-tick SOC/temperature to daily stressors for the fleet;
* :func:`simulate_profile` — reference path through a full time series, window by window as BLAST-Lite;
* :func:`v2g_extra_loss` — capacity loss attributable to V2G throughput;
* :func:`grade` / :func:`estimate_soh` — fused SOH estimate with sigma;
* :mod:`simcore.battery.lifecycle` — retirement, replacement, export, :func:`hand_off`.

Names are imported on first use, so the command line can load this package without numpy.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "StressorAccumulator": "accumulate",
    "AgeingState": "ageing", "DailyStressors": "ageing", "ModelCode": "ageing", "age_batteries": "ageing",
    "arrhenius_effective_temp_k": "ageing", "v2g_extra_loss": "ageing",
    "CHEMISTRIES": "chemistry", "MATERIALS": "chemistry", "materials_per_kwh": "chemistry",
    "cell_temperature_c": "climate", "monthly_ambient_c": "climate",
    "HandOffReason": "lifecycle", "RetiredBatteries": "lifecycle", "VehicleLifeParams": "lifecycle",
    "hand_off": "lifecycle",
    "daily_stressors": "profile", "load_profile": "profile", "simulate_profile": "profile",
    "MeasurementModel": "soh", "SohEstimate": "soh", "UsageModelError": "soh", "estimate_soh": "soh",
    "grade": "soh",
    "BatteryStore": "store", "ManufacturingSpread": "store", "BatteryView": "view", "ModuleView": "view",
    "HolderKind": "holders", "HolderRegistry": "holders", "PassportStatus": "holders",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simcore.battery' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"simcore.battery.{module}"), name)
    globals()[name] = value
    return value
