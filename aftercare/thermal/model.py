"""Public simulation functions of :mod:`aftercare.thermal` (see the package docstring)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import data_cache
from ..errors import InputError, check_choice, check_number
from . import solver
from .parameters import (
    Barrier,
    HeatSource,
    Pack,
    Tissue,
    load_barriers,
    load_heat_sources,
    load_modalities,
    load_tissue,
    resolve,
)
from .points import load_points
from .thresholds import burn_threshold

__all__ = [
    "COLUMNS",
    "LIMITS",
    "simulate_cooling",
    "simulate_heating",
    "session_end_skin_c",
    "session_end_skin_band_c",
    "cooling_band",
    "band_arrays",
    "contact_spread_log_sd",
    "cooling_arrays",
    "heating_arrays",
    "recovery",
]

COLUMNS = ("time_min", "skin_c", "muscle_1cm_c", "muscle_3cm_c", "fat_c")
#: The temperature columns of :func:`simulate_cooling` (all but ``time_min``).
TEMPERATURES = COLUMNS[1:]

#: How the columns of :func:`simulate_cooling` are calibrated (``attrs["calibration"]``; the
#: cooling explorer shows it after ``attrs["model"]``, which already says "a model estimate").
CALIBRATION_NOTE = (
    "Skin and muscle are each drawn from their own calibration: skin from the "
    "studies that measured skin, fat and muscle from the studies that measured muscle (no one "
    "setting fits both)."
)

#: Half-width of the between-study band, in spreads of the log contact: about 19 studies in 20
#: fall within two SDs of the typical contact (a statistical choice, not a clinical number).
BAND_SD = 2.0

#: Validated input ranges: argument -> (low, high, unit).
LIMITS = {
    "application_min": (0.0, 180.0, "min"),
    "rewarm_min": (0.0, 240.0, "min"),
    "minutes": (0.0, 180.0, "min"),
    "skinfold_mm": (0.0, 80.0, "mm"),
    "baseline_skin_c": (21.0, 37.0, "degC"),
    "layers": (0, 12, "towel layers"),
}


def _num(field: str, value: object, name: str | None = None) -> float:
    low, high, unit = LIMITS[name or field]
    return check_number(field, value, low=low, high=high, unit=unit)


def _g_top(h_contact: float, r_barrier: float, skinfold_mm: float) -> float:
    grid = solver.grid_for(skinfold_mm)
    return 1.0 / (grid.r_half_top + 1.0 / h_contact + r_barrier)


def pack_state(
    pack: Pack | HeatSource, overrides: dict[str, float] | None = None
) -> tuple[float, solver.PackState]:
    """Initial pack temperature [degC] and melt bookkeeping for a pack."""
    t = load_tissue()
    mass = resolve(
        pack.mass_kg, file="data/modalities.yaml", field=f"{pack.id}.mass_kg", overrides=overrides
    )
    per_m2 = mass / pack.contact_area_m2
    cap_liquid = per_m2 * pack.specific_heat_j_kgk
    if isinstance(pack, Pack) and pack.kind == "phase_change":
        latent = per_m2 * pack.latent_fraction * t.v("latent_heat_ice_j_kg")
        cap_solid = per_m2 * pack.frozen_specific_heat_j_kgk
        phase = "solid" if pack.initial_c < pack.freezing_c else "melting"
        state = solver.PackState(phase, latent, pack.freezing_c, cap_solid, cap_liquid)
        return pack.initial_c, state
    return pack.initial_c, solver.PackState("liquid", 0.0, 0.0, cap_liquid, cap_liquid)


def recovery(overrides: dict[str, float] | None = None) -> solver.Recovery:
    """Blood flow under the pack and after removal, from ``data/tissue.yaml``.

    Under the pack perfusion is ``cold_perfusion_factor`` of rest. After removal it is the
    fitted ``rewarm_perfusion_factor`` of rest (Myrer 2001's rewarming 1 cm below the fat,
    ``docs/calibration.md``, "Rewarming") for ``vasoconstriction_hold_min`` (scaled by how
    cold the skin got, fully at or below ``vasoconstriction_full_c``), then returns to rest
    over ``vasoconstriction_recovery_min`` (see :class:`solver.Recovery`).
    """
    t = load_tissue()
    cold = t.v("cold_perfusion_factor")
    if overrides and "cold_perfusion_factor" in overrides:  # the fitting script's profile
        cold = float(overrides["cold_perfusion_factor"])
    return solver.Recovery(
        cold_factor=cold,
        hold_min=t.v("vasoconstriction_hold_min"),
        recovery_min=t.v("vasoconstriction_recovery_min"),
        full_c=t.v("vasoconstriction_full_c"),
        removal_factor=resolve(
            "fitted:rewarm_perfusion_factor",
            file="data/calibration/fitted_parameters.yaml",
            field="rewarm_perfusion_factor",
            overrides=overrides,
        ),
    )


def cooling_arrays(
    pack: Pack,
    h_contact: float,
    r_barrier: float,
    application_min: float,
    rewarm_min: float,
    skinfold_mm: float,
    baseline_skin_c: float | None,
    overrides: dict[str, float] | None = None,
    step_min: float = 1.0,
    deep_factor: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """Unvalidated core of :func:`simulate_cooling` with explicit parameters.

    Each quantity comes from its own calibration: the skin from a run with the contact ``h``
    of the skin studies, the fat and muscle from a run with ``h`` times ``deep_factor`` (None:
    the fitted :func:`intramuscular_contact_factor`; 1: one run for all). Used by
    ``scripts/fit_thermal.py`` to try parameter values (``step_min``: output step [min], see
    :func:`solver.run`); returns
    ``(time_min, skin_c, deep_c[:, (muscle 1 cm, muscle 3 cm, fat)], events)`` (see
    :func:`solver.run`; ``events`` of the skin run).
    """
    factor = intramuscular_contact_factor(overrides) if deep_factor is None else deep_factor
    if factor != 1.0:
        rest = (application_min, rewarm_min, skinfold_mm, baseline_skin_c, overrides, step_min)
        times, skin, _, events = cooling_arrays(pack, h_contact, r_barrier, *rest, 1.0)
        deep = cooling_arrays(pack, h_contact * factor, r_barrier, *rest, 1.0)[2]
        return times, skin, deep, events
    t = load_tissue()
    if baseline_skin_c is None:
        h_env, env_c = t.v("skin_air_conductance_w_m2k"), t.v("room_c")
    else:
        h_env, env_c = solver.env_for_baseline(skinfold_mm, baseline_skin_c)
    x0 = solver.steady_profile(skinfold_mm, h_env, env_c)
    pack_c, state = pack_state(pack, overrides)
    return solver.run(
        skinfold_mm,
        x0,
        pack_c,
        state,
        _g_top(h_contact, r_barrier, skinfold_mm),
        t.v("pack_top_conductance_w_m2k"),
        t.v("room_c"),
        ("air", h_env, env_c),
        application_min,
        rewarm_min,
        recovery(overrides),
        step_min,
    )


def intramuscular_contact_factor(overrides: dict[str, float] | None = None) -> float:
    """Typical contact of the studies that measured muscle, relative to the skin studies'.

    Skin studies (C1-C3) and intramuscular studies (C5, C6) cannot be fitted by one contact in
    this 1-D model: muscle under thin fat cooled faster than conduction allows with the
    skin studies' contact. The calibration fits this ratio, and the model draws each quantity
    from its own calibration: skin with the skin studies' contact, fat and muscle with this
    factor times it (``docs/calibration.md``, "Skin and muscle").
    """
    return resolve(
        "fitted:intramuscular_contact_factor",
        file="data/calibration/fitted_parameters.yaml",
        field="intramuscular_contact_factor",
        overrides=overrides,
    )


def _inputs(
    modality: str,
    barrier: str,
    application_min: float,
    rewarm_min: float,
    skinfold_mm: float,
    baseline_skin_c: float | None,
) -> tuple[Pack, float, float, float, float, float, float | None]:
    """Validate the arguments of :func:`simulate_cooling`; resolve the pack, contact, barrier."""
    pack, h, r = _cold_parameters(modality, barrier)
    application_min = _num("application_min", application_min)
    rewarm_min = _num("rewarm_min", rewarm_min)
    skinfold_mm = _num("skinfold_mm", skinfold_mm)
    if baseline_skin_c is not None:
        baseline_skin_c = _num("baseline_skin_c", baseline_skin_c)
        room = load_tissue().v("room_c")
        if baseline_skin_c < room + 1.0:  # skin is held above room air by the blood
            raise InputError(
                "baseline_skin_c",
                baseline_skin_c,
                f"{room + 1:g} to {LIMITS['baseline_skin_c'][1]:g} degC (at least 1 degC above "
                "room_c in data/tissue.yaml)",
            )
    return pack, h, r, application_min, rewarm_min, skinfold_mm, baseline_skin_c


def contact_multiplier(pack: Pack, barrier: Barrier) -> float:
    """The pack's contact multiplier, raised to that of the modality the barrier wets it to.

    A barrier that soaks up melt water lets the pack touch the skin through water, as another
    modality does: ``wets_contact`` in ``data/barriers.yaml`` names that modality (checked
    against ``data/modalities.yaml`` when the barriers are loaded). No shipped barrier sets
    it: the damp towel's basis in ``data/barriers.yaml`` says why.
    """
    if barrier.wets_contact is None:
        return pack.contact_multiplier
    wetted = load_modalities()[barrier.wets_contact]
    return max(pack.contact_multiplier, wetted.contact_multiplier)


def _cold_parameters(modality: str, barrier: str) -> tuple[Pack, float, float]:
    modalities, barriers = load_modalities(), load_barriers()
    check_choice("modality", modality, modalities)
    check_choice("barrier", barrier, barriers)
    pack: Pack = modalities[modality]
    bar: Barrier = barriers[barrier]
    h = resolve(
        pack.contact_conductance_w_m2k,
        file="data/modalities.yaml",
        field=f"{modality}.contact_conductance_w_m2k",
    ) * contact_multiplier(pack, bar)
    r = (
        resolve(
            bar.resistance_m2k_w, file="data/barriers.yaml", field=f"{barrier}.resistance_m2k_w"
        )
        * bar.layers
    )
    return pack, h, r


def _frame(times, skin, deep, attrs: dict) -> pd.DataFrame:
    # one 2-D block: about twice as fast as a dict of columns
    frame = pd.DataFrame(np.column_stack([times, skin, deep[:, :3]]), columns=list(COLUMNS))
    frame.attrs.update(attrs)
    return frame


def simulate_cooling(
    modality: str,
    barrier: str,
    application_min: float,
    rewarm_min: float = 0,
    skinfold_mm: float = 10,
    baseline_skin_c: float | None = None,
) -> pd.DataFrame:
    """Skin and muscle temperature under a cold pack and after it is removed.

    Parameters
    ----------
    modality : str
        Cold pack id from ``data/modalities.yaml`` (:func:`aftercare.packs.modality_ids`).
    barrier : str
        Barrier id from ``data/barriers.yaml`` (:func:`aftercare.packs.barrier_ids`; ``"none"``
        is bare skin).
    application_min : float
        Time the pack is on [min], 0 to 180.
    rewarm_min : float, default 0
        Time simulated after the pack is removed [min], 0 to 240.
    skinfold_mm : float, default 10
        Skinfold over the site [mm], 0 to 80; adipose thickness is half of it minus the skin.
    baseline_skin_c : float or None, default None
        Skin temperature before the pack [degC], 20 to 37. ``None``: the model's bare-skin
        steady state in still room air (``data/tissue.yaml``).

    Returns
    -------
    pandas.DataFrame
        One row per step (1 minute, plus a shorter last step of each phase if the time is not a
        whole number of minutes): ``time_min`` [min], ``skin_c`` (skin surface under the pack)
        [degC], ``muscle_1cm_c`` and ``muscle_3cm_c`` (1 cm and 3 cm below the fat) [degC],
        ``fat_c`` (middle of the fat layer; the skin-muscle boundary when there is no fat)
        [degC]. ``attrs`` holds the inputs, ``application_min``, ``baseline_skin_c`` used
        [degC] (``baseline_given_c``: as given, None for the default), ``source_c`` (the pack's starting temperature) [degC], ``melting_from_min``
        and ``melted_min`` (when the pack reached its melting point and when its ice ran out
        [min]; None if not during the application), ``perfusion_after`` (blood flow held after
        removal, as a fraction of rest), ``source_ids``, ``model`` and ``calibration`` (skin and
        muscle each come from their own calibration: :data:`CALIBRATION_NOTE`).

    Notes
    -----
    A finite pack warms: a gel pack, or any pack whose ice has run out (``melted_min``),
    lets the skin rewarm slowly under it, so a longer application can end slightly warmer.
    While ice remains, a longer application never ends warmer. Blood flow stays low for a while
    after removal (cold-induced vasoconstriction persists), so tissue under thick fat can keep
    cooling after the pack is off. How far studies of the same condition differ is given by
    :func:`cooling_band`. Equations, parameters and the calibration are described in
    :mod:`aftercare.thermal` and ``docs/calibration.md``.

    References
    ----------
    Pennes HH (1948). J Appl Physiol 1(2):93-122. doi:10.1152/jappl.1948.1.2.93.
    Chesterton LS et al. (2002). Arch Phys Med Rehabil 83:543-549. doi:10.1053/apmr.2002.30926.
    Otte JW et al. (2002). Arch Phys Med Rehabil 83(11):1501-1505.
    doi:10.1053/apmr.2002.34833. Full list: ``attrs["source_ids"]`` and ``data/sources.csv``.

    Raises
    ------
    aftercare.errors.InputError
        For an unknown modality or barrier (the message lists the allowed ids) or a number
        outside its range, NaN or not a number.

    Examples
    --------
    >>> df = simulate_cooling("crushed_ice", "damp_towel", 20, rewarm_min=30)
    >>> list(df.columns)
    ['time_min', 'skin_c', 'muscle_1cm_c', 'muscle_3cm_c', 'fat_c']
    >>> float(df.time_min.iloc[-1])
    50.0
    >>> bool(df.skin_c.iloc[20] < df.skin_c.iloc[0])
    True
    """
    pack, h, r, application_min, rewarm_min, skinfold_mm, baseline_skin_c = _inputs(
        modality, barrier, application_min, rewarm_min, skinfold_mm, baseline_skin_c
    )
    times, skin, deep, events = cooling_arrays(
        pack, h, r, application_min, rewarm_min, skinfold_mm, baseline_skin_c
    )
    barrier_row = load_barriers()[barrier]
    model_sources = _model_source_ids(load_tissue())
    return _frame(
        times,
        skin,
        deep,
        {
            "modality": modality,
            "barrier": barrier,
            "application_min": application_min,
            "rewarm_min": rewarm_min,
            "skinfold_mm": skinfold_mm,
            "baseline_skin_c": float(skin[0]),
            "baseline_given_c": baseline_skin_c,
            "source_c": pack.initial_c,
            "melting_from_min": events["melting_from_min"],
            "melted_min": events["melted_min"],
            "perfusion_after": events["perfusion_after"],
            "source_ids": tuple(
                dict.fromkeys(pack.source_ids + barrier_row.source_ids + model_sources)
            ),
            "model": "1-D Pennes bioheat model, calibrated (docs/calibration.md); a model estimate",
            "calibration": CALIBRATION_NOTE,
        },
    )


@data_cache(maxsize=4)
def _model_source_ids(tissue: Tissue) -> tuple[str, ...]:
    """Source ids of the sourced tissue inputs (the blood-flow response to cold)."""
    return tuple(s for name in type(tissue).model_fields for s in getattr(tissue, name).source_ids)


def contact_spread_log_sd() -> float:
    """Between-study spread of the pack-skin contact: SD of its natural log (fitted)."""
    return resolve(
        "fitted:contact_spread_log_sd", file="data/tissue.yaml", field="contact_spread_log_sd"
    )


def cooling_band(
    modality: str,
    barrier: str,
    application_min: float,
    rewarm_min: float = 0,
    skinfold_mm: float = 10,
    baseline_skin_c: float | None = None,
) -> pd.DataFrame:
    """How far studies of the same condition differ: the model with poorer and better contact.

    Published studies differ by more than their recorded conditions explain (20 minutes of
    bare frozen peas ended at 10.8 degC in one study; through a damp towel, 14.4 degC in
    another, where an ice pack ended at 10.2 degC). The calibration
    (``scripts/fit_thermal.py``) gives each study its own pack-skin contact and estimates how
    much those contacts spread (``contact_spread_log_sd``, the SD of the log contact). This
    function reruns :func:`simulate_cooling` with the contact ``BAND_SD`` (2) SDs better and
    poorer: about 19 studies in 20 fall between the two.

    Parameters
    ----------
    modality, barrier, application_min, rewarm_min, skinfold_mm, baseline_skin_c
        As :func:`simulate_cooling`.

    Returns
    -------
    pandas.DataFrame
        ``time_min`` [min] and, for each of ``skin_c``, ``muscle_1cm_c``, ``muscle_3cm_c`` and
        ``fat_c``, the columns ``<name>_low`` (better contact, colder) and ``<name>_high``
        (poorer contact, warmer) [degC]. ``attrs``: ``contact_spread_log_sd``, ``what`` (a
        plain description) and ``source_ids``.

    Notes
    -----
    Only the contact varies; the tissue, the barrier's own resistance and the blood flow keep
    their calibrated values, so the band is narrow where a barrier, not the contact, limits the
    cooling (dry towels). It shows between-study spread, not one patient's range.

    References
    ----------
    Kanlayanaphotporn R et al. (2005). Arch Phys Med Rehabil 86(7):1411-1415.
    doi:10.1016/j.apmr.2004.11.034. Selfe J et al. (2009). Thermology International
    19(4):121-126. Calibration: ``docs/calibration.md``.

    Examples
    --------
    >>> band = cooling_band("crushed_ice", "none", 20)
    >>> bool((band.skin_c_low <= band.skin_c_high).all())
    True
    """
    times, low, high = band_arrays(
        modality, barrier, application_min, rewarm_min, skinfold_mm, baseline_skin_c
    )
    columns = {"time_min": times}
    for i, name in enumerate(TEMPERATURES):
        columns[f"{name}_low"] = low[:, i]
        columns[f"{name}_high"] = high[:, i]
    frame = pd.DataFrame(columns)
    frame.attrs.update(
        {
            "contact_spread_log_sd": contact_spread_log_sd(),
            "what": "between-study spread: pack-skin contact two SDs better and two SDs poorer",
            "source_ids": tuple(dict.fromkeys(p.source_id for p in load_points() if p.weight > 0)),
        }
    )
    return frame


def band_arrays(
    modality: str,
    barrier: str,
    application_min: float,
    rewarm_min: float = 0,
    skinfold_mm: float = 10,
    baseline_skin_c: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arrays behind :func:`cooling_band`: ``(time_min, low, high)``, temperatures [degC].

    ``low`` and ``high`` have one column per name in ``TEMPERATURES`` (skin, muscle 1 cm,
    muscle 3 cm, fat). Used by the cooling chart, which redraws on every control change.
    """
    pack, h, r, application_min, rewarm_min, skinfold_mm, baseline_skin_c = _inputs(
        modality, barrier, application_min, rewarm_min, skinfold_mm, baseline_skin_c
    )
    sd = contact_spread_log_sd()
    runs = []
    for factor in (np.exp(BAND_SD * sd), np.exp(-BAND_SD * sd)):
        times, skin, deep, _ = cooling_arrays(
            pack, h * factor, r, application_min, rewarm_min, skinfold_mm, baseline_skin_c
        )
        runs.append(np.column_stack([skin, deep[:, :3]]))
    return times, np.minimum(*runs), np.maximum(*runs)


@data_cache(maxsize=4096)
def _session_end(modality: str, barrier: str, minutes: float, skinfold_mm: float) -> float:
    pack, h, r = _cold_parameters(modality, barrier)
    _, skin, _, _ = cooling_arrays(pack, h, r, minutes, 0.0, skinfold_mm, None)
    return float(skin[-1])


def session_end_skin_c(
    modality: str, barrier: str, minutes: float, skinfold_mm: float = 10
) -> float:
    """Predicted skin temperature [degC] at the end of one cold session (cached).

    Same model as :func:`simulate_cooling` with the default baseline; results are cached by
    arguments, so a plan that repeats the same session costs one simulation.

    Parameters
    ----------
    modality, barrier : str
        Ids as in :func:`simulate_cooling`.
    minutes : float
        Session length [min], 0 to 180.
    skinfold_mm : float, default 10
        Skinfold [mm], 0 to 80.

    Returns
    -------
    float
        Skin-surface temperature under the pack when it is removed [degC].

    Examples
    --------
    >>> 5 < session_end_skin_c("crushed_ice", "damp_towel", 20, 10) < 20
    True
    """
    return _session_end(*_session_inputs(modality, barrier, minutes, skinfold_mm))


def _session_inputs(
    modality: str, barrier: str, minutes: float, skinfold_mm: float
) -> tuple[str, str, float, float]:
    """Validate the arguments of one session (:func:`session_end_skin_c` and its band)."""
    check_choice("modality", modality, load_modalities())
    check_choice("barrier", barrier, load_barriers())
    return modality, barrier, _num("minutes", minutes), _num("skinfold_mm", skinfold_mm)


@data_cache(maxsize=4096)
def _session_end_band(
    modality: str, barrier: str, minutes: float, skinfold_mm: float
) -> tuple[float, float]:
    _, low, high = band_arrays(modality, barrier, minutes, 0.0, skinfold_mm)
    return float(low[-1, 0]), float(high[-1, 0])


def session_end_skin_band_c(
    modality: str, barrier: str, minutes: float, skinfold_mm: float = 10
) -> tuple[float, float]:
    """The between-study band around :func:`session_end_skin_c`: ``(low, high)`` [degC].

    The skin at the end of one session with the contact ``BAND_SD`` spreads better and poorer
    (as :func:`cooling_band`); cached. Arguments as :func:`session_end_skin_c`.

    Examples
    --------
    >>> low, high = session_end_skin_band_c("crushed_ice", "damp_towel", 20, 10)
    >>> bool(low < session_end_skin_c("crushed_ice", "damp_towel", 20, 10) < high)
    True
    """
    return _session_end_band(*_session_inputs(modality, barrier, minutes, skinfold_mm))


def heating_arrays(
    source: HeatSource, layers: int, application_min: float, skinfold_mm: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """Unvalidated core of :func:`simulate_heating`."""
    t = load_tissue()
    r_layer = resolve("fitted:r_dry_towel_layer", file="data/heat_sources.yaml", field="layers")
    r = layers * r_layer
    h_env, env_c = t.v("skin_air_conductance_w_m2k"), t.v("room_c")
    x0 = solver.steady_profile(skinfold_mm, h_env, env_c)
    pack_c, state = pack_state(source)
    h_top = 1.0 / (1.0 / t.v("pack_top_conductance_w_m2k") + r)
    return solver.run(
        skinfold_mm,
        x0,
        pack_c,
        state,
        _g_top(source.contact_conductance_w_m2k, r, skinfold_mm),
        h_top,
        t.v("room_c"),
        ("air", h_env, env_c),
        application_min,
        0.0,
    )


def simulate_heating(
    source: str, layers: int | None, application_min: float, skinfold_mm: float = 10
) -> pd.DataFrame:
    """Skin and muscle temperature under a hot pack or warm compress (uncalibrated).

    Parameters
    ----------
    source : str
        Heat source id from ``data/heat_sources.yaml``: ``"hydrocollator"`` or
        ``"warm_compress"``.
    layers : int or None
        Dry towel layers between source and skin, 0 to 12; ``None`` uses the source's
        ``default_layers`` (8 for a hydrocollator pack, 0 for a compress).
    application_min : float
        Time on the skin [min], 0 to 180.
    skinfold_mm : float, default 10
        Skinfold [mm], 0 to 80.

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`simulate_cooling` plus ``above_burn_threshold`` (bool: skin at or
        above the burn threshold). ``attrs``: ``burn_threshold_c`` [degC] and its
        ``burn_threshold_source_ids`` and ``burn_threshold_confidence`` (from
        ``data/thresholds.csv``), ``confidence`` (``"low"``: the heat side is not calibrated
        and its pack figures are assumptions), ``source_ids``.

    Notes
    -----
    Same tissue model as :func:`simulate_cooling` (normal perfusion; heat-induced
    vasodilation is not modelled), a hot lumped pack, and ``layers`` dry towel layers of the
    fitted per-layer resistance, also covering the outer face.

    References
    ----------
    Moritz AR, Henriques FC (1947). Studies of thermal injury II. Am J Pathol (burn threshold).
    Pennes HH (1948). J Appl Physiol 1(2):93-122. doi:10.1152/jappl.1948.1.2.93.

    Examples
    --------
    >>> df = simulate_heating("hydrocollator", 8, 20)
    >>> df.attrs["burn_threshold_c"]
    44.0
    >>> df.attrs["confidence"]
    'low'
    """
    sources = load_heat_sources()
    check_choice("source", source, sources)
    spec: HeatSource = sources[source]
    if layers is None:
        layers = spec.default_layers
    low, high, unit = LIMITS["layers"]
    if isinstance(layers, float) and layers.is_integer():
        layers = int(layers)
    if not isinstance(layers, int) or isinstance(layers, bool):
        check_number("layers", layers, low=low, high=high, unit=unit)
        raise InputError("layers", layers, f"a whole number from {low} to {high} {unit}")
    check_number("layers", layers, low=low, high=high, unit=unit)
    application_min = _num("application_min", application_min)
    skinfold_mm = _num("skinfold_mm", skinfold_mm)
    times, skin, muscle, _ = heating_arrays(spec, layers, application_min, skinfold_mm)
    threshold = burn_threshold()
    frame = _frame(
        times,
        skin,
        muscle,
        {
            "source": source,
            "layers": layers,
            "application_min": application_min,
            "skinfold_mm": skinfold_mm,
            "burn_threshold_c": threshold.low_c,
            "burn_threshold_source_ids": threshold.source_ids,
            "burn_threshold_confidence": threshold.confidence,
            "confidence": spec.confidence,
            "source_ids": spec.source_ids,
            "model": "1-D Pennes bioheat model; heat side uncalibrated (low confidence)",
        },
    )
    frame["above_burn_threshold"] = frame["skin_c"] >= threshold.low_c
    return frame
