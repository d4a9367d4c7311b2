"""Read a scenario YAML, apply a variant and ``--set`` overrides, validate every key against schemas.

Every problem becomes an :class:`~simcore.errors.InputError` naming the file, the key path, the bad
value and what is allowed; nothing is half-built.
"""

from __future__ import annotations

import difflib

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simcore.clock import MINUTES_PER_DAY, Clock
from simcore.errors import InputError, format_key_path, split_key_path
from simcore.params import ComponentParams, FieldsError
from simcore.registry import get_params, provides, type_names
from simcore.scenario.checks import CheckContext, PeerSpec, check_memory, check_wiring
from simcore.scenario.overrides import TOP_LEVEL_KEYS, apply_overrides, canonical_path, describe_override, flatten
from simcore.scenario.yaml_io import read_yaml_file


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
    """One component of a resolved scenario: its name, type and validated parameters."""

    name: str
    type_name: str
    params: ComponentParams
    provides: tuple[str, ...] = ()


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
    data = read_yaml_file(Path(path))
    if not isinstance(data, dict):
        raise InputError(path, "(top level)", type(data).__name__, "a mapping of scenario keys")
    return data


def load_scenario(path: str | Path, *, variant: str | None = None, overrides: dict[str, Any] | None = None,
                  seed: int | None = None, origins: dict[str, str] | None = None) -> ResolvedScenario:
    """Read and resolve a scenario file."""
    path = Path(path)
    return resolve_scenario(read_yaml(path), file=str(path), variant=variant, overrides=overrides, seed=seed,
                            origins=origins)


def resolve_scenario(data: dict[str, Any], *, file: str = "<scenario>", variant: str | None = None,
                     overrides: dict[str, Any] | None = None, seed: int | None = None,
                     origins: dict[str, str] | None = None) -> ResolvedScenario:
    """Validate a scenario mapping after applying ``variant``, then ``overrides``, then ``seed``.

    An error about a value an override, the variant or ``seed`` set says so (``FILE with --set
    fleet.size=-3: ...``). ``origins`` names the option each override path came from (default ``--set``).
    """
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
    if variant is not None and variant not in variants:
        raise InputError(file, "--variant", variant, f"one of: {', '.join(variants) or '(none defined)'}")
    overrides = dict(overrides or {})
    # what set which key path, in the order applied: errors at (or around) these paths name their origin
    layers: list[tuple[list[str], str]] = []
    try:
        if variant is not None:
            flat = flatten(variants[variant])
            layers += [(canonical_path(resolved, p), f"variant {variant}") for p in flat]
            resolved = apply_overrides(resolved, flat, file)
        if overrides:
            layers += [(canonical_path(resolved, p), describe_override(p, v, (origins or {}).get(p, "--set")))
                       for p, v in overrides.items()]
            resolved = apply_overrides(resolved, overrides, file)
        if seed is not None:
            layers.append((["seed"], f"--seed {seed}"))
            resolved["seed"] = seed
        return _validate(resolved, file, variant, overrides, list(variants))
    except InputError as exc:
        raise _with_origin(exc, file, layers) from None


def _validate(resolved: dict[str, Any], file: str, variant: str | None, overrides: dict[str, Any],
              variants: list[str]) -> ResolvedScenario:
    head_data = {k: v for k, v in resolved.items() if k != "components"}
    try:
        head = ScenarioHead.model_validate(head_data)
    except ValidationError as exc:
        raise validation_error(file, exc, prefix="", schema=ScenarioHead) from None

    components = _resolve_components(resolved.get("components") or {}, file)
    if not components:
        raise InputError(file, "components", {}, "at least one component")
    _check_components(components, head.clock, file)
    clock = Clock(pd.Timestamp(head.clock.start), head.clock.days, head.clock.tick_minutes)
    return ResolvedScenario(file=file, name=head.name, description=head.description, seed=head.seed,
                            clock=clock, trace=head.trace, components=components, variant=variant,
                            overrides=overrides, variants=variants, data=resolved)


def _with_origin(exc: InputError, file: str, layers: list[tuple[list[str], str]]) -> InputError:
    """``exc`` naming the overrides that set its key path, a path inside or around it (if any)."""
    if exc.origin is not None or exc.file != str(file) or not layers:
        return exc
    found: list[str] = []
    for part in exc.key_path.split(" / "):   # a cross-field rule names several keys
        keys = split_key_path(part.strip())
        if keys is None:
            continue
        for i, (path, label) in enumerate(layers):
            n = min(len(path), len(keys))
            replaced = any(later == path[:len(later)] for later, _ in layers[i + 1:])
            if path[:n] == keys[:n] and not replaced:
                found.append(label)
    if not found:
        return exc
    return InputError(exc.file, exc.key_path, exc.value, exc.allowed, ", ".join(dict.fromkeys(found)))


