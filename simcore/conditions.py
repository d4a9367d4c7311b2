"""Conditions written as text, such as ``soc < 0.2 or location == work``, parsed safely into predicates.

The grammar is a small, whitelisted subset of Python expressions (read with :mod:`ast`, never
evaluated): ``and``, ``or``, ``not``, parentheses, the comparisons ``== != < <= > >=``, ``in`` and
``not in``. In a comparison the left operand is a payload field (a bare word); values on the right
are numbers, ``true`` / ``false`` / ``none``, quoted text, or bare words, which are text
(``location == work``). ``0.1 < soc < 0.2`` tests a field between two numbers; ``location in (home,
work)`` tests membership; a bare field alone tests its truth (``plugs_in``, ``not plugs_in``).

An ordering against a bare word (``soc < low``) or ``in`` against a single number is refused: such a
clause could never be true. A comparison on a field the payload lacks, or between values that cannot
be ordered (a text field < a number), is false. Anything outside the grammar raises :class:`ConditionError` with a message saying why.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Condition", "ConditionError", "parse_condition"]

_COMPARE: dict[type[ast.cmpop], tuple[str, Callable[[Any, Any], bool]]] = {
    ast.Eq: ("==", operator.eq), ast.NotEq: ("!=", operator.ne), ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le), ast.Gt: (">", operator.gt), ast.GtE: (">=", operator.ge),
    ast.In: ("in", lambda a, b: a in b), ast.NotIn: ("not in", lambda a, b: a not in b),
}
_WORDS = {"true": True, "false": False, "none": None}
_MISSING = object()
_GRAMMAR = ("FIELD OP VALUE clauses with OP one of ==, !=, <, <=, >, >=, in, not in, joined by and / or / "
            "not and grouped with parentheses")

Node = Callable[[Mapping[str, Any]], bool]


class ConditionError(ValueError):
    """A condition that is not in the grammar (the message says where and why)."""


@dataclass(frozen=True)
class Condition:
    """A parsed condition: call it with an event (or a payload mapping) to test it."""

    text: str
    fields: frozenset[str]
    _test: Node

    def __call__(self, event: Any) -> bool:
        payload = event if isinstance(event, Mapping) else event.payload
        return self._test(payload)

    def check_fields(self, allowed: Iterable[str], what: str) -> None:
        """Raise ConditionError if the condition names a field outside ``allowed`` (``what`` names them)."""
        allowed = set(allowed)
        unknown = sorted(self.fields - allowed)
        if unknown:
            listed = ", ".join(sorted(allowed)) or "none"
            raise ConditionError(f"{what} has no field {unknown[0]!r}; its fields: {listed}")

    def __str__(self) -> str:
        return self.text


def parse_condition(text: str) -> Condition:
    """Parse ``text`` into a :class:`Condition`; raise :class:`ConditionError` when it is malformed."""
    source = text.strip()
    if not source:
        raise ConditionError("empty condition; expected " + _GRAMMAR)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ConditionError(_syntax_message(source, exc)) from None
    except (ValueError, RecursionError, MemoryError):   # NUL bytes, absurd nesting
        raise ConditionError(f"cannot read condition {source[:40]!r}: expected " + _GRAMMAR) from None
    fields: set[str] = set()
    try:
        test = _Builder(source, fields).boolean(tree.body)
    except RecursionError:
        raise ConditionError(f"condition {source[:40]!r} is nested too deeply") from None
    return Condition(source, frozenset(fields), test)


def _syntax_message(source: str, exc: SyntaxError) -> str:
    col = (exc.offset or 1) - 1
    near = source[max(col, 0):][:12] or "the end"
    if source.rstrip().endswith((" and", " or", " not", "(", "==", "<", ">", "=", " in")):
        return f"condition {source!r} is incomplete: it ends with an operator; expected " + _GRAMMAR
    if "=" in source and "==" not in source and "!=" not in source and "<=" not in source and ">=" not in source:
        return f"cannot read condition {source!r}: use == to compare (a single = is not a comparison)"
    return (f"cannot read condition {source!r} near {near!r}; expected {_GRAMMAR} (quote text values "
            f"that are not plain words, e.g. to == \"FACILITY:1\")")


class _Builder:
    """Turns whitelisted AST nodes into nested closures; anything else is a ConditionError."""

    def __init__(self, source: str, fields: set[str]) -> None:
        self.source = source
        self.fields = fields

    def fail(self, node: ast.AST, why: str) -> ConditionError:
        piece = ast.get_source_segment(self.source, node) or self.source
        return ConditionError(f"cannot use {piece!r} in a condition: {why}; expected {_GRAMMAR}")

    # -- boolean structure ---------------------------------------------------------------------
    def boolean(self, node: ast.AST) -> Node:
        if isinstance(node, ast.BoolOp):
            parts = [self.boolean(v) for v in node.values]
            if isinstance(node.op, ast.And):
                return lambda p: all(part(p) for part in parts)
            return lambda p: any(part(p) for part in parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.boolean(node.operand)
            return lambda p: not inner(p)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Name) and node.id.lower() not in _WORDS:
            name = self.field(node)
            return lambda p: bool(p.get(name, False))
        raise self.fail(node, "expected a comparison, a field, and / or / not, or parentheses")

    def compare(self, node: ast.Compare) -> Node:
        ops = [_COMPARE.get(type(op)) for op in node.ops]
        for op, raw in zip(ops, node.ops):
            if op is None:
                raise self.fail(node, f"the operator {type(raw).__name__} is not allowed")
        if len(ops) == 1:
            name = self.field(node.left)
            value = self.operand(node.comparators[0], ops[0][0])
            return _clause(name, ops[0][1], value)
        if len(ops) == 2 and isinstance(node.comparators[0], ast.Name):   # low < field < high
            low = self.operand(node.left, ops[0][0])
            name = self.field(node.comparators[0])
            high = self.operand(node.comparators[1], ops[1][0])
            first = _clause(name, lambda a, b: ops[0][1](b, a), low)
            second = _clause(name, ops[1][1], high)
            return lambda p: first(p) and second(p)
        raise self.fail(node, "chain at most `low < field < high`; join other comparisons with and")

    # -- operands ------------------------------------------------------------------------------
    def field(self, node: ast.AST) -> str:
        if isinstance(node, ast.Name):
            if node.id.lower() in _WORDS:
                raise self.fail(node, f"{node.id} is a value, not a field")
            self.fields.add(node.id)
            return node.id
        raise self.fail(node, "the left side of a comparison must be a field name (a bare word)")

    def operand(self, node: ast.AST, op: str) -> Any:
        """A value fit for ``op``: an ordering needs a number (or quoted text, which orders as text),
        ``in`` needs a list or quoted text; such a clause could otherwise never be true."""
        value = self.value(node)
        if op in ("<", "<=", ">", ">=") and (isinstance(node, ast.Name) or not isinstance(value, (int, float, str))):
            raise self.fail(node, f"{op} compares with a number (a bare word is text: quote it to order text)")
        if op in ("in", "not in") and not isinstance(value, (tuple, str)):
            raise self.fail(node, f"{op} needs a parenthesised list, e.g. location in (home, work)")
        return value

    def value(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)) \
                and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
            return node.value
        if isinstance(node, ast.Name):   # a bare word is text, except true / false / none
            return _WORDS.get(node.id.lower(), node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) \
                and isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, (int, float)) \
                and not isinstance(node.operand.value, bool):
            return -node.operand.value if isinstance(node.op, ast.USub) else node.operand.value
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return tuple(self.value(e) for e in node.elts)
        raise self.fail(node, "values are numbers, true / false / none, text (quoted or one bare word) "
                              "or a parenthesised list of those")


def _clause(name: str, op: Callable[[Any, Any], bool], value: Any) -> Node:
    def test(payload: Mapping[str, Any]) -> bool:
        got = payload.get(name, _MISSING)
        if got is _MISSING:
            return False
        try:
            return bool(op(got, value))
        except TypeError:
            return False

    return test
