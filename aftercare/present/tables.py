"""Tables for people: formatted HTML (pandas Styler) with a plain-text twin.

Numbers read as a clinician writes them (``20``, not ``20.0``), clock times as ``HH:MM``, source
ids as ``pai-seed, bleakley2006`` (not a Python tuple), text columns in full (no ``...``), and no
index column. A table taller than a slide is cut into parts (:class:`~.parts.Parts`): one table
in a notebook and on a live slide (a ``<tbody>`` per part), one slide per part in an exported
deck, the header row repeated.

The domain tables used by the notebooks live here too, so their formatting is tested once:
:func:`rule_table`, :func:`rule_comparison`, :func:`sessions_table`, :func:`factor_table`,
:func:`effect_table` and :func:`points_table`.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..packs import load_barriers, load_modalities
from ..protocol import rule_names
from .parts import SLIDE_BREAK, Parts, sources_text

__all__ = [
    "Table",
    "format_value",
    "rule_table",
    "rule_comparison",
    "sessions_table",
    "verdict_table",
    "barrier_table",
    "factor_table",
    "effect_table",
    "points_table",
    "RULE_LABELS",
]

#: Characters that fit on one line of a table the width of a slide (about 17 px text).
LINE_CHARS = 96
#: Estimated text lines per part: the first part shares its slide with a heading and a sentence.
FIRST_PART_LINES = 14
PART_LINES = 22

_STYLER_IDS = re.compile(r' id="T_aftercare[^"]*"')
_NUM_CELL = re.compile(r'(<t[dh]) (class="[^"]*aftercare-num")')
_TEXT_CELL = re.compile(r'(<t[dh]) (class="(?![^"]*aftercare-num)[^"]*")')
_EMPTY_STYLE = re.compile(r'<style type="text/css">\s*</style>\s*')

#: How each protocol rule (:func:`aftercare.protocol.rule_names`: every one has a label here,
#: which a test checks) is named for people, and the unit its value is shown in.
RULE_LABELS: dict[str, tuple[str, str]] = {
    "wait_hours": ("Wait before the first ice", "h"),
    "max_session_minutes": ("Longest ice session", "min"),
    "interval_hours": ("Start to start of sessions", "h"),
    "plan_hours": ("Plan runs for", "h"),
    "barrier": ("Between ice and skin", ""),
    "modality": ("Cold source", ""),
    "skin_check_minutes": ("Skin checks (caution factors)", "min"),
    "day_starts": ("Patient awake from (default)", ""),
    "night_starts": ("Patient asleep from (default)", ""),
    "max_sessions_per_day": ("Most ice sessions in a day", ""),
    "factor_max_session_minutes": ("Shorter cap for named factors", "min"),
    "heat_max_minutes": ("Longest heat application", "min"),
}


def format_value(value: Any) -> str:
    """One cell as text: whole numbers without ``.0``, times as HH:MM, id lists joined.

    Examples
    --------
    >>> format_value(20.0), format_value(2.5), format_value(dt.time(7, 0)), format_value(("a", "b"))
    ('20', '2.5', '07:00', 'a, b')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, (tuple, list)):
        return sources_text(format_value(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {format_value(v)}" for k, v in value.items()) or "none"
    if isinstance(value, float) or hasattr(value, "is_integer"):
        number = float(value)
        if math.isnan(number):
            return ""
        return str(int(number)) if number.is_integer() else f"{number:g}"
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _format_column(values: list[Any], numeric: bool) -> list[str]:
    """Format a column; a numeric column with decimals keeps one precision (``1.0`` beside
    ``0.7``), a column of whole numbers shows none."""
    if not numeric:
        return [format_value(v) for v in values]
    places = 0
    for value in values:
        if not math.isnan(float(value)) and not float(value).is_integer():
            decimals = f"{float(value):g}".partition(".")[2]
            places = max(places, min(len(decimals), 3))
    if places == 0:
        return [format_value(v) for v in values]
    return ["" if math.isnan(float(v)) else f"{float(v):.{places}f}" for v in values]


def _plain(frame: pd.DataFrame) -> str:
    """Plain text: aligned columns when short, one block per row when a cell is long."""
    if not len(frame):
        return "(no rows)"
    if frame.map(len).to_numpy().max() <= 40:
        return frame.to_string(index=False)
    blocks = []
    for _, row in frame.iterrows():
        first, *rest = row.items()
        blocks.append("\n".join([f"{first[1]}", *(f"  {k}: {v}" for k, v in rest)]))
    return "\n".join(blocks)


class Table(Parts):
    """A DataFrame shown as formatted HTML (no index, every cell in full) and as plain text.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show; cells are formatted with :func:`format_value`.
    columns : mapping, optional
        Column -> header to show, in order (default: every column, named as it is).
    caption : str, optional
        What the table shows, as its ``<caption>`` (on the first part) and first text line.
    first_part_lines, part_lines : int
        Estimated lines of text per part, for splitting a long table over slides.

    Examples
    --------
    >>> t = Table(pd.DataFrame({"minutes": [20.0], "clock_time": ["12:00"]}), {"minutes": "Minutes"})
    >>> print(repr(t))
    Minutes
         20
    >>> "<th" in t._repr_html_() and "20.0" not in t._repr_html_()
    True
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        columns: Mapping[str, str] | None = None,
        *,
        caption: str = "",
        first_part_lines: int = FIRST_PART_LINES,
        part_lines: int = PART_LINES,
    ) -> None:
        columns = dict(columns) if columns else {c: str(c) for c in frame.columns}
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise KeyError(f"columns not in the table: {', '.join(missing)}")
        numeric = [
            c for c in columns if len(frame) and all(_is_number(v) for v in frame[c].tolist())
        ]
        shown = pd.DataFrame(
            {label: _format_column(frame[c].tolist(), c in numeric) for c, label in columns.items()}
        )
        self.frame = shown
        self.caption = caption
        self._numeric = {columns[c] for c in numeric}
        groups = self._row_groups(first_part_lines, part_lines)
        text = _plain(shown)
        super().__init__([self._html(groups)], f"{caption}\n{text}" if caption else text)
        self.row_groups = groups

    def _row_lines(self) -> list[int]:
        """Estimated text lines of each row when the table is as wide as a slide.

        Columns get widths as a browser's automatic table layout gives them: at least their
        longest word, and the rest of the line shared in proportion to their longest cell.
        """
        frame = self.frame
        if not len(frame):
            return []
        cells = {c: [c, *frame[c]] for c in frame.columns}
        longest = {c: max(len(v) for v in values) for c, values in cells.items()}
        word = {
            c: max(len(w) for v in values for w in (v.split() or [""]))
            for c, values in cells.items()
        }
        spare = max(LINE_CHARS - sum(word.values()), 0)
        stretch = sum(longest[c] - word[c] for c in frame.columns) or 1
        width = {
            c: max(word[c] + spare * (longest[c] - word[c]) / stretch, 1) for c in frame.columns
        }
        return [
            max(math.ceil(len(v) / width[c]) or 1 for c, v in row.items())
            for _, row in frame.iterrows()
        ]

    def _row_groups(self, first: int, later: int) -> list[tuple[int, int]]:
        groups, start, used, budget = [], 0, 0, first
        for index, lines in enumerate(self._row_lines()):
            if used and used + lines > budget:
                groups.append((start, index))
                start, used, budget = index, 0, later
            used += lines
        groups.append((start, len(self.frame)))
        return groups

    def _html(self, groups: Sequence[tuple[int, int]]) -> str:
        """One table; a :data:`~.parts.SLIDE_BREAK` between the ``<tbody>`` of each row group."""
        from pandas.io.formats.style import Styler

        numeric = self._numeric
        rows = self.frame
        escaped = rows.map(html.escape) if len(rows) else rows
        classes = pd.DataFrame(
            {c: ["aftercare-num" if c in numeric else ""] * len(rows) for c in rows.columns},
            index=rows.index,
        )
        styler = (
            Styler(escaped, uuid="aftercare", cell_ids=False)
            .hide(axis="index")
            .set_td_classes(classes)
            .set_table_attributes('class="aftercare-table"')
        )
        if self.caption:
            styler = styler.set_caption(html.escape(self.caption))
        markup = styler.to_html()
        # Styler numbers every table "T_aftercare..." and adds an empty <style>; several tables
        # on one page would then share ids, so both go (the classes stay).
        markup = _STYLER_IDS.sub("", _EMPTY_STYLE.sub("", markup))
        for column, label in enumerate(rows.columns):
            if label in numeric:
                markup = markup.replace(
                    f'class="col_heading level0 col{column}"',
                    f'class="col_heading level0 col{column} aftercare-num"',
                )
        # Inline styles too: JupyterLab drops <style> from outputs it does not trust (a
        # notebook opened with stored outputs, RISE), but keeps these.
        markup = _NUM_CELL.sub(r'\1 style="text-align:right" \2', markup)
        markup = _TEXT_CELL.sub(r'\1 style="text-align:left;vertical-align:top" \2', markup)
        head, rows_start, body = markup.partition("<tbody>")
        body_rows = re.split(r"(?=<tr>)", body)  # [text before the first row, row 0, row 1, ...]
        for a, _ in reversed(groups[1:]):
            body_rows.insert(a + 1, f"</tbody>\n{SLIDE_BREAK}\n<tbody>\n")
        return (head + rows_start + "".join(body_rows)).strip()


# -- the notebooks' tables -----------------------------------------------------------------------


def _rule_value(protocol: Any, name: str) -> str:
    value = protocol.rule(name).value
    unit = RULE_LABELS[name][1]
    if name == "barrier":
        return protocol.barrier_label
    if name == "modality":
        return load_modalities()[value].short_label
    if isinstance(value, Mapping):  # per factor: "superficial_nerve: 10 min"
        parts = [f"{k}: {format_value(v)} {unit}".strip() for k, v in value.items()]
        return "; ".join(parts) or "none"
    text = format_value(value)
    return f"{text} {unit}".strip()


def rule_table(protocol: Any, rules: Sequence[str] | None = None, *, basis: bool = True) -> Table:
    """A protocol's rules (every rule, or ``rules`` in that order): what each is, its value with
    unit, its basis in full (unless ``basis=False``: a compact table that fits one live slide)
    and its sources.

    Examples
    --------
    >>> from aftercare import load_protocol
    >>> t = rule_table(load_protocol("seed-article"))
    >>> t.frame.iloc[1, :2].tolist()
    ['Longest ice session (max_session_minutes)', '20 min']
    >>> list(rule_table(load_protocol("seed-article"), basis=False).frame.columns)
    ['Rule', 'Value', 'Sources']
    """
    names = list(rules) if rules is not None else rule_names()
    frame = pd.DataFrame(
        {
            "rule": [f"{RULE_LABELS[n][0]} ({n})" for n in names],
            "value": [_rule_value(protocol, n) for n in names],
            "basis": [" ".join(protocol.rule(n).basis.split()) for n in names],
            "sources": [sources_text(protocol.rule(n).source_ids) for n in names],
        }
    )
    headers = {"rule": "Rule", "value": "Value", "basis": "Basis", "sources": "Sources"}
    if not basis:
        del headers["basis"]
        frame = frame.drop(columns="basis")
    return Table(frame, headers)


def rule_comparison(*protocols: Any) -> Table:
    """The rule values of several protocols side by side, one column per protocol name.

    Examples
    --------
    >>> from aftercare import load_protocol
    >>> t = rule_comparison(load_protocol("seed-article"), load_protocol("early-cold"))
    >>> list(t.frame.columns)
    ['Rule', 'seed-article', 'early-cold']
    """
    names = rule_names()
    data = {"rule": [RULE_LABELS[n][0] for n in names]}
    headers = {"rule": "Rule"}
    for number, protocol in enumerate(protocols):
        key = f"p{number}"
        data[key] = [_rule_value(protocol, n) for n in names]
        headers[key] = protocol.name
    return Table(pd.DataFrame(data), headers)


def sessions_table(plan: Any, day: int | Sequence[int] | None = None) -> Table:
    """A plan's ice sessions (one day, several, or all): clock times, minutes, barrier.

    Examples
    --------
    >>> from aftercare import Patient, plan_icing
    >>> t = sessions_table(plan_icing(Patient(needled_at="09:00"), "seed-article"), day=1)
    >>> t.frame.iloc[0].tolist()
    ['1', '12:00', '12:20', '20', 'a thin damp towel']
    >>> t.caption
    'Ice sessions on day 1 (seed-article protocol)'
    """
    frame = plan.sessions
    days = [day] if isinstance(day, int) else (list(day) if day is not None else None)
    if days is not None:
        frame = frame[frame["day"].isin(days)]
    columns = {
        "session": "Session",
        "clock_time": "Start",
        "end_clock_time": "End",
        "minutes": "Minutes",
        "barrier_label": "Between ice and skin",
    }
    if days is None or len(days) > 1:
        columns = {"day": "Day", **columns}
    if days is None:
        when = "Ice sessions"
    elif len(days) == 1:
        when = f"Ice sessions on day {days[0]}"
    else:
        when = f"Ice sessions on days {', '.join(map(str, days[:-1]))} and {days[-1]}"
    return Table(frame, columns, caption=f"{when} ({plan.protocol.name} protocol)")


def verdict_table(plans: Sequence[Any]) -> Table:
    """One row per plan: the patient's factors, the verdict, what the first flag asks and the
    options the patient must not use.

    Examples
    --------
    >>> from aftercare import Patient, plan_icing
    >>> t = verdict_table([plan_icing(Patient(raynauds=True), "seed-article")])
    >>> t.frame.iloc[0, :2].tolist()
    ["Raynaud's disease or phenomenon", 'AVOID']
    """
    from ..factors import load_factors

    factors = load_factors()

    def _asks(plan: Any) -> str:
        # A flag's advice covers only the options still open; a ban is in "do_not_use".
        advice = [f.instruction for f in plan.flags if f.instruction]
        if advice:
            return advice[0]
        return "only what the Do not use column says" if plan.flags else "the protocol's plan"

    def who(plan: Any) -> str:
        labels = [factors[f].clinician_label for f in plan.patient.present_factors]
        text = ", ".join(labels) or "none"
        return f"{text} (someone stays with the patient)" if plan.patient.has_helper else text

    frame = pd.DataFrame(
        {
            "factors": [who(p) for p in plans],
            "verdict": [p.verdict.upper() for p in plans],
            "asks": [_asks(p) for p in plans],
            "do_not_use": [", ".join(a.name for a in p.do_not_use) or "nothing" for p in plans],
        }
    )
    return Table(
        frame,
        {
            "factors": "Patient factor",
            "verdict": "Verdict",
            "asks": "What it asks",
            "do_not_use": "Do not use",
        },
    )


def barrier_table(modality: str, minutes: float, skinfold_mm: float = 10) -> Table:
    """The model's estimate of the skin at the end of one session under each barrier, with the
    between-study band around it.

    Examples
    --------
    >>> t = barrier_table("crushed_ice", 20)
    >>> t.frame.columns.tolist()
    ['Between pack and skin', 'Skin when the pack comes off (°C, model estimate)', 'Band between studies (°C)']
    """
    from ..thermal import session_end_skin_band_c, session_end_skin_c

    barriers = load_barriers()
    bands = [session_end_skin_band_c(modality, key, minutes, skinfold_mm) for key in barriers]
    frame = pd.DataFrame(
        {
            "barrier": [b.label for b in barriers.values()],
            "skin_c": [
                round(session_end_skin_c(modality, key, minutes, skinfold_mm), 1)
                for key in barriers
            ],
            "band_c": [f"{low:.1f} to {high:.1f}" for low, high in bands],
        }
    )
    caption = (
        f"{load_modalities()[modality].short_label.capitalize()} for {format_value(float(minutes))} min over a "
        f"{format_value(float(skinfold_mm))} mm skinfold: model estimates, not measurements; the "
        "band shows how far studies of the same condition differ"
    )
    return Table(
        frame,
        {
            "barrier": "Between pack and skin",
            "skin_c": "Skin when the pack comes off (°C, model estimate)",
            "band_c": "Band between studies (°C)",
        },
        caption=caption,
    )


def factor_table() -> Table:
    """Every patient factor (``data/factors.csv``) with its level for cold, heat, massage and
    stretching, and whether self-applied cold and heat need someone to stay with the patient."""
    from ..factors import load_factors

    frame = pd.DataFrame([f.model_dump() for f in load_factors().values()])
    frame["needs_helper"] = frame["needs_helper"].map({True: "yes", False: "no"})
    return Table(
        frame,
        {
            "clinician_label": "Factor",
            "cold": "Cold",
            "heat": "Heat",
            "massage": "Massage",
            "stretching": "Stretching",
            "needs_helper": "Someone must stay",
        },
    )


def effect_table() -> Table:
    """The published effect sizes (:func:`aftercare.therapies.effect_sizes`), one row each,
    with the estimate and its 95 % confidence interval in one cell."""
    from ..therapies import effect_sizes

    frame = effect_sizes().copy()
    frame["effect"] = [
        f"{format_value(e)} ({format_value(lo)} to {format_value(hi)})"
        if pd.notna(lo) and pd.notna(hi)
        else format_value(e)
        for e, lo, hi in zip(frame["estimate"], frame["ci_low"], frame["ci_high"], strict=True)
    ]
    return Table(
        frame,
        {
            "therapy_name": "Option",
            "measure": "Measure",
            "effect": "Estimate (95 % CI)",
            "scale": "Scale",
            "population": "Population",
            "source_id": "Source",
        },
    )


def points_table() -> Table:
    """The published soreness means (:func:`aftercare.soreness.published_points`)."""
    from ..soreness import published_points

    return Table(
        published_points(),
        {
            "arm_label": "Group",
            "timepoint": "Time point",
            "vas_0_100": "Soreness (VAS 0-100)",
            "spread": "Spread (±)",
            "source_id": "Source",
        },
    )
