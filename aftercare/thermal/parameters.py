"""Load and validate the thermal model's data files.

Files (all in ``data/``):

- ``tissue.yaml``: fixed tissue, blood and room properties (textbook values, not fitted).
- ``modalities.yaml``: cold packs; ``heat_sources.yaml``: hot packs; ``barriers.yaml``: barriers.
- ``calibration/fitted_parameters.yaml``: parameters fitted by ``scripts/fit_thermal.py``.

Each loader is cached; call ``<loader>.cache_clear()`` after editing a file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..data import YamlDocument, cached_loader, data_path, load_yaml
from ..errors import DataError
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


FittedRef = str | float


class Pack(BaseModel):
    """One cold modality (``data/modalities.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    label: str
    kind: Literal["phase_change", "sensible"]
    initial_c: float = Field(ge=-40, le=10)
    freezing_c: float | None = None
    latent_fraction: float = Field(ge=0, le=1)
    mass_kg: FittedRef
    contact_area_m2: float = Field(gt=0, le=1)
    specific_heat_j_kgk: float = Field(gt=0)
    frozen_specific_heat_j_kgk: float | None = Field(default=None, gt=0)
    contact_conductance_w_m2k: FittedRef
    contact_multiplier: float = Field(default=1.0, gt=0)
    source_ids: tuple[str, ...]
    basis: dict[str, str] = {}

    @model_validator(mode="after")
    def _phase_change_fields(self) -> Pack:
        if self.kind == "phase_change" and (
            self.freezing_c is None
            or self.frozen_specific_heat_j_kgk is None
            or self.latent_fraction <= 0
        ):
            raise ValueError(
                "a phase_change pack needs freezing_c, frozen_specific_heat_j_kgk and "
                "latent_fraction > 0"
            )
        return self


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


class Barrier(BaseModel):
    """One barrier (``data/barriers.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    label: str
    resistance_m2k_w: FittedRef
    layers: int = Field(ge=1, le=12)
    wets_contact: bool = False
    source_ids: tuple[str, ...]
    basis: str


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


def _mapping(file: str) -> YamlDocument:
    document = load_yaml(data_path(*file.split("/")))
    if not isinstance(document.data, dict) or not document.data:
        raise DataError(document.name, "expected a non-empty mapping of ids to entries")
    return document


def _load_keyed(file: str, model: type[BaseModel]) -> dict[str, BaseModel]:
    from pydantic import ValidationError

    from ..data import as_tuples, validation_to_data_error

    document = _mapping(file)
    name = document.name
    out = {}
    for key, entry in document.data.items():
        if not isinstance(entry, dict):
            raise DataError(name, "expected a mapping of fields", column=str(key))
        record = as_tuples(entry, name=name)
        if "id" in model.model_fields:
            record["id"] = key
        try:
            item = model.model_validate(record, strict=True)
        except ValidationError as exc:
            raise validation_to_data_error(
                exc, name, prefix=f"{key}.", document=document.child(key)
            ) from None
        if hasattr(item, "source_ids"):
            check_source_ids(item.source_ids, file=name, column=f"{key}.source_ids")
        out[str(key)] = item
    return out


@cached_loader
def load_tissue() -> Tissue:
    """Fixed tissue properties from ``data/tissue.yaml`` (cached)."""
    from ..data import validate_model

    document = _mapping("tissue.yaml")
    tissue = validate_model(document.data, Tissue, document.name, document=document)
    for key in Tissue.model_fields:
        ids = getattr(tissue, key).source_ids
        if ids:  # most entries are textbook values with no source id
            check_source_ids(ids, file=document.name, column=f"{key}.source_ids")
    return tissue


@cached_loader
def load_modalities() -> dict[str, Pack]:
    """Cold modalities keyed by id, from ``data/modalities.yaml`` (cached)."""
    return _load_keyed("modalities.yaml", Pack)  # type: ignore[return-value]


@cached_loader
def load_heat_sources() -> dict[str, HeatSource]:
    """Heat sources keyed by id, from ``data/heat_sources.yaml`` (cached)."""
    return _load_keyed("heat_sources.yaml", HeatSource)  # type: ignore[return-value]


@cached_loader
def load_barriers() -> dict[str, Barrier]:
    """Barriers keyed by id, from ``data/barriers.yaml`` (cached)."""
    return _load_keyed("barriers.yaml", Barrier)  # type: ignore[return-value]


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
