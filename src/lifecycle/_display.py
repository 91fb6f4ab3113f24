"""How tables look in the REPL and in notebooks: aligned text and HTML (private).

A table shows its shape, then its first and last rows with their positions. Numbers print
as numbers (``-38.8``, not ``-38.800000000000004``), dates as ISO dates, and for a
:class:`~lifecycle.Population` money columns in major units with the currency
(``1,095,057.30 EUR``) and missing signals as ``NA``, never as 0.

Examples
--------
>>> import numpy as np
>>> from lifecycle import Table
>>> print(table_text(Table({"customer": ["ann", "bob"], "nps": [-38.800000000000004, 12.5]})))
Table: 2 rows x 2 columns
  customer    nps
0 ann       -38.8
1 bob        12.5
"""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from .table import Table

__all__ = [
    "grid_html",
    "grid_text",
    "number",
    "plural",
    "rounded_repr",
    "table_html",
    "table_text",
]

#: Rows shown at each end of a long table.
EDGE = 5
#: Widest text line before columns are left out.
WIDTH = 100
#: Longest text cell before it is cut.
CELL = 30
#: Missing signal in a Population.
MISSING = "NA"


def plural(n: int, word: str) -> str:
    """``n`` with thousands separators and ``word``, plural unless ``n`` is 1.

    Examples
    --------
    >>> plural(1, "row"), plural(3000, "customer")
    ('1 row', '3,000 customers')
    """
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def number(value: float) -> str:
    """A float for display: at most 6 decimals, trailing zeros dropped (the value is unchanged).

    Examples
    --------
    >>> number(-38.800000000000004), number(25.0), number(1 / 3), number(float("nan"))
    ('-38.8', '25.0', '0.333333', 'nan')
    """
    if not np.isfinite(value):
        return str(value)
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _shown(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return number(float(value))
    if isinstance(value, tuple):
        inner = ", ".join(_shown(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def rounded_repr(obj: Any) -> str:
    """An attrs object's repr with its floats shown by :func:`number`.

    Examples
    --------
    >>> @attrs.frozen
    ... class R:
    ...     score: float
    ...     ci: tuple[float, float]
    ...     n: int
    >>> rounded_repr(R(-38.800000000000004, (-45.10000000000001, -32.5), 80))
    'R(score=-38.8, ci=(-45.1, -32.5), n=80)'
    """
    fields = ", ".join(
        f"{f.name}={_shown(getattr(obj, f.name))}" for f in attrs.fields(type(obj)) if f.repr
    )
    return f"{type(obj).__name__}({fields})"


def grid_text(
    title: str, corner: str, rows: list[str], columns: list[str], cells: list[list[str]]
) -> str:
    """A titled grid: row labels left, column labels on top, cells right-aligned.

    Examples
    --------
    >>> print(grid_text("Flow", "from/to", ["a", "b"], ["a", "b"], [["3", "1"], ["0", "4"]]))
    Flow
    from/to  a  b
    a        3  1
    b        0  4
    """
    label_width = max([len(corner), *(len(r) for r in rows)])
    widths = [max([len(name), *(len(line[j]) for line in cells)]) for j, name in enumerate(columns)]

    def line(label: str, texts: list[str]) -> str:
        parts = [label.ljust(label_width)]
        parts += [text.rjust(width) for text, width in zip(texts, widths, strict=True)]
        return "  ".join(parts).rstrip()

    out = [title, line(corner, columns)]
    out += [line(label, texts) for label, texts in zip(rows, cells, strict=True)]
    return "\n".join(out)


def grid_html(
    title: str, corner: str, rows: list[str], columns: list[str], cells: list[list[str]]
) -> str:
    """The same grid as an HTML table with a caption, for notebooks.

    Examples
    --------
    >>> print(grid_html("Counts", "stage", ["a"], ["customers"], [["3"]]))
    <table>
    <caption>Counts</caption>
    <thead><tr><th>stage</th><th>customers</th></tr></thead>
    <tbody>
    <tr><th>a</th><td style="text-align:right">3</td></tr>
    </tbody>
    </table>
    """
    head = "".join(f"<th>{html.escape(name)}</th>" for name in [corner, *columns])
    body = [
        f"<tr><th>{html.escape(label)}</th>"
        + "".join(f'<td style="text-align:right">{html.escape(t)}</td>' for t in texts)
        + "</tr>"
        for label, texts in zip(rows, cells, strict=True)
    ]
    return "\n".join(
        [
            "<table>",
            f"<caption>{html.escape(title)}</caption>",
            f"<thead><tr>{head}</tr></thead>",
            "<tbody>",
            *body,
            "</tbody>",
            "</table>",
        ]
    )


def _shown_rows(n: int) -> NDArray[np.intp]:
    if n <= 2 * EDGE:
        return np.arange(n)
    return np.concatenate([np.arange(EDGE), np.arange(n - EDGE, n)])


@attrs.frozen
class _Signals:
    """What a Population adds to a table's display: column kinds, missing masks, currency."""

    kind_of: Callable[[str], str]
    is_missing: Callable[[str], NDArray[np.bool_]]
    currency: Any
    as_of: Any


def _signals(table: Table) -> _Signals | None:
    """A Population's extras, or None for a plain table.

    Duck-typed on the class, so this module stays below the signals layer; a plain
    table's columns named ``currency`` or ``as_of`` are not mistaken for them.
    """
    kind_of = getattr(type(table), "kind_of", None)
    is_missing = getattr(type(table), "is_missing", None)
    if kind_of is None or is_missing is None:
        return None
    return _Signals(
        kind_of=lambda name: str(kind_of(table, name)),
        is_missing=lambda name: np.asarray(is_missing(table, name), dtype=bool),
        currency=object.__getattribute__(table, "currency"),
        as_of=object.__getattribute__(table, "as_of"),
    )


def _float_cells(values: NDArray[Any]) -> list[str]:
    # As many decimals as the shown values need, at most 6: -38.800000000000004 is -38.8.
    decimals = max(
        (len(f"{v:.6f}".rstrip("0").split(".")[1]) for v in values[np.isfinite(values)]),
        default=0,
    )
    return [f"{v:,.{decimals}f}" if np.isfinite(v) else str(v) for v in values.tolist()]


def _money_cells(values: NDArray[Any], currency: Any) -> list[str]:
    places = int(currency.minor_units)
    return [
        f"{Decimal(int(v)).scaleb(-places):,.{places}f} {currency.code}" for v in values.tolist()
    ]


def _cut(text: str) -> str:
    return text if len(text) <= CELL else text[: CELL - 1] + "…"


def _cells(table: Table, name: str, rows: NDArray[np.intp]) -> tuple[list[str], bool]:
    """The shown cells of one column as text, and whether they align right (numbers)."""
    values = table[name][rows]
    signals = _signals(table)
    kind = values.dtype.kind
    if (
        signals is not None
        and signals.currency is not None
        and kind in "iu"
        and signals.kind_of(name) == "money"
    ):
        cells, right = _money_cells(values, signals.currency), True
    elif kind == "M":
        cells, right = [str(v) for v in values.astype("datetime64[D]")], False
    elif kind == "f":
        cells, right = _float_cells(values), True
    elif kind in "iu":
        cells, right = [str(v) for v in values.tolist()], True
    else:
        cells, right = [_cut(str(v)) for v in values.tolist()], False
    if signals is not None:
        missing = signals.is_missing(name)[rows]
        cells = [MISSING if gone else cell for cell, gone in zip(cells, missing, strict=True)]
    return cells, right


def _title(table: Table) -> str:
    signals = _signals(table)
    text = (
        f"{type(table).__name__}: {plural(len(table), 'row')} x "
        f"{plural(len(table.columns), 'column')}"
    )
    if signals is not None and signals.as_of is not None:
        text += f", as of {signals.as_of.isoformat()}"
    if signals is not None and signals.currency is not None:
        text += f", money in {signals.currency.code}"
    return text


def table_text(table: Table) -> str:
    """The table's shape, then its first and last rows aligned under their column names.

    Examples
    --------
    >>> import numpy as np
    >>> from lifecycle import Table
    >>> print(table_text(Table({"a": [1]})))
    Table: 1 row x 1 column
      a
    0 1
    >>> t = Table({"day": np.arange("2024-01-01", "2024-01-13", dtype="datetime64[D]")})
    >>> print(table_text(t))
    Table: 12 rows x 1 column
       day
     0 2024-01-01
     1 2024-01-02
     2 2024-01-03
     3 2024-01-04
     4 2024-01-05
    ...
     7 2024-01-08
     8 2024-01-09
     9 2024-01-10
    10 2024-01-11
    11 2024-01-12
    """
    n = len(table)
    rows = _shown_rows(n)
    index = [str(i) for i in rows.tolist()]
    index_width = max((len(i) for i in index), default=0)
    lines_width = index_width
    columns: list[tuple[str, list[str], bool]] = []
    left_out: list[str] = []
    for name in table.columns:
        cells, right = _cells(table, name, rows)
        width = max([len(name), *(len(c) for c in cells)])
        if left_out or (columns and lines_width + 2 + width > WIDTH):
            left_out.append(name)
            continue
        lines_width += 2 + width
        columns.append((name, cells, right))
    widths = [max([len(name), *(len(c) for c in cells)]) for name, cells, _ in columns]

    def line(first: str, texts: list[str]) -> str:
        parts = [first.rjust(index_width)]
        for (_, _, right), width, text in zip(columns, widths, texts, strict=True):
            parts.append(text.rjust(width) if right else text.ljust(width))
        return "  ".join(parts).rstrip() if columns else parts[0]

    out = [_title(table)]
    if columns:
        out.append(line("", [name for name, _, _ in columns]))
    for k, label in enumerate(index):
        if n > 2 * EDGE and k == EDGE:
            out.append("...")
        out.append(line(label, [cells[k] for _, cells, _ in columns]))
    if left_out:
        out.append(f"({plural(len(left_out), 'more column')}: {', '.join(left_out)})")
    return "\n".join(out)


def table_html(table: Table) -> str:
    """The same rows as an HTML table, for notebooks: every column, numbers right-aligned.

    Examples
    --------
    >>> from lifecycle import Table
    >>> print(table_html(Table({"a": [1, 2], "b": ["<x>", "y"]})))
    <table>
    <caption>Table: 2 rows x 2 columns</caption>
    <thead><tr><th></th><th>a</th><th>b</th></tr></thead>
    <tbody>
    <tr><th>0</th><td style="text-align:right">1</td><td>&lt;x&gt;</td></tr>
    <tr><th>1</th><td style="text-align:right">2</td><td>y</td></tr>
    </tbody>
    </table>
    """
    n = len(table)
    rows = _shown_rows(n)
    columns = [(name, *_cells(table, name, rows)) for name in table.columns]
    head = "".join(f"<th>{html.escape(name)}</th>" for name, _, _ in columns)
    body: list[str] = []
    for k, position in enumerate(rows.tolist()):
        if n > 2 * EDGE and k == EDGE:
            body.append(f'<tr><th>…</th><td colspan="{len(columns)}"></td></tr>')
        cells = "".join(
            f'<td style="text-align:right">{html.escape(cells[k])}</td>'
            if right
            else f"<td>{html.escape(cells[k])}</td>"
            for _, cells, right in columns
        )
        body.append(f"<tr><th>{position}</th>{cells}</tr>")
    return "\n".join(
        [
            "<table>",
            f"<caption>{html.escape(_title(table))}</caption>",
            f"<thead><tr><th></th>{head}</tr></thead>",
            "<tbody>",
            *body,
            "</tbody>",
            "</table>",
        ]
    )
