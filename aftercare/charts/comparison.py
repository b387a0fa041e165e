"""Chart: two protocol presets side by side for one patient.

Two schedule strips on one 0-72 h axis (wait, then ice sessions; sleep shaded across both) and a
table of the rules that differ, each with its value under either protocol, so a class can see
what changes when a clinic switches presets.
"""

from __future__ import annotations

from typing import Any

from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator

from ..errors import InputError
from ..packs import load_barriers, load_modalities
from . import style
from .timeaxis import MIN_AXIS_H, check_plan, clock_twin, minutes_of_day, session_spans, spans

__all__ = ["protocol_comparison"]

RULES = (
    ("wait_hours", "Wait", "h"),
    ("max_session_minutes", "Longest session", "min"),
    ("interval_hours", "Start to start", "h"),
    ("plan_hours", "Plan length", "h"),
    ("barrier", "Barrier", ""),
    ("modality", "Cold source", ""),
)


def _value(protocol: Any, name: str) -> str:
    value = getattr(protocol, name, "?")
    if isinstance(value, float):
        return f"{value:g}"
    labels = {"barrier": load_barriers(), "modality": load_modalities()}.get(name, {})
    return labels[value].short_label if value in labels else str(value)


def protocol_comparison(plan_a: Any, plan_b: Any) -> Figure:
    """Chart two icing plans (two protocol presets, one patient) side by side.

    Parameters
    ----------
    plan_a, plan_b : aftercare.IcingPlan
        Results of :func:`aftercare.plan_icing` for the same patient under two protocols.

    Returns
    -------
    matplotlib.figure.Figure
        With ``caption`` and ``alt_text``.

    Raises
    ------
    aftercare.errors.InputError
        If either argument is not a plan (the message names ``plan_a`` or ``plan_b`` and the
        missing field), or the two plans are for different patients.

    Examples
    --------
    >>> from aftercare import Patient, plan_icing
    >>> p = Patient(hours_since_needling=0)
    >>> fig = protocol_comparison(plan_icing(p, "seed-article"), plan_icing(p, "early-cold"))
    >>> "early-cold" in fig.alt_text
    True
    """
    check_plan(plan_a, "plan_a")
    check_plan(plan_b, "plan_b")
    if plan_a.patient != plan_b.patient:
        raise InputError(
            "plan_b",
            "a plan for a different patient",
            "a plan for the same patient as plan_a",
            "Compare protocols for one patient at a time.",
        )
    with style.house_rc():
        return _draw(plan_a, plan_b)


