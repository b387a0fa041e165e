"""What one patient's sheet says, decided once per option, before any wording or layout.

:func:`sheet_content` turns a plan (:func:`aftercare.plan_icing`) into one language-neutral,
frozen structure: for each option (ice, heat, massage, stretching, movement and the options the
clinician gives) whether it is *allowed*, allowed *with care* or *ruled out*, the conditions
and plain reasons that decided it (with their sources), and only the advice that applies while
it is allowed (``data/factor_advice.csv``, keyed by option). A condition's advice about an option
that another condition rules out is therefore never on the sheet; what is ruled out is said once,
in the sheet's "Do not use" box. The handout (:mod:`.handout`) translates and renders this
structure; it decides nothing itself.

Texts here are the data files' English wording (message ids of the translation catalogues),
never translated strings.

References
----------
Houghton PE, Nussbaum EL, Hoens AM (2010). Electrophysical agents: contraindications and
precautions. Physiother Can 62(5):1-80. doi:10.3138/ptc.62.5
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..advice import ANY, Advice, applicable_advice
from ..alternatives import Alternative
from ..data import IdList, cached_loader, data_path, read_csv_models
from ..factors import load_factors
from ..sources import check_source_ids
from ..therapies import load_therapies

if TYPE_CHECKING:
    from ..planner import IcingPlan

__all__ = [
    "STATUSES",
    "Decision",
    "Line",
    "OptionPlan",
    "SiteAlert",
    "SheetContent",
    "sheet_content",
    "load_site_alerts",
]

_ALERTS = "data/site_alerts.csv"

#: What the sheet says of an option, from the option's suitability.
STATUSES = {"recommended": "allowed", "caution": "with_care", "avoid": "ruled_out"}


@dataclass(frozen=True)
class Decision:
    """One condition that limits one option, with its plain reason (English data text)."""

    factor: str
    level: str  # "caution" or "avoid"
    reason: str
    source_ids: tuple[str, ...]
    protocol_choice: bool
    for_want_of_helper: bool  # ruled out only because no one stays with the patient


@dataclass(frozen=True)
class Line:
    """One piece of advice: English data text, the option it speaks of and the factors behind it.

    ``option`` is a therapy id, or ``"any"`` for advice that holds whatever is ruled out.
    """

    option: str
    audience: str
    text: str
    factors: tuple[str, ...]
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class OptionPlan:
    """One option decided for this patient."""

    option: str  # therapy id
    delivered_by: str  # "patient" or "clinician"
    status: str  # "allowed", "with_care" or "ruled_out"
    decisions: tuple[Decision, ...]
    lines: tuple[Line, ...]  # the advice that applies while it is allowed; () when ruled out
    source_ids: tuple[str, ...]

    @property
    def ruled_out(self) -> bool:
        return self.status == "ruled_out"

    @property
    def needs_helper_only(self) -> bool:
        """Ruled out, and someone staying with the patient would lift every ban on it."""
        bans = [d for d in self.decisions if d.level == "avoid"]
        return self.ruled_out and bool(bans) and all(d.for_want_of_helper for d in bans)


class SiteAlert(BaseModel):
    """A row of ``data/site_alerts.csv``: for the clinician, needling at a site with this
    condition is a question to check in the clinic's dry-needling safety guidance."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    factor: str
    check: Literal["contraindication", "precaution"]
    source_ids: IdList = ()  # published dry-needling safety guidance; () when none was read
    note: str = Field(min_length=1)

    @model_validator(mode="after")
    def _known(self) -> SiteAlert:
        if self.factor not in load_factors():
            raise ValueError(
                f"unknown factor {self.factor!r}; factors: {', '.join(load_factors())}"
            )
        return self

    @property
    def confirmed(self) -> bool:
        return bool(self.source_ids)


