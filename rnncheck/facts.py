"""From an RNN constructor call to its Layout: torch's argument order, its defaults, and what is unknown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rnncheck.abstract import UNKNOWN, Abstract, Const, Opaque, as_size
from rnncheck.layout import DEFAULTS, POSITIONAL, Kind, Layout
from rnncheck.lazy import cst, syntax

RNN_CLASSES = {f"torch.nn.{kind.value}": kind for kind in Kind}

SIZE_FACTS = ("input_size", "hidden_size", "num_layers", "proj_size")
FLAG_FACTS = ("bidirectional", "batch_first")


def bind(call: cst.Call, names: tuple[str, ...]) -> tuple[dict[str, cst.Arg], bool]:
    """Each parameter's argument, and whether the call may pass others unseen (`*a`, `**kw`)."""
    bound: dict[str, cst.Arg] = {}
    open_ended = False
    position = 0
    for arg in call.args:
        if arg.star:
            open_ended = True
        elif arg.keyword is not None:
            bound[arg.keyword.value] = arg
        elif not open_ended and position < len(names):
            bound[names[position]] = arg
            position += 1
    return bound, open_ended


def read(
    kind: Kind,
    call: cst.Call,
    evaluate: Callable[[cst.BaseExpression], Abstract],
    spread: dict[str, Abstract] | None = None,
) -> tuple[Layout, dict[str, str]]:
    """The layout a constructor call builds, and the source key of each fact it leaves open.
    `spread` holds what its `**` arguments pass, when the caller knows every key they hold."""
    if spread is not None:
        call = call.with_changes(args=[a for a in call.args if a.star != "**"])
    bound, open_ended = bind(call, POSITIONAL[kind])
    facts: dict[str, object] = {}
    sources: dict[str, str] = {}
    for name in (*SIZE_FACTS, *FLAG_FACTS, "dropout"):
        if name in bound:
            value = evaluate(bound[name].value)
        elif spread is not None and name in spread:
            value = spread[name]
        elif open_ended:
            value = UNKNOWN
        else:
            value = Const(DEFAULTS.get(name))
        facts[name], source = _fact(name, value)
        if source is not None:
            sources[name] = source
    if kind is not Kind.LSTM:
        facts["proj_size"] = 0
    layout = Layout(kind=kind, **facts)  # type: ignore[arg-type]
    return layout, sources


def one_shape(kinds: tuple[Kind, ...]) -> bool:
    """Whether kinds share the shape of their results: an LSTM's state is a tuple, the others' not."""
    return len({kind is Kind.LSTM for kind in kinds}) == 1


def shared(layouts: list[Layout]) -> Layout:
    """The facts every layout agrees on (the first one's kind), the others unknown."""
    first, *others = layouts
    changes = {
        name: None
        for name in Layout.__dataclass_fields__
        if name != "kind" and any(getattr(o, name) != getattr(first, name) for o in others)
    }
    return replace(first, **changes) if changes else first


def _fact(name: str, value: Abstract) -> tuple[object, str | None]:
    source = value.key if isinstance(value, Opaque) else None
    if name in FLAG_FACTS:
        if isinstance(value, Const) and type(value.value) in (bool, int):
            return bool(value.value), None
        return None, source
    if name == "dropout":
        if isinstance(value, Const) and type(value.value) in (int, float):
            return float(value.value), None  # type: ignore[arg-type]
        return None, source
    size = as_size(value)
    if size is None:
        return None, source
    return (size.value if size.value is not None else size), source


def layout_from_text(text: str) -> Layout:
    """The layout of a constructor written out, e.g. `nn.LSTM(10, 20, bidirectional=True)`.

    Raises ValueError unless the text calls RNN, LSTM or GRU with literal arguments.
    """
    try:
        expression = cst.parse_expression(text.strip())
    except cst.ParserSyntaxError as error:
        raise ValueError(f"not a Python expression: {text!r}") from error
    if not isinstance(expression, cst.Call):
        raise ValueError(f"not a constructor call: {text!r}")
    name = syntax.dotted(expression.func)
    kind = next(
        (k for k in Kind if name in (k.value, f"nn.{k.value}", f"torch.nn.{k.value}")), None
    )
    if kind is None:
        raise ValueError(f"expected nn.RNN, nn.LSTM or nn.GRU, got {name or text!r}")
    layout, _ = read(kind, expression, _literal)
    missing = [n for n in ("input_size", "hidden_size") if getattr(layout, n) is None]
    unknown = [n for n in (*SIZE_FACTS, *FLAG_FACTS) if getattr(layout, n) is None]
    if missing or unknown:
        raise ValueError(f"give {', '.join(missing or unknown)} as literal values in {text!r}")
    return layout


def _literal(expression: cst.BaseExpression) -> Abstract:
    try:
        return Const(syntax.literal(expression))
    except ValueError:
        return UNKNOWN
