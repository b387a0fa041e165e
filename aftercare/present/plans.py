"""A plan, a case story and a chart caption as readable text (HTML), not printed monospace.

:func:`plan_report` shows a plan the way a clinician reads it: the protocol (title, version,
date), the verdict with its reason, the sessions in one sentence, each flag and each step with
its reason and sources. The planner app's text panel uses the same pieces
(:func:`flags_html`, :func:`steps_html`). :func:`show` displays a chart with its alt text and
its caption as HTML text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ..palette import LEVEL_STYLE
from .parts import Parts, sources_html

__all__ = [
    "plan_report",
    "flags_html",
    "steps_html",
    "verdict_html",
    "sessions_sentence",
    "protocol_line",
    "text_report",
    "show",
    "caption_html",
    "LEVEL_COLORS",
]

#: Border colour of a verdict (the house palette's; the verdict is always written out too).
LEVEL_COLORS = {level: LEVEL_STYLE[level]["color"] for level in ("ok", "caution", "avoid")}
_LEVEL_WORDS = {level: LEVEL_STYLE[level]["label"].upper() for level in LEVEL_COLORS}
#: Estimated lines of step text one part of a plan report holds (one part per slide in a deck:
#: about 100 characters a line at the deck's text size, below a heading).
STEP_LINES_PER_PART = 20
#: Characters in one line of step text on a slide (an estimate for splitting, not a layout).
STEP_CHARS_PER_LINE = 100


def protocol_line(protocol: Any) -> str:
    """``Protocol: <title> (name, version 1.0, effective 2026-11-27)``."""
    return (
        f"Protocol: {protocol.title} ({protocol.name}, version {protocol.version}, "
        f"effective {protocol.effective_date.isoformat()})"
    )


def sessions_sentence(plan: Any) -> str:
    """The sessions in one sentence; says plainly when there is no ice plan or no wait.

    Examples
    --------
    >>> from aftercare import Patient, plan_icing
    >>> sessions_sentence(plan_icing(Patient(needled_at="09:00"), "seed-article"))
    '9 ice sessions of up to 20 minutes; the first on day 1 at 12:00, after a 3-hour wait.'
    """
    if plan.verdict == "avoid":
        return "No ice plan: ice is ruled out for this patient."
    sessions = plan.sessions
    if sessions.empty:
        return "No ice sessions are left in this plan's time window."
    first = sessions.iloc[0]
    count = len(sessions)
    wait = float(plan.wait_until_h)
    after = "with no wait after needling" if wait == 0 else f"after a {wait:g}-hour wait"
    return (
        f"{count} ice session{'s' if count != 1 else ''} of up to {plan.session_minutes} minutes; "
        f"the first on day {int(first.day)} at {first.clock_time}, {after}."
    )


def verdict_html(plan: Any) -> str:
    """The verdict in words and colour, with its reason (``role="status"``)."""
    color = LEVEL_COLORS.get(plan.verdict, LEVEL_COLORS["caution"])
    word = _LEVEL_WORDS.get(plan.verdict, plan.verdict.upper())
    return (
        f'<div class="aftercare-verdict-box aftercare-verdict-{html.escape(plan.verdict)}" '
        f'role="status" style="border-left:6px solid {color};padding:0.1em 0.6em"><b>Verdict: {word}</b> '
        f"{html.escape(plan.verdict_reason)}</div>"
    )


def flags_html(flags: Sequence[Any]) -> str:
    """Each flag with its level, reason and sources (empty when there are none)."""
    if not flags:
        return ""
    items = "".join(
        f"<li><b>{html.escape(f.level.upper())}: {html.escape(f.label)}.</b> "
        f"{html.escape(f.reason)}{sources_html(f.source_ids)}</li>"
        for f in flags
    )
    return f'<p><b>Flags</b></p><ul class="aftercare-flags">{items}</ul>'


def steps_html(steps: Sequence[Any], start: int = 1) -> str:
    """Numbered steps, each with *Why:* its reason and its sources."""
    items = "".join(
        f"<li>{html.escape(str(s))} <i>Why:</i> {html.escape(s.reason)}"
        f"{sources_html(s.source_ids)}</li>"
        for s in steps
    )
    first = f' start="{start}"' if start != 1 else ""
    return f'<ol class="aftercare-steps"{first}>{items}</ol>'


def _step_lines(step: Any) -> int:
    """Estimated lines a step takes on a slide: its text, *Why:*, reason and sources."""
    chars = len(str(step)) + len(" Why: ") + len(step.reason) + len(", ".join(step.source_ids))
    return -(-(chars + len(" [sources: ]")) // STEP_CHARS_PER_LINE)


def _step_chunks(steps: Sequence[Any], lines_per_part: int) -> list[list[Any]]:
    """Steps in order, grouped so each group's estimated lines fit one part (at least one each)."""
    chunks: list[list[Any]] = []
    used = lines_per_part
    for step in steps:
        lines = _step_lines(step)
        if used + lines > lines_per_part:
            chunks.append([])
            used = 0
        chunks[-1].append(step)
        used += lines
    return chunks


