"""compare_alternatives: which options suit this patient, and how strong the evidence is.

Suitability comes from the patient's factors (``data/factors.csv``: each therapy names the factor
columns that apply to it) and, for ice, from the protocol's cold levels. Evidence comes from
``data/therapies.yaml``. Suitability is about safety for this patient; the evidence columns say
separately how well each option is supported.

References
----------
Houghton PE, Nussbaum EL, Hoens AM (2010). Physiother Can 62(5):1-80. doi:10.3138/ptc.62.5
Brady D et al. Interventions to reduce soreness after dry needling: a systematic review.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .factors import load_factors, worst_level
from .patient import Patient
from .protocol import Protocol, load_protocol
from .therapies import Therapy, load_therapies

__all__ = ["Alternative", "compare_alternatives", "assess_therapies", "SUITABILITY"]

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

    def __getitem__(self, key: str) -> object:
        return getattr(self, key)


def _assess(therapy: Therapy, patient: Patient, protocol: Protocol) -> Alternative:
    factors = load_factors()
    placeholders = protocol.placeholders()
    levels: list[str] = []
    reasons: list[str] = []
    sources: list[str] = list(therapy.source_ids)
    for factor_id in patient.present_factors:
        factor = factors[factor_id]
        for column in therapy.factor_columns:
            if column == "cold":
                level = protocol.factor_level(factor_id)
            else:
                level = factor.level_for(column)
            if level == "ok":
                continue
            levels.append(level)
            word = "rules it out" if level == "avoid" else "calls for caution"
            reasons.append(
                f"{factor.plain_label} {word} ({column}): "
                + factor.instruction.format_map(placeholders)
            )
            sources.extend(s for s in factor.source_ids if s not in sources)
    level = worst_level(levels)
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
    )


def assess_therapies(patient: Patient, protocol: Protocol) -> tuple[Alternative, ...]:
    """Every therapy assessed for the patient, in table order (used by the planner)."""
    return protocol.memo(
        ("assess", patient.present_factors),
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