def _draw(plan_a: Any, plan_b: Any) -> Figure:
    fig = style.new_figure()
    x_max = max(MIN_AXIS_H, float(plan_a.horizon_h), float(plan_b.horizon_h))
    needled = minutes_of_day(plan_a.patient.needled_at)
    ax = fig.add_axes((0.165, 0.18, 0.42, 0.62))
    ax.set_xlim(0, x_max)
    ax.set_ylim(-0.6, 3.5)
    ax.set_xlabel("Hours since needling (h)")
    ax.xaxis.set_major_locator(MultipleLocator(12))
    ax.grid(False, axis="y")
    ax.spines["left"].set_visible(False)
    clock = clock_twin(ax, x_max)
    clock.xaxis.set_major_formatter(lambda h, _p: style.day_clock_label(needled, h))
    rows = [(plan_b, 0), (plan_a, 2)]  # A on top
    ticks, labels = [], []
    xform = ax.get_xaxis_transform()
    sleep = [(max(0.0, a), min(x_max, b)) for a, b in plan_a.sleep_windows]
    ax.add_collection(
        PolyCollection(
            spans(sleep, 0, 1),
            facecolor=style.COLORS["sleep"],
            alpha=0.35,
            transform=xform,
            hatch="..",
            edgecolor="#999999",
            linewidth=0,
            label="asleep",
        )
    )
    for (plan, base), letter in zip(rows, "BA", strict=False):
        name = plan.protocol.name
        wait = [(0.0, min(x_max, float(plan.wait_until_h)))]
        ice = [(a, max(b, a + 0.25)) for a, b in session_spans(plan)]
        ax.add_collection(
            PolyCollection(
                spans(wait, base + 0.7, base + 1.3),
                facecolor=style.COLORS["wait"],
                hatch="//",
                edgecolor="#7A4F00",
                linewidth=0.8,
                label="wait, no ice" if base == 2 else None,
            )
        )
        ax.add_collection(
            PolyCollection(
                spans(ice, base - 0.3, base + 0.3),
                facecolor=style.COLORS["ice"],
                edgecolor=style.COLORS["ice"],
                linewidth=1.2,
                label="ice session" if base else None,
            )
        )
        ticks += [base, base + 1]
        labels += [f"{letter}: {name}\nice ({len(plan.sessions)})", f"{letter}: wait"]
    ax.set_yticks(ticks, labels)
    now = float(plan_a.patient.hours_since_needling)
    ax.axvline(now, color=style.COLORS["now"], linestyle="-.", linewidth=2, label="now")
    ax.legend(loc="upper left", bbox_to_anchor=(-0.3, -0.12), ncols=4, frameon=False)

    # Table of rules.
    c0, c1, c2 = 0.61, 0.83, 0.94
    fig.text(c0, 0.80, "Rule", fontsize=12, fontweight="bold")
    fig.text(c1, 0.80, "A", fontsize=12, fontweight="bold", ha="center")
    fig.text(c2, 0.80, "B", fontsize=12, fontweight="bold", ha="center")
    y = 0.735
    differences = []
    for plan, col in ((plan_a, c1), (plan_b, c2)):
        level = style.LEVEL_STYLE.get(plan.verdict, style.LEVEL_STYLE["caution"])
        fig.text(
            col,
            y,
            level["label"].upper(),
            fontsize=12,
            ha="center",
            fontweight="bold",
            bbox=dict(
                facecolor=level["color"],
                alpha=0.3,
                hatch=level["hatch"],
                edgecolor=level["color"],
                boxstyle="round,pad=0.2",
            ),
        )
    fig.text(c0, y, "Verdict", fontsize=12)
    y -= 0.075
    for rule, label, unit in RULES:
        va, vb = _value(plan_a.protocol, rule), _value(plan_b.protocol, rule)
        weight = "bold" if va != vb else "normal"
        fig.text(c0, y, f"{label}" + (f" ({unit})" if unit else ""), fontsize=12)
        fig.text(c1, y, va, fontsize=12, ha="center", fontweight=weight)
        fig.text(c2, y, vb, fontsize=12, ha="center", fontweight=weight)
        if va != vb:
            differences.append(f"{label.lower()}: {va} vs {vb}{' ' + unit if unit else ''}")
        y -= 0.075
    minutes_a = float(plan_a.sessions["minutes"].sum()) if len(plan_a.sessions) else 0.0
    minutes_b = float(plan_b.sessions["minutes"].sum()) if len(plan_b.sessions) else 0.0
    fig.text(c0, y, "Ice in total (min)", fontsize=12)
    fig.text(c1, y, f"{minutes_a:g}", fontsize=12, ha="center")
    fig.text(c2, y, f"{minutes_b:g}", fontsize=12, ha="center")
    fig.text(c0, y - 0.07, "Bold: the rule differs.", fontsize=12, color="#555555")
    fig.text(
        0.015,
        0.975,
        f"Two protocols, one patient: A = {plan_a.protocol.name}, B = {plan_b.protocol.name}",
        ha="left",
        va="top",
        fontsize=15,
        fontweight="bold",
    )

    def describe(plan: Any) -> str:
        first = plan.sessions["clock_time"].iloc[0] if len(plan.sessions) else "none"
        total = float(plan.sessions["minutes"].sum()) if len(plan.sessions) else 0.0
        return (
            f"'{plan.protocol.name}': verdict {plan.verdict}; wait {plan.wait_until_h:g} h; "
            f"{len(plan.sessions)} sessions, {total:g} min of ice in total; first session "
            f"{first}; plan ends at {plan.horizon_h:g} h"
        )

    alt = (
        f"Two schedule strips over 0 to {x_max:g} hours after needling at "
        f"{style.clock_label(needled, 0)} for the same patient. {describe(plan_a)}. "
        f"{describe(plan_b)}. Rules that differ: {'; '.join(differences) or 'none'}."
    )
    caption = (
        f"The same patient under '{plan_a.protocol.name}' and '{plan_b.protocol.name}': "
        f"{len(plan_a.sessions)} vs {len(plan_b.sessions)} ice sessions, first ice after "
        f"{plan_a.wait_until_h:g} h vs {plan_b.wait_until_h:g} h."
    )
    return style.set_text_alternative(fig, caption, alt)
