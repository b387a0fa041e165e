"""Results as people read them: formatted tables, plan reports and captioned charts.

Notebooks and exported decks show these instead of printed DataFrames or monospace text:

* :func:`rule_table`, :func:`rule_comparison`, :func:`sessions_table`, :func:`factor_table`,
  :func:`effect_table`, :func:`points_table`, :func:`verdict_table`, :func:`barrier_table`
  and :class:`Table` for any DataFrame;
* :func:`plan_report` for a plan (verdict, sessions, flags and steps with reasons and sources);
* :func:`text_report` for plain text in paragraphs (the case stories);
* :func:`show` for a chart: the image with its alt text, then its caption as text;
* :func:`references` for a notebook's References section: every source id it cites in its text
  or shows in its outputs, in full citation form from ``data/sources.csv``.

Long output is made of parts (:class:`Parts`): one block in a notebook, one slide per part in
an exported deck.

Examples
--------
>>> from aftercare import load_protocol
>>> from aftercare.present import rule_table
>>> "20 min" in repr(rule_table(load_protocol("seed-article")))
True
"""

from .parts import HOUSE_CSS, SLIDE_BREAK, Parts, sources_html, sources_text, split_parts
from .plans import (
    caption_html,
    flags_html,
    plan_report,
    protocol_line,
    sessions_sentence,
    show,
    steps_html,
    text_report,
    verdict_html,
)
from .references import References, reference_list, references
from .tables import (
    RULE_LABELS,
    Table,
    barrier_table,
    effect_table,
    factor_table,
    format_value,
    points_table,
    rule_comparison,
    rule_table,
    sessions_table,
    verdict_table,
)

__all__ = [
    "HOUSE_CSS",
    "SLIDE_BREAK",
    "Parts",
    "References",
    "Table",
    "RULE_LABELS",
    "barrier_table",
    "caption_html",
    "effect_table",
    "factor_table",
    "flags_html",
    "format_value",
    "plan_report",
    "points_table",
    "protocol_line",
    "reference_list",
    "references",
    "rule_comparison",
    "rule_table",
    "sessions_sentence",
    "sessions_table",
    "show",
    "sources_html",
    "sources_text",
    "split_parts",
    "steps_html",
    "text_report",
    "verdict_html",
    "verdict_table",
]