def _resolve_components(section: dict[str, Any], file: str) -> list[ComponentSpec]:
    specs = []
    for name, body in section.items():
        where = f"components.{name}"
        if not isinstance(body, dict):
            raise InputError(file, where, body, "a mapping with 'type' and the type's parameters")
        type_name = body.get("type")
        schema = get_params(type_name) if isinstance(type_name, str) else None
        if schema is None:
            raise InputError(file, f"{where}.type", type_name,
                             f"a registered component type: {', '.join(type_names()) or '(none)'}")
        params_data = {k: v for k, v in body.items() if k != "type"}
        try:
            params = schema.model_validate(params_data)
        except ValidationError as exc:
            raise validation_error(file, exc, prefix=where, schema=schema) from None
        specs.append(ComponentSpec(str(name), type_name, params, provides(type_name)))
    return specs


def _check_components(components: list[ComponentSpec], clock: ClockSpec, file: str) -> None:
    """Wiring, then each component's own checks (files, columns, clock, memory), then memory overall."""
    peers = {c.name: PeerSpec(c.name, c.type_name, c.params, c.provides) for c in components}
    for c in components:
        check_wiring(file, c.name, c.params, peers)
    claims = []
    for c in components:
        ctx = CheckContext(file=file, component=c.name, clock_start=clock.start, days=clock.days,
                           tick_minutes=clock.tick_minutes, peers=peers)
        try:
            c.params.check(ctx)
        except InputError as exc:
            raise _at_naming_key(exc, file, c) from None
        claims.extend(ctx.memory)
    check_memory(file, claims)


def _at_naming_key(exc: InputError, file: str, component: ComponentSpec) -> InputError:
    """An error in a data file a component reads, restated at the scenario key that names the file (or
    its folder), so the message says which setting to fix; the file's own complaint goes in the
    'allowed' text. Errors about the scenario itself pass through."""
    if exc.file == str(file):
        return exc
    bad = Path(exc.file)
    where = exc.file if bad.is_absolute() else f"{exc.file}, i.e. {bad.resolve()}"
    settings = {k: v for k, v in flatten(component.params.model_dump(mode="json")).items()
                if isinstance(v, str) and v.strip()}
    for key, value in settings.items():  # a setting naming a column the file lacks
        if exc.key_path == "(header)" and f"(missing {value})" in exc.allowed:
            return InputError(file, f"components.{component.name}.{key}", value,
                              f"a column of {where}: {', '.join(map(str, exc.value))}")
    # the setting whose path (a file, or a folder above it) is the longest run of the file's path
    naming = [(len(Path(v).parts), k, v) for k, v in settings.items() if _holds_run(bad.parts, Path(v).parts)]
    if not naming:
        return exc
    _, key, value = max(naming)
    detail = where if exc.key_path == "(file)" and exc.value == exc.file else f"{where}: {exc.key_path}: got {exc.value!r}"
    return InputError(file, f"components.{component.name}.{key}", value, f"{exc.allowed} (at {detail})")


def _holds_run(parts: tuple[str, ...], run: tuple[str, ...]) -> bool:
    """Whether ``run`` occurs in ``parts`` as consecutive items."""
    return any(parts[i:i + len(run)] == run for i in range(len(parts) - len(run) + 1))


def validation_error(file: str, exc: ValidationError, prefix: str, schema: type[BaseModel]) -> InputError:
    """The first error of validating ``schema`` (at key path ``prefix``) as an InputError with the key
    path (list items as ``[i]``) and an 'allowed' text."""
    err = exc.errors(include_url=False)[0]
    loc = list(err["loc"])
    head = [prefix] if prefix else []
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldsError):  # a cross-field rule: name its keys and values, not the whole mapping
        key_path = " / ".join(format_key_path([*head, *loc, k]) for k in cause.values)
        value = cause.values[next(iter(cause.values))] if len(cause.values) == 1 else cause.values
        return InputError(file, key_path, value, str(cause))
    key_path = format_key_path([*head, *loc])
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        known = _known_keys(schema, [str(p) for p in loc[:-1]])
        close = difflib.get_close_matches(str(loc[-1]) if loc else "", known, n=1, cutoff=0.75)
        allowed = (f"a known key: did you mean {close[0]!r}? (all: {', '.join(known)})" if close
                   else "known keys: " + ", ".join(known))
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
