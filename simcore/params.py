"""The base of every component's parameter schema, importable without the simulation stack.

``evcycle validate`` and ``--help`` load parameter schemas only (pydantic, no Mesa, SimPy or Pyomo), so
a component type keeps its ``Params`` in a light module and its behaviour in another.

A schema checks single values with pydantic. Checks that need more than the values themselves (files
and their columns, the clock, peers named in the parameters, memory) go in :meth:`ComponentParams.check`,
which the scenario loader calls for every component of every resolved scenario: ``validate`` and
``run`` share it, so a scenario that validates also starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from simcore.scenario.checks import CheckContext


class ComponentParams(BaseModel):
    """Base for parameter schemas: unknown keys are errors, NaN and infinities are rejected, values are
    validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    def check(self, ctx: CheckContext) -> None:
        """Checks beyond single values (files, columns, clock, peers, memory); raise through ``ctx``.

        Default: nothing. Called once per resolved scenario, before any World is built.
        """


class FieldsError(ValueError):
    """A cross-field rule broken inside a schema: names the offending keys and their values.

    Raise it from a pydantic ``model_validator`` instead of a bare ``ValueError`` so the error message
    names ``components.fleet.sample`` and its value, not the whole component mapping.
    """

    def __init__(self, values: dict[str, object], message: str) -> None:
        self.values = dict(values)
        super().__init__(message)


def ComponentRef(default: str | None, *, provides: str, description: str):  # noqa: N802 (a Field factory)
    """A parameter naming a peer component that must provide capability ``provides``.

    The scenario loader checks every such field (the peer exists and its type declares the
    capability), so ``validate`` catches a wire to a missing or wrong-typed component; the component
    then gets the peer with ``world.peer(name)``. ``None`` means not connected.
    """
    from pydantic import Field

    return Field(default, description=f"{description} (a component providing '{provides}')",
                 json_schema_extra={"component_ref": provides})