@cached_loader
def load_site_alerts() -> dict[str, SiteAlert]:
    """``data/site_alerts.csv`` keyed by factor; every source id is checked."""
    rows = read_csv_models(data_path("site_alerts.csv"), SiteAlert, key="factor")
    for row in rows:
        if row.source_ids:
            check_source_ids(row.source_ids, file=_ALERTS, column=f"source_ids ({row.factor})")
    return {row.factor: row for row in rows}


@dataclass(frozen=True)
class SheetContent:
    """Everything one sheet decides, language-neutral and layout-free."""

    verdict: str  # the plan's ice verdict: "ok", "caution" or "avoid"
    options: tuple[OptionPlan, ...]
    general: tuple[Line, ...]  # patient advice that holds whatever is ruled out
    carer: tuple[Line, ...]  # advice to the person who cares for the patient
    screened: tuple[tuple[str, bool], ...]  # every factor screened, and whether present
    site_alerts: tuple[SiteAlert, ...]

    def option(self, option: str) -> OptionPlan:
        for plan in self.options:
            if plan.option == option:
                return plan
        raise KeyError(option)

    @property
    def ruled_out(self) -> frozenset[str]:
        return frozenset(p.option for p in self.options if p.ruled_out)

    def lines(self) -> tuple[Line, ...]:
        """Every line the sheet prints, options' first."""
        return (*(line for p in self.options for line in p.lines), *self.general, *self.carer)


def _grouped(rows: Iterable[Advice]) -> tuple[Line, ...]:
    """Advice rows as lines, each text once with every factor that gives it."""
    lines: dict[tuple[str, str, str], Line] = {}
    for row in rows:
        key = (row.option, row.audience, row.text)
        old = lines.get(key)
        factors = (*old.factors, row.factor) if old else (row.factor,)
        sources = (*old.source_ids, *row.sources()) if old else row.sources()
        lines[key] = Line(
            row.option, row.audience, row.text, factors, tuple(dict.fromkeys(sources))
        )
    return tuple(lines.values())


def _decisions(alt: Alternative) -> tuple[Decision, ...]:
    return tuple(
        Decision(
            lim.factor,
            lim.level,
            lim.plain_reason,
            lim.source_ids,
            lim.protocol_choice,
            lim.supervision,
        )
        for lim in alt.limits
    )


def sheet_content(plan: IcingPlan) -> SheetContent:
    """The sheet of ``plan``, decided per option.

    Parameters
    ----------
    plan : IcingPlan
        The patient's plan (:func:`aftercare.plan_icing`); its ``patient`` and ``assessments``
        decide every option.

    Returns
    -------
    SheetContent
        Frozen; advice only for options that are not ruled out.

    Examples
    --------
    >>> from aftercare import Patient, plan_icing
    >>> content = sheet_content(plan_icing(Patient(raynauds=True, bleeding_risk=True)))
    >>> sorted(content.ruled_out)
    ['heat', 'ice', 'spray_and_stretch']
    >>> [line.option for line in content.lines() if line.option in content.ruled_out]
    []
    """
    present = tuple(plan.patient.present_factors)
    therapies = load_therapies()
    ruled_out = {a.therapy for a in plan.assessments if STATUSES[a.suitability] == "ruled_out"}
    # The one filter: advice about an option that is ruled out is never on the sheet.
    advice = applicable_advice(present, ruled_out=ruled_out)
    mine = [a for a in advice if a.audience == "patient"]
    alerts = load_site_alerts()
    return SheetContent(
        verdict=plan.verdict,
        options=tuple(
            OptionPlan(
                alt.therapy,
                therapies[alt.therapy].delivered_by,
                STATUSES[alt.suitability],
                _decisions(alt),
                _grouped(a for a in mine if a.option == alt.therapy),
                alt.source_ids,
            )
            for alt in plan.assessments
        ),
        general=_grouped(a for a in mine if a.option == ANY),
        carer=_grouped(a for a in advice if a.audience == "carer"),
        screened=tuple((fid, fid in present) for fid in load_factors()),
        site_alerts=tuple(alerts[fid] for fid in present if fid in alerts),
    )
