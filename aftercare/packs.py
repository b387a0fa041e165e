"""Cold packs and barriers: the ids, labels and physical parameters of ``data/modalities.yaml``
and ``data/barriers.yaml``.

These two files are the one home of the vocabulary: a protocol's ``modality`` and ``barrier``
rules, the planner's steps and session table, the cooling explorer's menus, the charts' titles
and the thermal model all read the ids and labels from here. Adding a barrier or a cold pack is
a data change (plus, for a barrier a protocol may prescribe, its sentence in each handout
catalogue; see ``docs/extending.md``).

Labels (fields of each entry):

``label``
    The full name, for menus and tables ("One damp towel layer").
``short_label``
    A few words for chart titles and compact tables ("damp towel", "no barrier").
``plan_label`` (barriers only)
    How a plan's steps and session table name the barrier ("a thin damp towel": "Always put
    a thin damp towel between the ice and your skin").

``prescribable: false`` marks a barrier no protocol may prescribe: ``none`` (bare ice on the
skin) exists for the thermal model and the cooling explorer only.

Examples
--------
>>> prescribable_barriers()
('damp_towel', 'dry_towel', 'double_dry_towel')
>>> load_barriers()["none"].short_label, load_barriers()["damp_towel"].plan_label
('no barrier', 'a thin damp towel')
>>> modality_ids()
('crushed_ice', 'cubed_ice', 'wetted_ice', 'gel_pack', 'frozen_peas')
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .data import cached_loader, data_path, read_keyed_models
from .errors import DataError
from .sources import check_source_ids

__all__ = [
    "FittedRef",
    "Pack",
    "Barrier",
    "load_modalities",
    "load_barriers",
    "modality_ids",
    "barrier_ids",
    "prescribable_barriers",
]

#: A number, or ``"fitted:NAME"``: a parameter of ``data/calibration/fitted_parameters.yaml``.
FittedRef = str | float


class Pack(BaseModel):
    """One cold modality (``data/modalities.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    label: str = Field(min_length=1)
    short_label: str = Field(min_length=1)
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


class Barrier(BaseModel):
    """One barrier between a pack and the skin (``data/barriers.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    label: str = Field(min_length=1)
    short_label: str = Field(min_length=1)
    #: False for a barrier no protocol may prescribe (``none``: ice on bare skin).
    prescribable: bool
    #: How a plan names it ("a thin damp towel"); required when ``prescribable``.
    plan_label: str | None = Field(default=None, min_length=1)
    resistance_m2k_w: FittedRef
    layers: int = Field(ge=1, le=12)
    #: A modality id: the barrier soaks up melt water, so the pack touches the skin as that
    #: modality does and gets its contact multiplier (``damp_towel``: ``wetted_ice``).
    wets_contact: str | None = Field(default=None, min_length=1)
    source_ids: tuple[str, ...]
    basis: str

    @model_validator(mode="after")
    def _named_in_plans(self) -> Barrier:
        if self.prescribable and self.plan_label is None:
            raise ValueError("a prescribable barrier needs plan_label (how a plan names it)")
        return self


def _load(file: str, model: type[Pack] | type[Barrier]) -> dict:
    entries = read_keyed_models(data_path(file), model)
    for key, entry in entries.items():
        check_source_ids(entry.source_ids, file=f"data/{file}", column=f"{key}.source_ids")
    return entries


@cached_loader
def load_modalities() -> dict[str, Pack]:
    """Cold modalities keyed by id, in file order, from ``data/modalities.yaml`` (cached)."""
    return _load("modalities.yaml", Pack)


@cached_loader
def load_barriers() -> dict[str, Barrier]:
    """Barriers keyed by id, in file order, from ``data/barriers.yaml`` (cached).

    A ``wets_contact`` must name a modality of ``data/modalities.yaml``.
    """
    barriers = _load("barriers.yaml", Barrier)
    modalities = load_modalities()
    for key, barrier in barriers.items():
        if barrier.wets_contact is not None and barrier.wets_contact not in modalities:
            raise DataError(
                "data/barriers.yaml",
                f"wets_contact {barrier.wets_contact!r} is not a modality of data/modalities.yaml",
                column=f"{key}.wets_contact",
                allowed=", ".join(modalities),
            )
    return barriers


def modality_ids() -> tuple[str, ...]:
    """Every cold modality id, in file order."""
    return tuple(load_modalities())


def barrier_ids() -> tuple[str, ...]:
    """Every barrier id (``none`` included), in file order."""
    return tuple(load_barriers())


def prescribable_barriers() -> tuple[str, ...]:
    """The barrier ids a protocol may prescribe (never ``none``), in file order."""
    return tuple(key for key, barrier in load_barriers().items() if barrier.prescribable)
