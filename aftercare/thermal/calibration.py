"""Calibration points of the thermal model and the model's value beside each one.

``data/calibration/points.csv`` holds the published averages C1-C7 of the evidence brief, each
with its source id, the quantity it measures and the tolerance it is judged by.
:func:`compare` runs the model for every point (optionally with trial parameter values, as
``scripts/fit_thermal.py`` does) and returns a table with the error of each point.

Studies differ by more than their recorded conditions explain (an ice pack through a damp
towel ended at 10.2 degC in one study, bare crushed ice at 13.8 degC in another, though a damp
towel cools less than a bare pack in the model). The fit gives each study group with fitted
points its own pack-skin contact, a factor ``study_contact_<group>`` times the typical one, and
estimates how far those factors spread (``contact_spread_log_sd``); :func:`compare` uses each
study's own factor unless told to use the typical contact (``own_contact=False``), which is how
a study left out of the fit is predicted. :func:`matching_points` lists the published points
that match a simulated condition, for charts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from ..data import cached_loader, data_path, read_csv_models
from .model import contact_multiplier, cooling_arrays, intramuscular_contact_factor
from .parameters import load_barriers, load_fitted_parameters, load_modalities, resolve
from .points import CalibrationPoint, Quantity, load_points

__all__ = [
    "CalibrationPoint",
    "load_points",
    "model_value",
    "compare",
    "matching_points",
    "load_cross_validation",
    "cross_validated_skin_error_c",
    "FREE_PARAMETERS",
    "MUSCLE_QUANTITIES",
    "STUDY_GROUPS",
]

#: Study groups that get their own contact factor in the fit (those with fitted points; C7's
#: towel resistance is fitted to its one point, so its contact would not be identifiable).
STUDY_GROUPS = ("C1", "C2", "C3", "C5", "C6")

#: Quantities measured in muscle: drawn from the intramuscular calibration.
MUSCLE_QUANTITIES = frozenset(
    {
        "muscle_1cm_drop_c",
        "muscle_3cm_drop_c",
        "minutes_to_7c_fall_1cm",
        "muscle_1cm_rewarm_c",
        "muscle_3cm_rewarm_c",
    }
)

#: The fitted parameters, their units and what they mean.
FREE_PARAMETERS = {
    "h_contact": (
        "W/(m2 K)",
        "typical contact conductance of a cold pack on skin (one for every pack), skin studies",
    ),
    "gel_mass_kg": ("kg", "effective mass of a gel pack (sets its cold capacity)"),
    "r_dry_towel_layer": ("m2 K/W", "thermal resistance of one dry towel layer"),
    "intramuscular_contact_factor": (
        "1",
        "typical contact of the studies that measured muscle (C5, C6) relative to the skin "
        "studies' (C1-C3, C7): fat and muscle are drawn from this calibration, skin from its own",
    ),
    "contact_spread_log_sd": (
        "1 (natural log)",
        "between-study spread of the pack-skin contact: SD of the log of the study factors",
    ),
    "rewarm_perfusion_factor": (
        "1 (fraction of resting blood flow)",
        "blood flow in the cooled tissue during the first vasoconstriction_hold_min after the "
        "pack comes off (then back to rest over vasoconstriction_recovery_min), fitted to the "
        "rewarming 1 cm below the fat in Myrer 2001 (C6) with the cooling parameters held",
    ),
    **{
        f"study_contact_{g}": ("1", f"pack-skin contact in study group {g} relative to typical")
        for g in STUDY_GROUPS
    },
}


def study_factor(
    group: str, overrides: dict[str, float] | None = None, own_contact: bool = True
) -> float:
    """The contact factor of a study group (1 for the typical contact or an unfitted group)."""
    name = f"study_contact_{group}"
    if not own_contact or group not in STUDY_GROUPS:
        return 1.0
    if overrides and name in overrides:
        return float(overrides[name])
    fitted = load_fitted_parameters()
    return fitted[name].value if name in fitted else 1.0


def model_value(
    point: CalibrationPoint,
    overrides: dict[str, float] | None = None,
    own_contact: bool = True,
) -> float:
    """The model's value of ``point.quantity`` under the point's conditions.

    ``own_contact``: use the study's fitted contact factor (True) or the typical contact.
    A muscle quantity is drawn from the intramuscular calibration (the contact times
    :func:`~.model.intramuscular_contact_factor`), a skin quantity from the skin calibration.
    """
    pack = load_modalities()[point.modality]
    if point.mass_kg is not None:
        pack = pack.model_copy(update={"mass_kg": point.mass_kg})
    if point.pack_initial_c is not None:  # a pack the study froze colder than the modality's
        pack = pack.model_copy(update={"initial_c": point.pack_initial_c})
    barrier = load_barriers()[point.barrier]
    h = (
        resolve(
            pack.contact_conductance_w_m2k,
            file="data/modalities.yaml",
            field="contact",
            overrides=overrides,
        )
        * contact_multiplier(pack, barrier)
        * study_factor(point.group, overrides, own_contact)
    )
    if point.quantity in MUSCLE_QUANTITIES:
        h *= intramuscular_contact_factor(overrides)
    r = (
        resolve(
            barrier.resistance_m2k_w,
            file="data/barriers.yaml",
            field="resistance",
            overrides=overrides,
        )
        * barrier.layers
    )
    skinfold = 10.0 if point.skinfold_mm is None else point.skinfold_mm
    times, skin, muscle, _ = cooling_arrays(
        pack,
        h,
        r,
        point.application_min,
        point.rewarm_min,
        skinfold,
        point.baseline_skin_c,
        overrides,
        deep_factor=1.0,
    )
    q = point.quantity
    end = int(np.searchsorted(times, point.application_min - 1e-9))  # the pack comes off
    if q == "muscle_1cm_rewarm_c":
        return float(muscle[-1, 0] - muscle[end, 0])
    if q == "muscle_3cm_rewarm_c":
        return float(muscle[-1, 1] - muscle[end, 1])
    if q == "skin_end_c":
        return float(skin[-1])
    if q == "skin_drop_c":
        return float(skin[0] - skin[-1])
    if q == "muscle_1cm_drop_c":
        return float(muscle[0, 0] - muscle[-1, 0])
    if q == "muscle_3cm_drop_c":
        return float(muscle[0, 1] - muscle[-1, 1])
    if q == "minutes_to_7c_fall_1cm":
        fall = muscle[0, 0] - muscle[:, 0]
        above = np.nonzero(fall >= 7.0)[0]
        if above.size == 0:
            return float("inf")
        j = int(above[0])
        if j == 0:
            return 0.0
        # linear interpolation between the two minutes that bracket a 7 degC fall
        f0, f1 = fall[j - 1], fall[j]
        return float(times[j - 1] + (7.0 - f0) / (f1 - f0) * (times[j] - times[j - 1]))
    # minutes_near_lowest_skin
    lowest = skin[1:].min()
    return float(times[1:][np.nonzero(skin[1:] <= lowest + 0.5)[0][0]])


def compare(
    overrides: dict[str, float] | None = None,
    own_contact: bool = True,
    points: tuple[CalibrationPoint, ...] | None = None,
) -> pd.DataFrame:
    """Every calibration point beside the model, with its error.

    Parameters
    ----------
    overrides : dict, optional
        Trial values of fitted parameters by name (as the fitting script uses).
    own_contact : bool, default True
        Each study with its own fitted contact factor; False: the typical contact for all (how
        the model predicts a study it has not seen).
    points : tuple of CalibrationPoint, optional
        A subset of the points (default all).

    Returns
    -------
    pandas.DataFrame
        One row per point: ``id``, ``group``, ``source_id``, ``quantity``, ``measured``,
        ``model``, ``error`` (model - measured, in the quantity's unit), ``rel_error``
        (error / measured), ``tolerance``, ``tolerance_kind``, ``within`` (bool), ``weight``,
        ``residual`` (scaled error used by the fit) and the condition columns.
    """
    rows = []
    for point in load_points() if points is None else points:
        value = model_value(point, overrides, own_contact)
        error = value - point.measured
        rel = error / point.measured
        scaled_error = rel if point.tolerance_kind == "rel" else error
        rows.append(
            {
                "id": point.id,
                "group": point.group,
                "source_id": point.source_id,
                "modality": point.modality,
                "barrier": point.barrier,
                "application_min": point.application_min,
                "skinfold_mm": point.skinfold_mm,
                "baseline_skin_c": point.baseline_skin_c,
                "quantity": point.quantity,
                "measured": point.measured,
                "measured_low": point.measured_low,
                "measured_high": point.measured_high,
                "model": value,
                "error": error,
                "rel_error": rel,
                "tolerance": point.tolerance,
                "tolerance_kind": point.tolerance_kind,
                "within": bool(abs(scaled_error) <= point.tolerance),
                "weight": point.weight,
                "residual": point.weight * scaled_error / point.tolerance,
            }
        )
    return pd.DataFrame(rows)


#: A published point is drawn on a chart of its modality when its pack started within this
#: many degC of the modality's own starting temperature [degC]: one home freezer (-18 degC) and
#: another (-20 degC) are the same pack; ice frozen to -20 degC is not crushed ice at 0 degC.
PACK_START_MATCH_C = 2.0


def _pack_start_c(point: CalibrationPoint) -> float:
    """The pack's starting temperature at a point [degC] (the study's, else the modality's)."""
    if point.pack_initial_c is not None:
        return point.pack_initial_c
    return load_modalities()[point.modality].initial_c


#: Quantity -> (simulation column, how the published number is placed on the chart).
_DRAWN = {
    "skin_end_c": ("skin_c", "value"),
    "skin_drop_c": ("skin_c", "fall"),
    "muscle_1cm_drop_c": ("muscle_1cm_c", "fall"),
    "muscle_3cm_drop_c": ("muscle_3cm_c", "fall"),
    "minutes_to_7c_fall_1cm": ("muscle_1cm_c", "time_of_7c_fall"),
}


def matching_points(
    modality: str, barrier: str, application_min: float, skinfold_mm: float
) -> pd.DataFrame:
    """Published calibration points measured under a condition, to draw on a cooling chart.

    A point matches when its modality and barrier are the simulated ones, it was measured while
    the pack was on (its time is within ``application_min``), its pack started within
    :data:`PACK_START_MATCH_C` of the modality's own temperature (``pack_initial_c``) and,
    where the study reported a
    skinfold group, ``skinfold_mm`` falls in that group's range (studies that reported no
    skinfold match any). The lowest-skin timing point (C4) is not a temperature and is left out.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``id``, ``source_id``, ``column`` (the simulation column it belongs
        to), ``time_min`` [min], ``placement`` (``"value"``: ``measured`` is a temperature
        [degC]; ``"fall"``: ``measured`` is a fall from the start [degC], drawn below the
        simulated starting value; ``"time_of_7c_fall"``: the time at which a 7 degC fall was
        reached), ``measured``, ``measured_low``, ``measured_high`` (a published range, or
        NaN), ``baseline_skin_c`` (the study's baseline, NaN if not reported) and ``label``.

    Examples
    --------
    >>> pts = matching_points("crushed_ice", "none", 20, 25)
    >>> sorted(pts.id)
    ['C3-ice', 'C6-ge20-1cm', 'C6-ge20-3cm', 'V3-crushed']
    """
    rows = []
    packs = load_modalities()
    for p in load_points():
        if (
            p.quantity not in _DRAWN
            or p.after_removal
            or p.modality != modality
            or p.barrier != barrier
            or abs(_pack_start_c(p) - packs[p.modality].initial_c) > PACK_START_MATCH_C
        ):
            continue
        column, placement = _DRAWN[p.quantity]
        time = p.measured if placement == "time_of_7c_fall" else p.application_min
        if time > application_min + 1e-9:
            continue
        low = 0.0 if p.skinfold_low_mm is None else p.skinfold_low_mm
        high = 80.0 if p.skinfold_high_mm is None else p.skinfold_high_mm
        if p.skinfold_low_mm is not None and not low <= skinfold_mm <= high:
            continue
        group = "" if p.skinfold_low_mm is None else f", skinfold {p.skinfold_low_mm:g}"
        group += (
            ""
            if p.skinfold_low_mm is None
            else (
                f"-{p.skinfold_high_mm:g} mm" if p.skinfold_high_mm is not None else " mm or more"
            )
        )
        rows.append(
            {
                "id": p.id,
                "source_id": p.source_id,
                "column": column,
                "time_min": float(time),
                "placement": placement,
                "measured": p.measured,
                "measured_low": np.nan if p.measured_low is None else p.measured_low,
                "measured_high": np.nan if p.measured_high is None else p.measured_high,
                "baseline_skin_c": np.nan if p.baseline_skin_c is None else p.baseline_skin_c,
                "label": f"{p.source_id}{group}",
            }
        )
    columns = [
        "id",
        "source_id",
        "column",
        "time_min",
        "placement",
        "measured",
        "measured_low",
        "measured_high",
        "baseline_skin_c",
        "label",
    ]
    return pd.DataFrame(rows, columns=columns)


class CrossValidationRow(BaseModel):
    """One row of ``data/calibration/cross_validation.csv`` (written by the fitting script)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    group: str
    quantity: Quantity
    measured: float
    left_out_model: float | None = None
    error: float | None = None


@cached_loader
def load_cross_validation() -> pd.DataFrame:
    """Leave-one-study-out predictions of every calibration point (cached).

    ``scripts/fit_thermal.py`` refits the model without each study group and predicts that
    group's points with the typical contact. Columns: ``id``, ``group``, ``quantity``,
    ``measured``, ``left_out_model`` and ``error`` (left-out model - measured; empty where the
    left-out fit cannot predict the point, as for the only towel study, C7).
    """
    rows = read_csv_models(data_path("calibration", "cross_validation.csv"), CrossValidationRow)
    return pd.DataFrame(
        [r.model_dump() for r in rows], columns=list(CrossValidationRow.model_fields)
    )


def cross_validated_skin_error_c() -> float:
    """Root-mean-square error [degC] of skin temperatures predicted for studies left out.

    The figure that says how far a skin temperature from the model can be from what a study
    it has not seen measured (``docs/calibration.md``, "Cross-validation").

    Examples
    --------
    >>> 0 < cross_validated_skin_error_c() < 10
    True
    """
    table = load_cross_validation()
    held_apart = {p.id for p in load_points() if p.held_apart}  # never in a fit to leave out
    chosen = (table["quantity"] == "skin_end_c") & ~table["id"].isin(held_apart)
    errors = table.loc[chosen, "error"].astype(float)
    return float(np.sqrt(np.mean(errors**2)))
