"""Read a scenario YAML, apply a variant and ``--set`` overrides, validate every key against schemas.

Every problem becomes an :class:`~simcore.errors.InputError` naming the file, the key path, the bad
value and what is allowed; nothing is half-built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simcore.clock import MINUTES_PER_DAY, Clock
from simcore.component import ComponentParams
from simcore.errors import InputError
from simcore.registry import available_types, get_type
from simcore.scenario.overrides import TOP_LEVEL_KEYS, apply_overrides, flatten


class ClockSpec(BaseModel):
    """The ``clock`` section."""

    model_config = ConfigDict(extra="forbid")
    start: dt.date = Field(description="first simulated day (midnight), YYYY-MM-DD")
    days: int = Field(ge=1, le=366 * 50, description="simulated days")
    tick_minutes: int = Field(default=15, ge=1, le=MINUTES_PER_DAY, description="tick length, minutes")

    @field_validator("start", mode="before")
    @classmethod
    def _midnight(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            if value.time() != dt.time(0):
                raise ValueError("the clock starts at midnight: give a date YYYY-MM-DD")
            return value.date()
        return value

    @field_validator("tick_minutes")
    @classmethod
    def _divides_day(cls, value: int) -> int:
        if MINUTES_PER_DAY % value:
            raise ValueError("tick_minutes must divide a day (1440 minutes): e.g. 5, 10, 15, 30, 60")
        return value


class TraceSpec(BaseModel):
    """The optional ``trace`` section: which high-volume event kinds to record, and how many events."""

    model_config = ConfigDict(extra="forbid")
    kinds: list[str] = Field(default_factory=list, description="event kinds recorded in full, '*' for all")
    limit: int = Field(default=1_000_000, ge=0, description="events kept at most")


class ScenarioHead(BaseModel):
    """Top-level keys other than components and variants."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    description: str = ""
    seed: int = Field(ge=0, le=2**63 - 1)
    clock: ClockSpec
    trace: TraceSpec = Field(default_factory=TraceSpec)


@dataclass
class ComponentSpec:
    name: str
    type_name: str
    params: ComponentParams


