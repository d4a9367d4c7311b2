"""Units of KPIs, read from their names unless a component declares them.

Series carry units from the recorder (``recorder.add(name, unit)``). KPIs are plain numbers in
``summary.json``; their units come from, in order:

1. the component's :meth:`~simcore.component.Component.summary_units` (``{kpi: unit}``), for names the
   convention cannot read;
2. the naming convention below, on the last dotted segment of the name;
3. ``count`` for a whole-number value with no unit word, else ``""`` (unknown).

The convention (tokens split on ``_``): ``X_per_Y`` is ``unit(X)/Y`` (``energy_mwh_per_day`` ->
``MWh/day``, ``km_per_ev_day`` -> ``km/ev/day``); otherwise the last token naming a unit wins
(``peak_mw`` -> ``MW``, ``co2_t`` -> ``t``, ``energy_share_home`` -> ``1``), never the first token (``y``
alone is a name, not years). New units are added to :data:`UNIT_WORDS`.
"""

from __future__ import annotations

from typing import Any

#: unit words of KPI names and the unit they stand for ("1": a dimensionless fraction)
UNIT_WORDS: dict[str, str] = {
    "w": "W", "kw": "kW", "mw": "MW", "gw": "GW",
    "wh": "Wh", "kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "twh": "TWh",
    "kg": "kg", "t": "t", "kt": "kt", "mt": "Mt",
    "jpy": "JPY", "mjpy": "M JPY", "usd": "USD", "eur": "EUR",
    "km": "km", "kmh": "km/h",
    "s": "s", "min": "min", "h": "h", "hours": "h", "days": "d", "y": "y", "years": "y",
    "c": "degC", "pct": "%",
    "share": "1", "fraction": "1", "ratio": "1", "soh": "1", "soc": "1",
    "count": "count",
}


def unit_from_name(name: str, value: Any = None) -> str:
    """The unit a KPI's name implies (see the module docstring); ``""`` when it says none."""
    tokens = name.rsplit(".", 1)[-1].lower().split("_")
    if "per" in tokens[1:-1] or (tokens and tokens[0] == "per"):
        cut = len(tokens) - 1 - tokens[::-1].index("per")
        left, right = tokens[:cut], tokens[cut + 1:]
        numerator = next((UNIT_WORDS[t] for t in reversed(left) if t in UNIT_WORDS), left[-1] if left else "1")
        return numerator + "".join(f"/{t}" for t in right if t)
    for token in reversed(tokens[1:]):  # a unit word follows what it measures: "y" alone is a name
        if token in UNIT_WORDS:
            return UNIT_WORDS[token]
    if isinstance(value, int) and not isinstance(value, bool):
        return "count"
    return ""


def kpi_units(summary: dict[str, Any], declared: dict[str, str] | None = None) -> dict[str, str]:
    """``{kpi: unit}`` for every KPI of ``summary``: declared units first, then the naming convention."""
    declared = declared or {}
    return {k: declared[k] if k in declared else unit_from_name(k, v) for k, v in summary.items()}
