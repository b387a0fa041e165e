"""compare_alternatives: which options suit this patient, and how strong the evidence is.

Suitability comes from the patient's factors (``data/factor_levels.csv``: each therapy names the
options that apply to it) and, for ice, from the protocol's cold levels. The supervision rule: a
factor that needs someone to stay with the patient (``needs_helper``) rules out self-applied
cold and heat unless ``Patient.has_helper`` is true. Evidence comes from
``data/therapies.yaml``. Suitability is about safety for this patient; the evidence columns say
separately how well each option is supported.

References
----------
Houghton PE, Nussbaum EL, Hoens AM (2010). Physiother Can 62(5):1-80. doi:10.3138/ptc.62.5
Brady D et al. Interventions to reduce soreness after dry needling: a systematic review.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .factors import load_factors, worst_level
from .instructions import load_steps
from .patient import Patient
from .protocol import Protocol, load_protocol
from .therapies import Therapy, load_therapies

__all__ = ["Alternative", "Limit", "compare_alternatives", "assess_therapies", "SUITABILITY"]

SUITABILITY = {"ok": "recommended", "caution": "caution", "avoid": "avoid"}
COLUMNS = [
    "therapy",
    "name",
    "plain_name",
    "delivered_by",
    "suitability",
    "reasons",
    "evidence_level",
    "evidence_summary",
    "source_ids",
]
#: Options that the supervision rule rules out when self-applied without a helper.
SUPERVISED_OPTIONS = ("cold", "heat")


@dataclass(frozen=True)
class Limit:
    """Why one present factor limits one option (cold, heat, massage, stretching) here."""

    factor: str
    option: str
    level: str  # "caution" or "avoid"
    plain_reason: str  # for the patient (the sheet translates it)
    source_ids: tuple[str, ...]
    protocol_choice: bool  # no source read settles this level
    supervision: bool = False  # "avoid" because nobody stays with the patient


@dataclass(frozen=True)
class Alternative:
    """One therapy assessed for one patient."""

    therapy: str
    name: str
    plain_name: str
    delivered_by: str
    suitability: str
    reasons: str
    evidence_level: str
    evidence_summary: str
    source_ids: tuple[str, ...]
    limits: tuple[Limit, ...] = field(default=(), repr=False)

    def __getitem__(self, key: str) -> object:
        return getattr(self, key)


def factor_limit(
    factor_id: str, option: str, patient: Patient, protocol: Protocol, *, self_applied: bool
) -> Limit | None:
    """How factor ``factor_id`` limits ``option`` for this patient, or None when it does not.

    The level is the factor table's (for cold: the protocol's, which may override it). The
    supervision rule: a factor that ``needs_helper`` makes self-applied cold and heat ``avoid``
    unless ``patient.has_helper``.
    """
    factor = load_factors()[factor_id]
    row = factor.limit(option)
    level = protocol.factor_level(factor_id) if option == "cold" else factor.level_for(option)
    supervised = (
        self_applied
        and option in SUPERVISED_OPTIONS
        and factor.needs_helper
        and not patient.has_helper
    )
    if supervised and level != "avoid":
        step = load_steps()["no_helper"]
        sources = step.source_ids + tuple(s for s in (row.source_ids if row else ()) if s)
        return Limit(
            factor_id, option, "avoid", step.fill({}), tuple(dict.fromkeys(sources)), False, True
        )
    if level == "ok":
        return None
    if row is not None:
        return Limit(
            factor_id, option, level, row.plain_reason, row.source_ids, row.protocol_choice
        )
    # The protocol raised a level the factor table leaves at ok.
    return Limit(factor_id, option, level, factor.plain_label + ".", factor.source_ids, True)


def _assess(therapy: Therapy, patient: Patient, protocol: Protocol) -> Alternative:
    factors = load_factors()
    limits: list[Limit] = []
    reasons: list[str] = []
    sources: list[str] = list(therapy.source_ids)
    self_applied = therapy.delivered_by == "patient"
    for factor_id in patient.present_factors:
        for column in therapy.factor_columns:
            limit = factor_limit(factor_id, column, patient, protocol, self_applied=self_applied)
            if limit is None:
                continue
            limits.append(limit)
            word = "rules it out" if limit.level == "avoid" else "calls for caution"
            note = " (protocol's choice)" if limit.protocol_choice else ""
            reasons.append(
                f"{factors[factor_id].plain_label} {word} ({column}): {limit.plain_reason}{note}"
            )
            sources.extend(s for s in limit.source_ids if s not in sources)
    level = worst_level([limit.level for limit in limits])
    if not reasons:
        reasons.append("No factor recorded for this patient limits this option.")
    if therapy.delivered_by == "clinician":
        reasons.append(
            "Given by the clinician at the visit, who screens for its own "
            "contraindications; not a self-care step."
        )
    return Alternative(
        therapy=therapy.id,
        name=therapy.name,
        plain_name=therapy.plain_name,
        delivered_by=therapy.delivered_by,
        suitability=SUITABILITY[level],
        reasons=" ".join(reasons),
        evidence_level=therapy.evidence_level,
        evidence_summary=" ".join(therapy.evidence_summary.split()),
        source_ids=tuple(sources),
        limits=tuple(limits),
    )


def assess_therapies(patient: Patient, protocol: Protocol) -> tuple[Alternative, ...]:
    """Every therapy assessed for the patient, in table order (used by the planner)."""
    return protocol.memo(
        ("assess", patient.present_factors, patient.has_helper),
        lambda: tuple(_assess(t, patient, protocol) for t in load_therapies().values()),
    )


def compare_alternatives(patient: Patient, protocol: Protocol | str | None = None) -> pd.DataFrame:
    """One row per therapy: its suitability for this patient and the evidence behind it.

    Parameters
    ----------
    patient : Patient
    protocol : Protocol, str or None
        The protocol (its cold levels per factor apply to ice); ``None`` for the default.

    Returns
    -------
    pandas.DataFrame
        Columns: therapy, name, plain_name, delivered_by, suitability ("recommended",
        "caution" or "avoid"), reasons (plain language), evidence_level ("PNS trials",
        "indirect" or "opinion only"), evidence_summary, source_ids (tuple of ids).

    Examples
    --------
    >>> table = compare_alternatives(Patient(raynauds=True))
    >>> table.set_index("therapy").loc["ice", "suitability"]
    'avoid'
    """
    if not isinstance(patient, Patient):
        raise TypeError("patient must be an aftercare.Patient")
    protocol = load_protocol(protocol)
    rows = [a.__dict__ for a in assess_therapies(patient, protocol)]
    return pd.DataFrame(rows, columns=COLUMNS)