@dataclass
class ResolvedScenario:
    """A scenario after variant and overrides, every key validated."""

    file: str
    name: str
    description: str
    seed: int
    clock: Clock
    trace: TraceSpec
    components: list[ComponentSpec]
    variant: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    variants: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The resolved scenario as plain data (what the manifest records)."""
        return {
            "name": self.name,
            "description": self.description,
            "seed": self.seed,
            "clock": {"start": self.clock.start.date().isoformat(), "days": self.clock.days,
                      "tick_minutes": self.clock.tick_minutes},
            "trace": self.trace.model_dump(),
            "components": {c.name: {"type": c.type_name, **c.params.model_dump(mode="json")}
                           for c in self.components},
            "variant": self.variant,
            "overrides": self.overrides,
        }


def read_yaml(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML file, or an InputError saying what is wrong with it."""
    if not path.is_file():
        raise InputError(path, "(file)", str(path), "an existing scenario YAML file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        raise InputError(path, where, getattr(exc, "problem", str(exc)), "valid YAML") from None
    except UnicodeDecodeError:
        raise InputError(path, "(file)", "undecodable bytes", "UTF-8 text") from None
    if not isinstance(data, dict):
        raise InputError(path, "(top level)", type(data).__name__, "a mapping of scenario keys")
    return data


def load_scenario(path: str | Path, *, variant: str | None = None, overrides: dict[str, Any] | None = None,
                  seed: int | None = None) -> ResolvedScenario:
    """Read and resolve a scenario file."""
    path = Path(path)
    return resolve_scenario(read_yaml(path), file=str(path), variant=variant, overrides=overrides, seed=seed)


def resolve_scenario(data: dict[str, Any], *, file: str = "<scenario>", variant: str | None = None,
                     overrides: dict[str, Any] | None = None, seed: int | None = None) -> ResolvedScenario:
    """Validate a scenario mapping after applying ``variant``, then ``overrides``, then ``seed``."""
    unknown = [k for k in data if k not in TOP_LEVEL_KEYS]
    if unknown:
        raise InputError(file, str(unknown[0]), data[unknown[0]], f"top-level keys {', '.join(TOP_LEVEL_KEYS)}")
    variants = data.get("variants") or {}
    if not isinstance(variants, dict):
        raise InputError(file, "variants", variants, "a mapping of variant name to overrides")
    for vname, body in variants.items():
        if not isinstance(body, dict):
            raise InputError(file, f"variants.{vname}", body, "a mapping of dotted paths to values")
    resolved = {k: v for k, v in data.items() if k != "variants"}
    if not isinstance(resolved.get("components", {}), dict):
        raise InputError(file, "components", resolved["components"], "a mapping of component name to settings")
    if variant is not None:
        if variant not in variants:
            raise InputError(file, "--variant", variant, f"one of: {', '.join(variants) or '(none defined)'}")
        resolved = apply_overrides(resolved, flatten(variants[variant]), file, f"variants.{variant}:")
    overrides = dict(overrides or {})
    if overrides:
        resolved = apply_overrides(resolved, overrides, file, "--set")
    if seed is not None:
        resolved["seed"] = seed

    head_data = {k: v for k, v in resolved.items() if k != "components"}
    try:
        head = ScenarioHead.model_validate(head_data)
    except ValidationError as exc:
        raise _input_error(file, exc, prefix="", data=head_data) from None

    components = _resolve_components(resolved.get("components") or {}, file)
    if not components:
        raise InputError(file, "components", {}, "at least one component")
    clock = Clock(pd.Timestamp(head.clock.start), head.clock.days, head.clock.tick_minutes)
    return ResolvedScenario(file=file, name=head.name, description=head.description, seed=head.seed,
                            clock=clock, trace=head.trace, components=components, variant=variant,
                            overrides=overrides, variants=list(variants), data=resolved)


def _resolve_components(section: dict[str, Any], file: str) -> list[ComponentSpec]:
    specs = []
    for name, body in section.items():
        where = f"components.{name}"
        if not isinstance(body, dict):
            raise InputError(file, where, body, "a mapping with 'type' and the type's parameters")
        type_name = body.get("type")
        cls = get_type(type_name) if isinstance(type_name, str) else None
        if cls is None:
            raise InputError(file, f"{where}.type", type_name,
                             f"a registered component type: {', '.join(available_types()) or '(none)'}")
        params_data = {k: v for k, v in body.items() if k != "type"}
        try:
            params = cls.Params.model_validate(params_data)
        except ValidationError as exc:
            raise _input_error(file, exc, prefix=where, data=params_data, schema=cls.Params) from None
        specs.append(ComponentSpec(str(name), type_name, params))
    return specs


def _input_error(file: str, exc: ValidationError, prefix: str, data: dict[str, Any],
                 schema: type[BaseModel] | None = None) -> InputError:
    """The first validation error as an InputError with a dotted key path and an 'allowed' text."""
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"]]
    key_path = ".".join([prefix, *loc] if prefix else loc) or prefix
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        allowed = "known keys: " + ", ".join(_known_keys(schema or ScenarioHead, loc[:-1]))
    elif kind == "missing":
        value = "(missing)"
        allowed = "this required key to be given"
    else:
        allowed = err["msg"].removeprefix("Value error, ")
    return InputError(file, key_path, value, allowed)


def _known_keys(schema: type[BaseModel], loc: list[str]) -> list[str]:
    """Field names of the (possibly nested) model at ``loc`` inside ``schema``."""
    model: Any = schema
    for part in loc:
        fld = getattr(model, "model_fields", {}).get(part)
        ann = getattr(fld, "annotation", None)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
        else:
            break
    return sorted(getattr(model, "model_fields", {}))
