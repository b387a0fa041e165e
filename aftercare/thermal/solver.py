"""Implicit finite-volume solver of the 1-D Pennes bioheat equation under a lumped pack.

The state vector is ``[T_0 .. T_{n-1}, T_pack, Q, 1]``: tissue cell temperatures [degC] from the
skin surface down, the pack temperature [degC], the heat taken up by the pack since the last
step [J/m2] and a constant 1 that carries the fixed temperatures (arterial blood, core, room).
Within one "phase" (pack on and warming, pack on and melting at a fixed temperature, pack off)
the system is linear and time-invariant, ``dx/dt = A x``. Backward (implicit) Euler with a
fixed sub-step gives ``x(t + dt) = (I - dt A)^-1 x(t)``; one output step (1 minute) is that
matrix raised to the number of sub-steps. These propagators are computed once per geometry and
phase and cached, so a simulation is one small matrix-vector product per minute.

This module holds no clinical numbers: everything comes from :mod:`.parameters`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .parameters import load_tissue

SUBSTEPS_PER_MINUTE = 12  # backward-Euler sub-step of 5 s
H_ENV_MAX = 1.0e4  # W/(m2 K): cap on the surface conductance that holds a low baseline

__all__ = ["Grid", "grid_for", "PackState", "run", "steady_profile", "env_for_baseline"]


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
    arterial_c: float
    n: int


def _probe(centres: np.ndarray, depth: float) -> np.ndarray:
    w = np.zeros(centres.size)
    j = int(np.searchsorted(centres, depth))
    j = min(max(j, 1), centres.size - 1)
    frac = (depth - centres[j - 1]) / (centres[j] - centres[j - 1])
    w[j - 1], w[j] = 1 - frac, frac
    return w


@lru_cache(maxsize=256)
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
        "skin": layer(skin, 0.00025),
        "fat": layer(fat, 0.0005),
        "muscle": np.concatenate(
            [layer(fine_muscle, 0.0005), layer(muscle - fine_muscle, 0.003)]
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
        arterial_c=t.v("arterial_c"),
        n=dz.size,
    )


def _tissue_matrix(grid: Grid, perfusion_factor: float = 1.0) -> np.ndarray:
    """A for the tissue block, with the constant column (arterial blood, core) at index n+2."""
    n = grid.n
    size = n + 3
    a = np.zeros((size, size))
    idx = np.arange(n)
    perf = grid.perf * perfusion_factor
    diag = -perf.copy()
    diag[:-1] -= grid.g_int
    diag[1:] -= grid.g_int
    diag[-1] -= grid.g_bottom
    a[idx, idx] = diag
    a[idx[:-1], idx[1:]] = grid.g_int
    a[idx[1:], idx[:-1]] = grid.g_int
    a[idx, size - 1] = perf * grid.arterial_c
    a[n - 1, size - 1] += grid.g_bottom * grid.arterial_c
    a[:n] /= grid.cap[:, None]
    return a


@lru_cache(maxsize=512)
def _system(skinfold_mm: float, top: tuple) -> np.ndarray:
    """The full A for one phase.

    ``top`` is ``("pack", g_top, pack_capacity_or_0, h_top, room_c, perfusion_factor)``
    (capacity 0 = clamped at its temperature while melting; perfusion_factor scales blood
    perfusion while the pack is on) or ``("air", h_env, env_c)``.
    """
    grid = grid_for(skinfold_mm)
    n = grid.n
    a = _tissue_matrix(grid, top[5] if top[0] == "pack" else 1.0)
    one = n + 2
    if top[0] == "pack":
        _, g_top, capacity, h_top, room_c, _factor = top
        a[0, 0] -= g_top / grid.cap[0]
        a[0, n] += g_top / grid.cap[0]
        # heat into the pack per unit area (J/m2) accumulates in Q
        a[n + 1, 0] += g_top
        a[n + 1, n] -= g_top + h_top
        a[n + 1, one] += h_top * room_c
        if capacity > 0:
            a[n] = a[n + 1] / capacity
    else:
        _, h_env, env_c = top
        g_air = 0.0 if h_env <= 0 else 1.0 / (grid.r_half_top + 1.0 / h_env)
        a[0, 0] -= g_air / grid.cap[0]
        a[0, one] += g_air * env_c / grid.cap[0]
    return a


@lru_cache(maxsize=1024)
def _propagator(skinfold_mm: float, top: tuple, seconds: float) -> np.ndarray:
    a = _system(skinfold_mm, top)
    substeps = max(1, math.ceil(SUBSTEPS_PER_MINUTE * seconds / 60 - 1e-9))
    dt = seconds / substeps
    m = np.linalg.inv(np.eye(a.shape[0]) - dt * a)
    p = np.linalg.matrix_power(m, substeps)
    p.setflags(write=False)
    return p


def surface_weights(skinfold_mm: float, top: tuple) -> np.ndarray:
    """Weights that give the skin-surface temperature [degC] from the state vector."""
    grid = grid_for(skinfold_mm)
    n = grid.n
    w = np.zeros(n + 3)
    if top[0] == "pack":
        g_top = top[1]
        frac = grid.r_half_top * g_top
        w[0], w[n] = 1 - frac, frac
    else:
        h_env, env_c = top[1], top[2]
        g_air = 0.0 if h_env <= 0 else 1.0 / (grid.r_half_top + 1.0 / h_env)
        frac = grid.r_half_top * g_air
        w[0], w[n + 2] = 1 - frac, frac * env_c
    return w


@lru_cache(maxsize=512)
def steady_profile(skinfold_mm: float, h_env: float, env_c: float) -> np.ndarray:
    """Steady tissue temperatures [degC] with bare skin losing heat to ``env_c``."""
    a = _system(skinfold_mm, ("air", h_env, env_c))
    n = grid_for(skinfold_mm).n
    profile = np.linalg.solve(a[:n, :n], -a[:n, n + 2])
    profile.setflags(write=False)
    return profile


@lru_cache(maxsize=256)
def _input_resistance(skinfold_mm: float) -> float:
    """Thevenin resistance [m2 K/W] from the skin surface to the arterial temperature."""
    t = load_tissue()
    h_ref, room = t.v("skin_air_conductance_w_m2k"), t.v("room_c")
    grid = grid_for(skinfold_mm)
    prof = steady_profile(skinfold_mm, h_ref, room)
    w = surface_weights(skinfold_mm, ("air", h_ref, room))
    surface = float(w[: grid.n] @ prof + w[grid.n + 2])
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
    """Surface conductance and air temperature that hold bare skin at ``baseline_c``.

    The air is room air; for a baseline within 0.5 degC of room air or below it, the air is
    taken 0.5 degC below the baseline so that a finite conductance exists.
    """
    t = load_tissue()
    arterial = grid_for(skinfold_mm).arterial_c
    env_c = min(t.v("room_c"), baseline_c - 0.5)
    if baseline_c >= arterial:
        return 0.0, env_c
    r_in = _input_resistance(skinfold_mm)
    h_env = (arterial - baseline_c) / (r_in * (baseline_c - env_c))
    return float(min(h_env, H_ENV_MAX)), float(env_c)


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
    perfusion_factor: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step the model; return (time_min, skin surface, [muscle 1 cm, muscle 3 cm]) arrays."""
    grid = grid_for(skinfold_mm)
    n = grid.n
    x = np.zeros(n + 3)
    x[:n] = x0_tissue
    x[n] = pack_c
    x[n + 2] = 1.0

    def steps(total: float) -> list[float]:
        full = int(math.floor(total + 1e-9))
        out = [60.0] * full
        rest = total - full
        if rest > 1e-6:
            out.append(rest * 60)
        return out

    app_steps, off_steps = steps(application_min), steps(rewarm_min)
    count = 1 + len(app_steps) + len(off_steps)
    states = np.empty((count, n + 3))
    states[0] = x
    times = np.empty(count)
    times[0] = 0.0
    i = 0
    for secs in app_steps:
        i += 1
        cap = 0.0 if pack.phase == "melting" else (
            pack.cap_solid if pack.phase == "solid" else pack.cap_liquid)
        key = ("pack", g_top, cap, h_top, room_c, perfusion_factor)
        x = _propagator(skinfold_mm, key, secs) @ x
        if pack.phase == "solid" and x[n] > pack.freezing_c:
            pack.latent_left -= pack.cap_solid * (x[n] - pack.freezing_c)
            x[n] = pack.freezing_c
            pack.phase = "melting"
        elif pack.phase == "melting":
            pack.latent_left -= x[n + 1]
        if pack.phase == "melting" and pack.latent_left < 0:
            x[n] = pack.freezing_c - pack.latent_left / pack.cap_liquid
            pack.latent_left = 0.0
            pack.phase = "liquid"
        x[n + 1] = 0.0
        states[i] = x
        times[i] = times[i - 1] + secs / 60
    n_app = i
    for secs in off_steps:
        i += 1
        x = _propagator(skinfold_mm, air_top, secs) @ x
        states[i] = x
        times[i] = times[i - 1] + secs / 60
    # skin-surface temperature: the pack-on observer needs the pack temperature, which is in
    # the state; the contact conductance is the same in every pack-on phase
    w_on = surface_weights(skinfold_mm, ("pack", g_top))
    w_off = surface_weights(skinfold_mm, air_top)
    skin = np.empty(count)
    skin[: n_app + 1] = states[: n_app + 1] @ w_on
    skin[n_app + 1:] = states[n_app + 1:] @ w_off
    skin[0] = states[0] @ w_off  # before the pack touches: bare-skin surface
    muscle = states[:, :n] @ np.column_stack([grid.probe_1cm, grid.probe_3cm])
    return times, skin, muscle
