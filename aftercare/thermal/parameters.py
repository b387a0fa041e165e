"""Load and validate the thermal model's data files.

Files (all in ``data/``):

- ``tissue.yaml``: fixed tissue, blood and room properties (textbook values, not fitted).
- ``heat_sources.yaml``: hot packs.
- ``modalities.yaml`` (cold packs) and ``barriers.yaml`` are read by :mod:`aftercare.packs`
  (their ids and labels are the suite's vocabulary); ``Pack``, ``Barrier``, ``load_modalities``
  and ``load_barriers`` are re-exported here.
- ``calibration/fitted_parameters.yaml``: parameters fitted by ``scripts/fit_thermal.py``.

Each loader is cached; call ``<loader>.cache_clear()`` after editing a file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..data import cached_loader, data_path, load_yaml, read_keyed_models, validate_model
from ..errors import DataError
from ..packs import Barrier, FittedRef, Pack, load_barriers, load_modalities
from ..sources import check_source_ids

__all__ = [
    "Quantity",
    "Tissue",
    "Pack",
    "HeatSource",
    "Barrier",
    "FittedParameter",
    "load_tissue",
    "load_modalities",
    "load_heat_sources",
    "load_barriers",
    "load_fitted_parameters",
    "resolve",
]


class Quantity(BaseModel):
    """A fixed model input with its unit, where its value comes from and its sources."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    value: float
    unit: str
    basis: str
    source_ids: tuple[str, ...] = ()


class Tissue(BaseModel):
    """Fixed tissue, blood and room properties (``data/tissue.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    skin_thickness_mm: Quantity
    skin_conductivity_w_mk: Quantity
    skin_density_kg_m3: Quantity
    skin_specific_heat_j_kgk: Quantity
    skin_perfusion_per_s: Quantity
    fat_conductivity_w_mk: Quantity
    fat_density_kg_m3: Quantity
    fat_specific_heat_j_kgk: Quantity
    fat_perfusion_per_s: Quantity
    muscle_conductivity_w_mk: Quantity
    muscle_density_kg_m3: Quantity
    muscle_specific_heat_j_kgk: Quantity
    muscle_perfusion_per_s: Quantity
    blood_density_kg_m3: Quantity
    blood_specific_heat_j_kgk: Quantity
    arterial_c: Quantity
    muscle_depth_mm: Quantity
    room_c: Quantity
    skin_air_conductance_w_m2k: Quantity
    pack_top_conductance_w_m2k: Quantity
    latent_heat_ice_j_kg: Quantity
    specific_heat_water_j_kgk: Quantity
    specific_heat_ice_j_kgk: Quantity
    cold_perfusion_factor: Quantity
    vasoconstriction_hold_min: Quantity
    vasoconstriction_recovery_min: Quantity
    vasoconstriction_full_c: Quantity

    def v(self, name: str) -> float:
        """The value of one property."""
        return getattr(self, name).value


class HeatSource(BaseModel):
    """One heat source (``data/heat_sources.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    label: str
    initial_c: float = Field(ge=30, le=100)
    mass_kg: float = Field(gt=0, le=10)
    contact_area_m2: float = Field(gt=0, le=1)
    specific_heat_j_kgk: float = Field(gt=0)
    contact_conductance_w_m2k: float = Field(gt=0)
    default_layers: int = Field(ge=0, le=12)
    confidence: Literal["high", "medium", "low", "unconfirmed"]
    source_ids: tuple[str, ...]
    basis: dict[str, str] = {}


class FittedParameter(BaseModel):
    """One parameter fitted by ``scripts/fit_thermal.py``.

    ``bounds`` are the limits the fit was allowed; ``ci95`` the approximate 95 % interval from
    the fit's Jacobian (None where the script reports none).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    value: float
    unit: str
    fitted_to: tuple[str, ...]
    meaning: str
    bounds: tuple[float, float] | None = None
    ci95: tuple[float, float] | None = None


def _load_keyed(file: str, model: type[BaseModel]) -> dict[str, BaseModel]:
    entries = read_keyed_models(data_path(*file.split("/")), model)
    for key, entry in entries.items():
        if getattr(entry, "source_ids", ()):
            check_source_ids(entry.source_ids, file=f"data/{file}", column=f"{key}.source_ids")
    return entries


@cached_loader
def load_tissue() -> Tissue:
    """Fixed tissue properties from ``data/tissue.yaml`` (cached)."""
    document = load_yaml(data_path("tissue.yaml"))
    tissue = validate_model(document.data, Tissue, document.name, document=document)
    for key in Tissue.model_fields:
        ids = getattr(tissue, key).source_ids
        if ids:  # most entries are textbook values with no source id
            check_source_ids(ids, file=document.name, column=f"{key}.source_ids")
    return tissue


@cached_loader
def load_heat_sources() -> dict[str, HeatSource]:
    """Heat sources keyed by id, from ``data/heat_sources.yaml`` (cached)."""
    return _load_keyed("heat_sources.yaml", HeatSource)  # type: ignore[return-value]


@cached_loader
def load_fitted_parameters() -> dict[str, FittedParameter]:
    """Fitted parameters from ``data/calibration/fitted_parameters.yaml`` (cached)."""
    return _load_keyed("calibration/fitted_parameters.yaml", FittedParameter)  # type: ignore[return-value]


def resolve(
    value: FittedRef, *, file: str, field: str, overrides: dict[str, float] | None = None
) -> float:
    """Turn a number or a ``"fitted:NAME"`` reference into a number.

    ``overrides`` (used by the fitting script) replaces fitted values by name.
    """
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if not text.startswith("fitted:"):
        try:
            return float(text)
        except ValueError:
            raise DataError(
                file, f"{value!r} is neither a number nor 'fitted:NAME'", column=field
            ) from None
    key = text.split(":", 1)[1].strip()
    if overrides and key in overrides:
        return float(overrides[key])
    fitted = load_fitted_parameters()
    if key not in fitted:
        raise DataError(
            "data/calibration/fitted_parameters.yaml",
            f"fitted parameter {key!r} (named in {file}, {field}) is missing; "
            "run scripts/fit_thermal.py",
            column=key,
            allowed=", ".join(fitted),
        )
    return fitted[key].value
