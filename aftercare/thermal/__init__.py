r"""Tissue temperature under cold and heat packs: a calibrated 1-D bioheat model.

The model answers teaching questions such as "how cold does the skin get under a bag of ice in
a damp towel after 20 minutes, and how much does fat slow the cooling of the muscle below?".
It is a physical model fitted to a handful of published averages, not a patient-specific
prediction; ``docs/calibration.md`` shows every calibration point beside the model.

Public functions
----------------
simulate_cooling(modality, barrier, application_min, rewarm_min=0, skinfold_mm=10,
                 baseline_skin_c=None) -> DataFrame
cooling_band(same arguments) -> DataFrame (between-study spread around simulate_cooling)
simulate_heating(source, layers, application_min, skinfold_mm=10) -> DataFrame
session_end_skin_c(modality, barrier, minutes, skinfold_mm=10) -> float (cached)
session_end_skin_band_c(same arguments) -> (low, high): the band around it (cached)
load_thresholds() -> DataFrame
modality_ids(), barrier_ids(), heat_source_ids() -> tuple of valid ids

Notes
-----
**Tissue.** A column of skin (fixed thickness), fat (half the skinfold minus the skin, as the
calibration studies place their probes) and muscle down to a depth held at arterial
temperature. Temperature :math:`T(z, t)` obeys the Pennes bioheat equation [1]_

.. math:: \rho c \, \partial T/\partial t = \partial_z (k \, \partial_z T)
          + \omega \rho_b c_b (T_a - T)

with layer-wise conductivity :math:`k`, density :math:`\rho`, specific heat :math:`c` and
perfusion :math:`\omega` (``data/tissue.yaml``; textbook values, typical, **not** fitted and not
from the evidence brief; metabolic heat is neglected). ``fat_c`` is read in the middle of the
fat layer. The equation is discretised
in finite volumes (0.25 mm cells in skin, 1 mm in fat and the upper 36 mm of muscle, 4 mm
below; halving them changes the calibration outputs by under 0.05 degC) and, within each
linear phase, solved exactly in modal form (symmetric tridiagonal
eigen-decomposition, cached per geometry); output every minute. A cached 50-minute
simulation takes well under a millisecond (``benchmarks/model_speed.py``).

**Blood flow and cold.** While a cold pack is on there is no blood flow in the cooled tissue
(``cold_perfusion_factor`` = 0, fixed from its sources [8]_ [10]_; the calibration points
cannot tell a little blood flow from none, see ``docs/calibration.md``). Cold-induced vasoconstriction outlasts the cold [8]_ [9]_: after
removal, blood flow stays reduced for ``vasoconstriction_hold_min`` (30 min) and returns to rest
over the next ``vasoconstriction_recovery_min`` (30 min) [9]_. How far it is reduced,
``rewarm_perfusion_factor`` of rest, is fitted to the muscle rewarming 1 cm below the fat by
skinfold in Myrer 2001 [4]_ and checked against held-apart rewarming points (its 3 cm values,
Myrer 1998 and 2000; ``docs/calibration.md``, "Rewarming"). It applies fully when the skin was at
or below 10 degC at removal (vessels maximally constricted [10]_), not at all when it had not
cooled, in proportion between. So muscle under thin fat rewarms within half an hour, and muscle
under thick fat keeps cooling for a while after the pack is off, as the cold stored in the fat
moves inwards.

**Pack.** One lumped mass per unit contact area (``data/modalities.yaml``). Ice packs are phase
change: held at 0 degC while a melt budget (mass x latent heat) lasts, then warming as water.
Frozen peas warm from the freezer temperature to their freezing point, melt, then warm. A gel
pack is a finite heat capacity that warms (no melting). The outer face of a pack exchanges heat
with room air. Phase switches are resolved once per output step with an energy-conserving
correction.

**Contact and barrier.** Heat flows from skin to pack through a series resistance

.. math:: q = (T_{skin} - T_{pack}) / (1/h_{contact} + R_{barrier})

where :math:`h_{contact}` (one typical contact for every pack, times the pack's assumed
``contact_multiplier``), the dry-towel resistance per layer and the gel pack's effective mass
are the **fitted parameters** (``data/calibration/fitted_parameters.yaml``, written by
``scripts/fit_thermal.py`` from the calibration points C1-C7 in
``data/calibration/points.csv``). Studies of the same condition differ: the fit gives each study
its own contact factor around the typical contact and estimates their spread
(``contact_spread_log_sd``); the model runs the typical contact, and :func:`cooling_band` the
contact ``BAND_SD`` (2) spreads better and poorer. A damp towel is a small textbook resistance
(wet cotton). A barrier that soaks up melt water may name in ``wets_contact`` the modality whose
contact it then gives the pack; the damp towel names none, since a damp towel cooled less than
a bare ice bag in the one study that compared them.

**Skin and muscle: each from its own calibration.** The studies that measured muscle (C5, C6)
cooled it far faster than this 1-D model allows with the contact of the studies that measured
skin (C1-C3). No one parameter set fits both, so ``skin_c`` comes from the skin studies'
contact and ``fat_c``, ``muscle_1cm_c`` and ``muscle_3cm_c`` from a second run with that
contact times ``intramuscular_contact_factor`` (fitted to C5 and C6). The two are model
estimates of different calibrations, not one tissue column; ``docs/calibration.md`` ("Skin and
muscle") lists the possible causes, none of which the sources put numbers on.

**Baseline and rewarming.** Before the pack and after it is removed, bare skin loses heat to
room air through a surface conductance. With ``baseline_skin_c=None`` the tissue starts in the
steady state for still room air. A warmer baseline lowers that conductance, a cooler one raises
it (a draught, evaporation); under the pack only the pack and the tissue act. Rewarming heads
back to the baseline. Muscle rewarming is fitted and validated (above); skin rewarming is not
validated against measurements (``docs/calibration.md``, "Rewarming"). ``skin_c`` is the skin-surface
temperature (under the pack while it is on), as the calibration studies measured it.

**Heat.** :func:`simulate_heating` uses the same tissue and towel model with a hot lumped pack
(``data/heat_sources.yaml``). No heating number is in the calibration set, so the heat side is
an uncalibrated extrapolation, labelled ``confidence = "low"``; the 44 degC burn threshold [7]_
is marked per row.

**Limits.** No cold-induced vasodilation, no compression, one dimension (no lateral heat
flow), average adults; skin and muscle come from two calibrations (above). Cubed and wetted
ice differ from crushed ice only by an assumed contact multiplier that reproduces the
published ranking [6]_ (values not retrieved).

References
----------
.. [1] Pennes HH (1948). Analysis of tissue and arterial blood temperatures in the resting
   human forearm. J Appl Physiol 1(2):93-122. doi:10.1152/jappl.1948.1.2.93
.. [2] Chesterton LS, Foster NE, Ross L (2002). Skin temperature response to cryotherapy. Arch
   Phys Med Rehabil 83:543-549. doi:10.1053/apmr.2002.30926
.. [3] Otte JW, Merrick MA, Ingersoll CD, Cordova ML (2002). Subcutaneous adipose tissue
   thickness alters cooling time during cryotherapy. Arch Phys Med Rehabil 83(11):1501-1505.
   doi:10.1053/apmr.2002.34833
.. [4] Myrer WJ et al. (2001). Muscle temperature is affected by overlying adipose when
   cryotherapy is administered. J Athl Train 36(1):32-36. PMC155399
.. [5] Ichikawa Y, Ogino T (2024). Acta Med Okayama 78(1):53-61. doi:10.18926/AMO/66671;
   Kanlayanaphotporn R et al. (2005). Arch Phys Med Rehabil 86(7):1411-1415.
   doi:10.1016/j.apmr.2004.11.034; Selfe J et al. (2009). Thermology International
   19(4):121-126; Janwantanakul P (2009). Physiotherapy 95(2):120-125.
   doi:10.1016/j.physio.2009.01.004
.. [6] Dykstra JH et al. (2009). Comparisons of cubed ice, crushed ice, and wetted ice on
   intramuscular and surface temperature changes. J Athl Train 44(2):136-141.
   doi:10.4085/1062-6050-44.2.136
.. [7] Moritz AR, Henriques FC (1947). Studies of thermal injury II. Am J Pathol.
.. [8] Skin blood perfusion during rewarming after cryotherapy-device cooling (PMC4395553):
   perfusion did not recover during rewarming.
.. [9] Hohenauer E, Deliens T, Clarys P, Clijsen R (2019). Perfusion of the skin's
   microcirculation after cold-water immersion and partial-body cryotherapy. Skin Res Technol
   25(5):677-682. doi:10.1111/srt.12703
.. [10] Frostbite (textbook section, mitchmedical.us; low-medium): vessels maximally
   constricted at skin 10 degC.

Examples
--------
>>> from aftercare import thermal
>>> df = thermal.simulate_cooling("crushed_ice", "damp_towel", 20, rewarm_min=30)
>>> df.shape
(51, 5)
>>> thermal.simulate_cooling("snow", "none", 20)
Traceback (most recent call last):
...
aftercare.errors.InputError: modality = 'snow' is not allowed; allowed: one of 'crushed_ice', 'cubed_ice', 'wetted_ice', 'gel_pack', 'frozen_peas'.
"""

from __future__ import annotations

from .model import (
    COLUMNS,
    LIMITS,
    cooling_band,
    session_end_skin_band_c,
    session_end_skin_c,
    simulate_cooling,
    simulate_heating,
)
from .parameters import load_barriers, load_heat_sources, load_modalities
from .thresholds import load_thresholds

__all__ = [
    "COLUMNS",
    "LIMITS",
    "simulate_cooling",
    "cooling_band",
    "simulate_heating",
    "session_end_skin_c",
    "session_end_skin_band_c",
    "load_thresholds",
    "modality_ids",
    "barrier_ids",
    "heat_source_ids",
]


def modality_ids() -> tuple[str, ...]:
    """Valid cold modality ids (from ``data/modalities.yaml``)."""
    return tuple(load_modalities())


def barrier_ids() -> tuple[str, ...]:
    """Valid barrier ids (from ``data/barriers.yaml``)."""
    return tuple(load_barriers())


def heat_source_ids() -> tuple[str, ...]:
    """Valid heat source ids (from ``data/heat_sources.yaml``)."""
    return tuple(load_heat_sources())
