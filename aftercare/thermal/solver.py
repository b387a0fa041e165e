"""Finite-volume solver of the 1-D Pennes bioheat equation under a lumped pack, in modal form.

The unknowns are the tissue cell temperatures [degC] from the skin surface down, plus the pack
temperature when the pack is a free node. Within one "phase" (pack on and warming, pack on and
held at its melting point, pack off) the semi-discrete system is linear and time-invariant,
``C du/dt = K u + b`` with a diagonal heat capacity ``C`` and a symmetric tridiagonal
conductance matrix ``K``. With ``S = C^1/2``, ``S^-1 K S^-1`` is symmetric tridiagonal; its
eigen-decomposition (``scipy.linalg.eigh_tridiagonal``, O(n^2)) gives the exact solution

    u(t) = u_ss + S^-1 V exp(Lambda t) V^T S (u(0) - u_ss),   u_ss = -K^-1 b,

so every output time of a phase is computed at once, without time-stepping error, and the heat
taken up by a melting pack has a closed-form time integral. Phases are built once per geometry
and parameters and cached (``phase``). Phase switches (ice used up, frozen peas reaching their
melting point) are placed at the first output step past the switch, keeping the energy balance.
After the pack comes off, blood flow returns in steps (:class:`Recovery`): each step is one more
linear phase, started from the exact state at the end of the previous one.

This module holds no clinical numbers: everything comes from :mod:`.parameters`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh_tridiagonal

from ..data import data_cache
from .parameters import load_tissue

#: Target cell sizes [m]: skin, fat, upper 36 mm of muscle, deeper muscle.
CELL_M = {"skin": 0.00025, "fat": 0.001, "muscle": 0.001, "deep": 0.004}

__all__ = [
    "Grid",
    "Phase",
    "Recovery",
    "grid_for",
    "phase",
    "PackState",
    "run",
    "steady_profile",
    "env_for_baseline",
    "default_baseline_c",
]


@dataclass(frozen=True)
class Grid:
    """Cells of one skin / fat / muscle column.

    Attributes are numpy arrays per cell (SI units) plus probe weights for the outputs.
    """

    dz: np.ndarray
    cap: np.ndarray  # rho c dz, J/(m2 K)
    perf: np.ndarray  # w rho_b c_b dz, W/(m2 K)
    g_int: np.ndarray  # conductance between neighbours, W/(m2 K)
    g_bottom: float
    r_half_top: float  # m2 K / W, surface to the first cell centre
    probe_1cm: np.ndarray  # weights over cells
    probe_3cm: np.ndarray
    probe_fat: np.ndarray  # middle of the fat layer (skin-muscle boundary when there is no fat)
    arterial_c: float
    n: int
    layer: np.ndarray  # per cell: 0 skin, 1 fat, 2 muscle


def _probe(centres: np.ndarray, depth: float) -> np.ndarray:
    w = np.zeros(centres.size)
    j = int(np.searchsorted(centres, depth))
    j = min(max(j, 1), centres.size - 1)
    frac = min(max((depth - centres[j - 1]) / (centres[j] - centres[j - 1]), 0.0), 1.0)
    w[j - 1], w[j] = 1 - frac, frac
    return w


@data_cache(maxsize=256)
def grid_for(skinfold_mm: float) -> Grid:
    """The cell grid for a skinfold [mm]: adipose thickness = skinfold / 2 - skin thickness.

    Skinfold callipers pinch a double fold of skin and fat, so the studies (Otte 2002, Myrer
    2001) place their probes 1 cm and 3 cm below half the skinfold; the model does the same.
    """
    t = load_tissue()
    skin = t.v("skin_thickness_mm") / 1000
    fat = max(skinfold_mm / 2000 - skin, 0.0)
    muscle = t.v("muscle_depth_mm") / 1000
    rho_b_c_b = t.v("blood_density_kg_m3") * t.v("blood_specific_heat_j_kgk")

    def layer(thick: float, size: float) -> np.ndarray:
        if thick <= 0:
            return np.zeros(0)
        count = max(1, math.ceil(thick / size - 1e-9))
        return np.full(count, thick / count)

    fine_muscle = min(muscle, 0.036)
    parts = {
        "skin": layer(skin, CELL_M["skin"]),
        "fat": layer(fat, CELL_M["fat"]),
        "muscle": np.concatenate(
            [layer(fine_muscle, CELL_M["muscle"]), layer(muscle - fine_muscle, CELL_M["deep"])]
        ),
    }
    dz = np.concatenate(list(parts.values()))
    props = {
        name: (
            t.v(f"{name}_conductivity_w_mk"),
            t.v(f"{name}_density_kg_m3") * t.v(f"{name}_specific_heat_j_kgk"),
            t.v(f"{name}_perfusion_per_s") * rho_b_c_b,
        )
        for name in parts
    }
    k = np.concatenate([np.full(parts[n].size, props[n][0]) for n in parts])
    rhoc = np.concatenate([np.full(parts[n].size, props[n][1]) for n in parts])
    wcb = np.concatenate([np.full(parts[n].size, props[n][2]) for n in parts])
    half_r = dz / (2 * k)
    g_int = 1.0 / (half_r[:-1] + half_r[1:])
    centres = np.cumsum(dz) - dz / 2
    top_of_muscle = skin + fat
    return Grid(
        dz=dz,
        cap=rhoc * dz,
        perf=wcb * dz,
        g_int=g_int,
        g_bottom=1.0 / half_r[-1],
        r_half_top=float(half_r[0]),
        probe_1cm=_probe(centres, top_of_muscle + 0.01),
        probe_3cm=_probe(centres, top_of_muscle + 0.03),
        probe_fat=_probe(centres, skin + fat / 2),
        arterial_c=t.v("arterial_c"),
        n=dz.size,
        layer=np.concatenate([np.full(parts[n].size, i) for i, n in enumerate(parts)]),
    )


@dataclass(frozen=True)
class Phase:
    """One linear phase in modal form (see the module docstring).

    Unknowns ``u`` are ``[T_pack, T_0 .. T_{n-1}]`` when the pack is a free (sensible) node,
    else ``[T_0 .. T_{n-1}]``. ``u(t) = steady + from_modal @ (exp(lam t) * y0)`` with
    ``y0 = to_modal @ (u(0) - steady)``. Outputs (columns: skin surface, muscle 1 cm,
    muscle 3 cm, middle of the fat, pack, first skin cell) are ``out_steady + y @ out_modal``.
    """

    lam: np.ndarray
    to_modal: np.ndarray
    from_modal: np.ndarray
    steady: np.ndarray
    out_modal: np.ndarray
    out_steady: np.ndarray
    with_pack: bool


OUT_SKIN, OUT_M1, OUT_M3, OUT_FAT, OUT_PACK, OUT_CELL0 = range(6)
#: Number of tissue outputs returned by :func:`run` (skin, muscle 1 cm, muscle 3 cm, fat).
N_TISSUE_OUT = 4


@data_cache(maxsize=1024)
def phase(
    skinfold_mm: float,
    top: tuple,
    perfusion_factor: float = 1.0,
) -> Phase:
    """Build (and cache) one phase.

    ``top``: ``("pack", g_top, pack_capacity, h_top, room_c)`` for a free pack node;
    ``("clamped", g_top, pack_c, h_top, room_c)`` for a pack held at ``pack_c`` (melting);
    ``("air", h_env, env_c)`` for bare skin. ``perfusion_factor``: blood flow as a fraction of
    rest, in every layer.
    """
    grid = grid_for(skinfold_mm)
    n = grid.n
    perf = grid.perf * perfusion_factor
    cap = grid.cap.copy()
    diag = -perf.copy()
    diag[:-1] -= grid.g_int
    diag[1:] -= grid.g_int
    diag[-1] -= grid.g_bottom
    off = grid.g_int.copy()
    src = perf * grid.arterial_c
    src[-1] += grid.g_bottom * grid.arterial_c
    kind = top[0]
    # observation rows over the tissue cells, and constant parts
    o_cells = np.zeros((6, n))
    o_const = np.zeros(6)
    o_pack = np.zeros(6)
    o_cells[OUT_M1] = grid.probe_1cm
    o_cells[OUT_M3] = grid.probe_3cm
    o_cells[OUT_FAT] = grid.probe_fat
    o_cells[OUT_CELL0, 0] = 1.0
    if kind == "air":
        _, h_env, env_c = top
        g_air = 0.0 if h_env <= 0 else 1.0 / (grid.r_half_top + 1.0 / h_env)
        diag[0] -= g_air
        src[0] += g_air * env_c
        frac = grid.r_half_top * g_air
        o_cells[OUT_SKIN, 0] = 1 - frac
        o_const[OUT_SKIN] = frac * env_c
        o_const[OUT_PACK] = np.nan
        with_pack = False
    else:
        _, g_top, pack_value, h_top, room_c = top
        diag[0] -= g_top
        frac = grid.r_half_top * g_top
        o_cells[OUT_SKIN, 0] = 1 - frac
        if kind == "clamped":
            src[0] += g_top * pack_value
            o_const[OUT_SKIN] = frac * pack_value
            o_const[OUT_PACK] = pack_value
            with_pack = False
        else:
            cap = np.concatenate([[pack_value], cap])
            diag = np.concatenate([[-(g_top + h_top)], diag])
            off = np.concatenate([[g_top], off])
            src = np.concatenate([[h_top * room_c], src])
            o_pack[OUT_SKIN] = frac
            o_pack[OUT_PACK] = 1.0
            with_pack = True
    root = np.sqrt(cap)
    lam, vec = eigh_tridiagonal(diag / cap, off / (root[:-1] * root[1:]))
    from_modal = vec / root[:, None]
    to_modal = vec.T * root[None, :]
    # steady state: K u = -src  ->  u = -C^-1/2 V diag(1/lam) V^T C^-1/2 src
    steady = -from_modal @ ((vec.T @ (src / root)) / lam)
    if with_pack:
        obs = np.concatenate([o_pack[:, None], o_cells], axis=1)
    else:
        obs = o_cells
    out_modal = (obs @ from_modal).T
    out_steady = obs @ steady + o_const
    for arr in (lam, to_modal, from_modal, steady, out_modal, out_steady):
        arr.setflags(write=False)
    return Phase(lam, to_modal, from_modal, steady, out_modal, out_steady, with_pack)


def steady_profile(skinfold_mm: float, h_env: float, env_c: float) -> np.ndarray:
    """Steady tissue temperatures [degC] with bare skin losing heat to ``env_c``."""
    return phase(skinfold_mm, ("air", h_env, env_c), 1.0).steady


@data_cache(maxsize=256)
def _input_resistance(skinfold_mm: float) -> float:
    """Thevenin resistance [m2 K/W] from the skin surface to the arterial temperature."""
    t = load_tissue()
    h_ref, room = t.v("skin_air_conductance_w_m2k"), t.v("room_c")
    grid = grid_for(skinfold_mm)
    surface = float(phase(skinfold_mm, ("air", h_ref, room)).out_steady[OUT_SKIN])
    flux = h_ref * (surface - room)
    return (grid.arterial_c - surface) / flux


def default_baseline_c(skinfold_mm: float) -> float:
    """Bare-skin steady temperature [degC] in still room air (the default baseline)."""
    t = load_tissue()
    h_ref, room = t.v("skin_air_conductance_w_m2k"), t.v("room_c")
    r_in = _input_resistance(skinfold_mm)
    arterial = grid_for(skinfold_mm).arterial_c
    # series resistances: arterial -> surface (r_in) -> room (1/h)
    return room + (arterial - room) * (1 / h_ref) / (r_in + 1 / h_ref)


def env_for_baseline(skinfold_mm: float, baseline_c: float) -> tuple[float, float]:
    """How bare skin is held at ``baseline_c`` before the pack: ``(h_env, env_c)``.

    The skin exchanges heat with room air (``room_c``) through a surface conductance
    ``h_env`` chosen so that the steady skin temperature is ``baseline_c``: lower than still
    air for a warmer skin (0 at arterial temperature), higher for a cooler one (a draught, a
    fan, evaporation). A cold pack replaces that exchange where it lies, so under the pack
    only the pack and the tissue act; after removal the skin heads back to its baseline.

    Notes
    -----
    Until issue #23 a cool baseline was held by a heat sink towards room air that stayed on
    under the pack. Once the covered skin fell below room air, that sink *warmed* it, so
    studies with a cool baseline (C1, C3) came out warmer than with a warm one, the reverse of
    what they measured (``docs/calibration.md``, "What changed").
    """
    t = load_tissue()
    room = t.v("room_c")
    arterial = grid_for(skinfold_mm).arterial_c
    if baseline_c >= arterial:
        return 0.0, room
    r_in = _input_resistance(skinfold_mm)
    return float((arterial - baseline_c) / (r_in * (baseline_c - room))), room


@dataclass(frozen=True)
class Recovery:
    """How blood flow returns after the pack comes off (cold-induced vasoconstriction).

    Under the pack, perfusion is ``cold_factor`` of rest. When the pack comes off it is
    ``removal_factor`` of rest (None: ``cold_factor``) for ``hold_min``, then returns linearly
    to rest over ``recovery_min`` (in ``steps`` equal steps, each a linear phase). How far it
    is lowered after removal depends on how cold the skin got: fully (``removal_factor``) when
    the skin surface is at or below ``full_c`` when the pack comes off, not at all when it is
    still at its starting temperature, linearly in between (rounded to ``1 / quantum`` so
    phases are reused). ``Recovery()`` with the defaults restores rest flow at once.
    """

    cold_factor: float = 1.0
    hold_min: float = 0.0
    recovery_min: float = 0.0
    full_c: float = 10.0
    steps: int = 3
    quantum: int = 20
    removal_factor: float | None = None

    def after_factor(self, skin_start_c: float, skin_end_c: float) -> float:
        """Perfusion factor held after removal, given the skin at the start and at removal."""
        span = skin_start_c - self.full_c
        depth = 1.0 if span <= 0 else (skin_start_c - skin_end_c) / span
        depth = round(min(max(depth, 0.0), 1.0) * self.quantum) / self.quantum
        held = self.cold_factor if self.removal_factor is None else self.removal_factor
        return 1.0 - (1.0 - held) * depth

    def schedule(self, factor: float) -> tuple[tuple[float, float], ...]:
        """``((until_min, perfusion_factor), ...)`` after removal; the last runs on."""
        if factor >= 1.0 or self.hold_min + self.recovery_min <= 0:
            return ((math.inf, 1.0),)
        pieces = [(self.hold_min, factor)] if self.hold_min > 0 else []
        if self.recovery_min > 0:
            for k in range(self.steps):
                until = self.hold_min + self.recovery_min * (k + 1) / self.steps
                pieces.append((until, factor + (1.0 - factor) * (k + 0.5) / self.steps))
        pieces.append((math.inf, 1.0))
        return tuple(pieces)


@dataclass
class PackState:
    """Pack bookkeeping between steps (melt budget)."""

    phase: str  # "solid", "melting", "liquid" (liquid = any non-melting sensible state)
    latent_left: float  # J/m2
    freezing_c: float
    cap_solid: float  # J/(m2 K)
    cap_liquid: float


def run(
    skinfold_mm: float,
    x0_tissue: np.ndarray,
    pack_c: float,
    pack: PackState,
    g_top: float,
    h_top: float,
    room_c: float,
    air_top: tuple,
    application_min: float,
    rewarm_min: float,
    recovery: Recovery = Recovery(),
    step_min: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, float | None]]:
    """Run application then rewarming, with an output every ``step_min`` minutes.

    Within a phase the solution is exact at every output time; a phase switch (the pack
    reaching its melting point, its ice running out) is placed at the first output step past
    it, so ``step_min`` is the one time step of the method (first order in it; see
    ``tests/test_thermal_numerics.py``).

    Returns ``(time_min, skin surface, deep [muscle 1 cm, muscle 3 cm, middle of the fat],
    events)``; ``events`` holds ``melting_from_min`` (the pack reached its melting point),
    ``melted_min`` (its melt budget ran out), each None if it did not happen during the
    application, and ``perfusion_after`` (the perfusion factor held after removal).
    """
    perfusion_factor = recovery.cold_factor
    app_t = _output_times(application_min, step_min)
    off_t = _output_times(rewarm_min, step_min)
    times = np.concatenate([[0.0], app_t, application_min + off_t])
    out = np.empty((times.size, N_TISSUE_OUT))
    start = phase(skinfold_mm, air_top, 1.0)
    first = start.out_steady + (start.to_modal @ (x0_tissue - start.steady)) @ start.out_modal
    out[0] = first[:N_TISSUE_OUT]
    cells = np.asarray(x0_tissue, dtype=float)
    row = 1
    t0 = 0.0
    pending = app_t
    events: dict[str, float | None] = {
        "melting_from_min": 0.0 if pack.phase == "melting" else None,
        "melted_min": None,
        "perfusion_after": 1.0,
    }
    while pending.size:
        if pack.phase == "melting":
            ph = phase(
                skinfold_mm,
                ("clamped", g_top, pack.freezing_c, h_top, room_c),
                perfusion_factor,
            )
            u = cells
        else:
            cap = pack.cap_solid if pack.phase == "solid" else pack.cap_liquid
            ph = phase(skinfold_mm, ("pack", g_top, cap, h_top, room_c), perfusion_factor)
            u = np.concatenate([[pack_c], cells])
        y0 = ph.to_modal @ (u - ph.steady)
        rel = (pending - t0) * 60.0
        decay = np.exp(np.outer(rel, ph.lam))
        values = ph.out_steady + (decay * y0) @ ph.out_modal
        stop = pending.size  # index of the step at which the pack changes phase, if any
        if pack.phase == "solid":
            crossed = np.nonzero(values[:, OUT_PACK] > pack.freezing_c)[0]
            if crossed.size:
                stop = int(crossed[0])
        elif pack.phase == "melting":
            integral = (np.expm1(np.outer(rel, ph.lam)) / ph.lam * y0) @ ph.out_modal[:, OUT_CELL0]
            taken = (
                g_top * ((ph.out_steady[OUT_CELL0] - pack.freezing_c) * rel + integral)
                + h_top * (room_c - pack.freezing_c) * rel
            )
            over = np.nonzero(taken > pack.latent_left)[0]
            if over.size:
                stop = int(over[0])
        if stop == pending.size:
            out[row : row + stop] = values[:, :N_TISSUE_OUT]
            row += stop
            if pack.phase == "melting":  # the melt budget left when the application ends
                pack.latent_left -= float(taken[-1])
            if off_t.size:  # the state at the end of application starts the rewarming
                last = ph.steady + ph.from_modal @ (decay[-1] * y0)
                cells = last[1:] if ph.with_pack else last
            break
        # record up to and including the switching step, then switch with energy kept
        out[row : row + stop + 1] = values[: stop + 1, :N_TISSUE_OUT]
        row += stop + 1
        state = ph.steady + ph.from_modal @ (decay[stop] * y0)
        if pack.phase == "solid":
            pack.latent_left -= pack.cap_solid * (state[0] - pack.freezing_c)
            cells = state[1:]
            pack.phase = "melting"
            pack_c = pack.freezing_c
            events["melting_from_min"] = float(pending[stop])
        else:
            pack.latent_left -= taken[stop]
            cells = state
        if pack.phase == "melting" and pack.latent_left < 0:
            pack_c = pack.freezing_c - pack.latent_left / pack.cap_liquid
            pack.latent_left = 0.0
            pack.phase = "liquid"
            events["melted_min"] = float(pending[stop])
        t0 = float(pending[stop])
        pending = pending[stop + 1 :]
    if off_t.size:
        factor = recovery.after_factor(float(out[0, 0]), float(out[row - 1, 0]))
        events["perfusion_after"] = factor
        t0 = 0.0
        for until, step_factor in recovery.schedule(factor):
            ph = phase(skinfold_mm, air_top, step_factor)
            y0 = ph.to_modal @ (cells - ph.steady)
            idx = np.nonzero((off_t > t0 + 1e-9) & (off_t <= until + 1e-9))[0]
            if idx.size:
                decay = np.exp(np.outer((off_t[idx] - t0) * 60.0, ph.lam))
                out[row + idx] = (ph.out_steady + (decay * y0) @ ph.out_modal)[:, :N_TISSUE_OUT]
            if until >= off_t[-1]:
                break
            cells = ph.steady + ph.from_modal @ (np.exp((until - t0) * 60.0 * ph.lam) * y0)
            t0 = until
    return times, out[:, 0], out[:, 1:], events


def _output_times(total_min: float, step_min: float = 1.0) -> np.ndarray:
    """Output times [min] within one phase: every ``step_min``, then the end."""
    whole = step_min * np.arange(1.0, math.floor(total_min / step_min + 1e-9) + 1.0)
    if total_min - (whole[-1] if whole.size else 0.0) > 1e-6:
        whole = np.append(whole, total_min)
    return whole