def plan_report(
    plan: Any, *, steps: bool = True, lines_per_part: int = STEP_LINES_PER_PART
) -> Parts:
    """A plan as HTML text: protocol, verdict, sessions, flags, then the steps in parts.

    With ``steps=False`` only the first part (protocol, verdict, sessions and flags): what fits
    one projected slide when the steps are shown elsewhere (the planner app lists them).

    Examples
    --------
    >>> from aftercare import Patient, plan_icing
    >>> report = plan_report(plan_icing(Patient(raynauds=True), "seed-article"))
    >>> "No ice plan" in report._repr_html_() and "Verdict: AVOID" in repr(report)
    True
    """
    head = (
        f"<p>{html.escape(protocol_line(plan.protocol))}</p>"
        + verdict_html(plan)
        + f"<p>{html.escape(sessions_sentence(plan))}</p>"
    )
    flags = flags_html(plan.flags)
    step_parts = []
    number = 1
    for n, chunk in enumerate(_step_chunks(plan.instructions, lines_per_part)):
        step_parts.append(("<p><b>Steps</b></p>" if n == 0 else "") + steps_html(chunk, number))
        number += len(chunk)
    parts = [head + flags] if len(plan.flags) <= 1 else [head, flags]
    if not steps:
        return Parts(parts, _plan_text(plan, steps=False))
    return Parts([*parts, *step_parts], _plan_text(plan))


def _plan_text(plan: Any, steps: bool = True) -> str:
    lines = [
        protocol_line(plan.protocol),
        f"Verdict: {_LEVEL_WORDS.get(plan.verdict, plan.verdict.upper())} - {plan.verdict_reason}",
        sessions_sentence(plan),
    ]
    for flag in plan.flags:
        lines.append(
            f"{flag.level.upper()}: {flag.label}. {flag.reason} [{', '.join(flag.source_ids)}]"
        )
    for number, step in enumerate(plan.instructions if steps else (), start=1):
        lines.append(f"{number}. {step} [{', '.join(step.source_ids)}]")
    return "\n".join(lines)


def text_report(text: str) -> Parts:
    """Plain text in paragraphs (blank-line separated) as HTML; the first paragraph in bold.

    Used for the case stories, which are written as plain text in ``data/cases.yaml``.
    """
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]
    body = "".join(
        f"<p><b>{html.escape(p)}</b></p>" if i == 0 else f"<p>{html.escape(p)}</p>"
        for i, p in enumerate(paragraphs)
    )
    return Parts([body], text.strip())


def caption_html(fig: Any) -> str:
    """A chart's caption as an HTML paragraph."""
    return f'<p class="aftercare-caption">{html.escape(getattr(fig, "caption", ""))}</p>'


class _Caption:
    def __init__(self, fig: Any) -> None:
        self.fig = fig

    def _repr_html_(self) -> str:
        return caption_html(self.fig)

    def __repr__(self) -> str:
        return str(getattr(self.fig, "caption", ""))


def show(fig: Any) -> None:
    """Display a chart with its alt text, then its caption as text (two outputs).

    Examples
    --------
    >>> from aftercare import Patient, plan_icing
    >>> from aftercare.charts import icing_timeline
    >>> show(icing_timeline(plan_icing(Patient(), "seed-article")))  # doctest: +SKIP
    """
    from IPython.display import display

    from ..charts.style import smallest_text_px

    # text_px: the smallest text in the PNG, so a deck's test can measure it on screen.
    metadata = {"alt": getattr(fig, "alt_text", ""), "text_px": smallest_text_px(fig)}
    display(fig, metadata={"image/png": metadata})
    display(_Caption(fig))
