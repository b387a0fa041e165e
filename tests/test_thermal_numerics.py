"""Verification of the thermal solver against analytic solutions (issue #23, item 3).

As pvlib checks its models against reference values, these tests check the finite-volume,
modal-form solver of :mod:`aftercare.thermal.solver` against closed forms, not against itself:

- a semi-infinite slab whose surface is suddenly held at a fixed temperature (the erfc
  solution of the heat equation, Carslaw & Jaeger 1959, section 2.5);
- the steady profile of the Pennes equation with blood flow, surface held fixed, deep end at
  the arterial temperature (``T - Ta = (Ts - Ta) sinh(m (L - z)) / sinh(m L)``,
  ``m = sqrt(w rho_b c_b / k)``; Pennes 1948);
- grid refinement (second order in space) and output-step refinement (first order: a phase
  switch is placed at the first output step past it);
- the energy balance of a whole session (tissue heat content, blood, deep boundary and the
  melt budget of the pack), within 1 %.

The analytic cases need one homogeneous tissue: the tests write skin and fat properties equal
to muscle into a scratch copy of ``data/tissue.yaml`` (fixture ``data_copy``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from scipy.special import erf

from aftercare.data import clear_caches
from aftercare.packs import load_modalities
from aftercare.thermal import model, solver
from aftercare.thermal.parameters import load_tissue

PROPS = ("conductivity_w_mk", "density_kg_m3", "specific_heat_j_kgk", "perfusion_per_s")


@pytest.fixture
def homogeneous(data_copy):
    """Tissue whose skin and fat have the properties of muscle (a uniform column)."""
    path = data_copy / "tissue.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for layer in ("skin", "fat"):
        for prop in PROPS:
            doc[f"{layer}_{prop}"]["value"] = doc[f"muscle_{prop}"]["value"]
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    clear_caches()
    return load_tissue()


def _centres(grid: solver.Grid) -> np.ndarray:
    return np.cumsum(grid.dz) - grid.dz / 2


def _clamped_cells(skinfold_mm: float, surface_c: float, seconds: float, perfusion: float):
    """Cell temperatures after ``seconds`` with the surface held at ``surface_c`` (perfect
    contact), starting from the arterial temperature everywhere."""
    grid = solver.grid_for(skinfold_mm)
    g_top = 1.0 / grid.r_half_top  # the surface itself is held: no contact resistance
    ph = solver.phase(skinfold_mm, ("clamped", g_top, surface_c, 0.0, 20.0), perfusion)
    u0 = np.full(grid.n, grid.arterial_c)
    y0 = ph.to_modal @ (u0 - ph.steady)
    return grid, ph, ph.steady + ph.from_modal @ (np.exp(seconds * ph.lam) * y0)


def _erfc_error(tissue, seconds: float = 600.0) -> float:
    """Largest error [degC] against the erfc solution over the upper 25 mm."""
    grid, _, cells = _clamped_cells(0.0, 0.0, seconds, 0.0)
    alpha = tissue.v("muscle_conductivity_w_mk") / (
        tissue.v("muscle_density_kg_m3") * tissue.v("muscle_specific_heat_j_kgk")
    )
    z = _centres(grid)
    exact = grid.arterial_c * erf(z / (2 * math.sqrt(alpha * seconds)))
    near = z < 0.025
    return float(np.max(np.abs(cells[near] - exact[near])))


def test_semi_infinite_slab_matches_the_erfc_solution(homogeneous):
    # 10 min with the surface held at 0 degC: the cold reaches about 9 mm (sqrt(alpha t)),
    # far from the deep boundary at 61.5 mm, so the column behaves as a semi-infinite slab
    assert _erfc_error(homogeneous) < 0.1
    # and the heat drawn through the surface matches k T0 / sqrt(pi alpha t)
    grid, ph, cells = _clamped_cells(0.0, 0.0, 600.0, 0.0)
    k = homogeneous.v("muscle_conductivity_w_mk")
    alpha = k / (
        homogeneous.v("muscle_density_kg_m3") * homogeneous.v("muscle_specific_heat_j_kgk")
    )
    flux = cells[0] / grid.r_half_top
    exact_flux = k * grid.arterial_c / math.sqrt(math.pi * alpha * 600.0)
    assert flux == pytest.approx(exact_flux, rel=0.02)


def test_steady_profile_with_blood_flow_matches_the_closed_form(homogeneous):
    surface_c = 10.0
    grid, ph, _ = _clamped_cells(0.0, surface_c, 0.0, 1.0)
    t = homogeneous
    m = math.sqrt(
        t.v("muscle_perfusion_per_s")
        * t.v("blood_density_kg_m3")
        * t.v("blood_specific_heat_j_kgk")
        / t.v("muscle_conductivity_w_mk")
    )
    depth = float(grid.dz.sum())  # the deep face is held at the arterial temperature
    z = _centres(grid)
    ta = grid.arterial_c
    exact = ta + (surface_c - ta) * np.sinh(m * (depth - z)) / np.sinh(m * depth)
    assert np.max(np.abs(ph.steady - exact)) < 0.05
    # blood flow matters here: without it the profile would be a straight line
    linear = surface_c + (ta - surface_c) * z / depth
    assert np.max(np.abs(linear - exact)) > 2.0


def test_grid_refinement_shows_second_order_in_space(homogeneous, monkeypatch):
    errors = []
    for scale in (1.0, 0.5, 0.25):
        monkeypatch.setattr(solver, "CELL_M", {k: v * scale for k, v in solver.CELL_M.items()})
        clear_caches()
        errors.append(_erfc_error(homogeneous))
    orders = [math.log2(a / b) for a, b in zip(errors, errors[1:], strict=False)]
    assert all(o > 1.7 for o in orders), (errors, orders)


def _melt_out_session(mass_kg: float, step_min: float):
    """20 min under a small ice bag that melts out during the session: skin and muscle at
    each whole minute, and when the ice ran out [min]."""
    pack = load_modalities()["crushed_ice"].model_copy(update={"mass_kg": mass_kg})
    times, skin, deep, events = model.cooling_arrays(
        pack, 150.0, 0.0, 20.0, 0.0, 10.0, None, None, step_min, deep_factor=1.0
    )
    whole = np.isclose(times % 1.0, 0.0)
    return np.column_stack([skin, deep[:, :2]])[whole], events["melted_min"]


@pytest.mark.parametrize("mass_kg", [0.05, 0.08, 0.1])
def test_output_step_refinement_is_first_order_at_phase_switches(mass_kg):
    """The step is the method's only time step: a switch lands within one step after the true
    one, and temperatures differ from a fine-step reference by at most a constant x step."""
    reference, melted = _melt_out_session(mass_kg, 2.0**-10)
    assert 2 < melted < 15  # the ice runs out during the session
    errors = []
    for step in [2.0**-k for k in range(7)]:
        values, switch = _melt_out_session(mass_kg, step)
        assert 0.0 <= switch - melted <= step + 1e-9
        errors.append(float(np.abs(values - reference).max()))
        assert errors[-1] <= 4.0 * step  # degC, first order: bounded by C x step
    assert errors[-1] < 0.05 and errors[-1] < errors[0] / 10


def test_within_a_phase_the_solution_is_exact_in_time():
    # no time-stepping error: one step of 20 min equals 20 steps of 1 min or 1200 of 1 s
    pack = load_modalities()["crushed_ice"]
    ends = [
        model.cooling_arrays(pack, 150.0, 0.0, 20.0, 0.0, 10.0, None, None, step, 1.0)[1][-1]
        for step in (20.0, 1.0, 1 / 60)
    ]
    assert np.ptp(ends) < 1e-9


def test_energy_balance_over_a_session_within_one_percent():
    """Heat lost by the tissue = heat taken by the melting pack from the skin (20 min of
    crushed ice, bare skin, 10 mm skinfold); tissue heat content, deep boundary and blood
    are integrated independently of the solver's own melt bookkeeping."""
    t = load_tissue()
    skinfold, minutes = 10.0, 20.0
    pack = load_modalities()["crushed_ice"]
    h = 150.0
    g_top = model._g_top(h, 0.0, skinfold)
    h_env, room = t.v("skin_air_conductance_w_m2k"), t.v("room_c")
    x0 = solver.steady_profile(skinfold, h_env, room)
    pack_c, state = model.pack_state(pack)
    latent0 = state.latent_left
    h_top = t.v("pack_top_conductance_w_m2k")
    rec = model.recovery()
    solver.run(
        skinfold, x0, pack_c, state, g_top, h_top, room, ("air", h_env, room), minutes, 0.0, rec
    )
    assert state.phase == "melting"  # the ice lasts the whole session: one clamped phase
    melt_from_skin = (latent0 - state.latent_left) - h_top * (room - pack.freezing_c) * minutes * 60

    grid = solver.grid_for(skinfold)
    ph = solver.phase(skinfold, ("clamped", g_top, pack.freezing_c, h_top, room), rec.cold_factor)
    y0 = ph.to_modal @ (x0 - ph.steady)
    seconds = np.linspace(0.0, minutes * 60, 2401)
    cells = ph.steady + (np.exp(np.outer(seconds, ph.lam)) * y0) @ ph.from_modal.T
    stored = float(grid.cap @ (cells[-1] - cells[0]))  # J/m2, negative: the tissue cooled
    blood = np.trapezoid((grid.arterial_c - cells) @ (grid.perf * rec.cold_factor), seconds)
    deep = np.trapezoid(grid.g_bottom * (grid.arterial_c - cells[:, -1]), seconds)
    to_pack = np.trapezoid(g_top * (cells[:, 0] - pack.freezing_c), seconds)
    assert stored == pytest.approx(blood + deep - to_pack, rel=0.01)
    assert to_pack == pytest.approx(melt_from_skin, rel=0.01)
    assert to_pack > 1e5  # a real amount of heat (J/m2), not a vacuous balance
