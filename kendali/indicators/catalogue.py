"""The eight smart-city components and their indicators, read from the bundled
``data/catalogue.json`` (data, not code: a city edits the file, not the program).

Each indicator is *live* (its value comes from a ``LiveFigure`` another module registers in
the core registry) or *entered* (an OPD enters a figure per year and a second person approves
it). The file is validated when it is loaded, so a broken edit fails at start-up."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

from kendali.indicators.choices import Direction, SourceKind

PATH = Path(__file__).with_name("data") / "catalogue.json"
# Plain strings: comparing with the enum members on every row of the overview is costly.
_LIVE = str(SourceKind.LIVE.value)
_HIGHER = str(Direction.HIGHER.value)


@dataclass(frozen=True)
class IsoReference:
    standard: str  # "ISO 37120" | "ISO 37122"
    edition: str  # "2014", "2018", "2019"
    clause: str
    title: str
    verified: bool  # False: the clause number is not yet checked against the standard's text

    def __str__(self) -> str:
        return f"{self.standard}:{self.edition} {self.clause}"


@dataclass(frozen=True)
class Component:
    code: str
    name_id: str
    name_en: str
    gm100sc: str  # dimensions of the Gerakan Menuju 100 Smart City it maps to
    order: int
    leading: bool

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id


@dataclass(frozen=True)
class Indicator:
    code: str
    component: str
    name_id: str
    name_en: str
    short_id: str  # the overview's label (the full name is its tooltip)
    short_en: str
    unit: str
    direction: str
    iso: IsoReference | None
    computation: str
    source: str  # SourceKind
    figure: str  # LiveFigure key for live indicators
    opd: str  # agency code that enters the figure, for entered indicators
    minimum: float
    maximum: float
    decimals: int

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id

    @property
    def short_name(self) -> str:
        return self.short_en if (get_language() or "id").startswith("en") else self.short_id

    @property
    def is_live(self) -> bool:
        return self.source == _LIVE

    @property
    def higher_is_better(self) -> bool:
        return self.direction == _HIGHER

    def plausible(self, value: float) -> bool:
        return self.minimum <= value <= self.maximum


@dataclass(frozen=True)
class Catalogue:
    components: tuple[Component, ...]
    indicators: tuple[Indicator, ...]

    def component(self, code: str) -> Component | None:
        return next((c for c in self.components if c.code == code), None)

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    def of_component(self, code: str) -> list[Indicator]:
        return [i for i in self.indicators if i.component == code]


class CatalogueError(ValueError):
    pass


def parse(doc: dict) -> Catalogue:
    components = []
    for raw in doc["components"]:
        components.append(
            Component(
                code=raw["code"],
                name_id=raw["name_id"],
                name_en=raw["name_en"],
                gm100sc=raw.get("gm100sc", ""),
                order=int(raw["order"]),
                leading=bool(raw.get("leading", False)),
            )
        )
    components.sort(key=lambda c: c.order)
    codes = {c.code for c in components}
    indicators = []
    seen: set[str] = set()
    for raw in doc["indicators"]:
        code = raw["code"]
        if code in seen:
            raise CatalogueError(f"indicator {code} appears twice")
        seen.add(code)
        if raw["component"] not in codes:
            raise CatalogueError(f"indicator {code}: unknown component {raw['component']}")
        if raw["direction"] not in Direction.values:
            raise CatalogueError(f"indicator {code}: direction must be higher or lower")
        source = raw["source"]
        if source["kind"] not in SourceKind.values:
            raise CatalogueError(f"indicator {code}: source kind must be live or entered")
        if source["kind"] == SourceKind.LIVE and not source.get("figure"):
            raise CatalogueError(f"indicator {code}: a live indicator names its figure")
        if source["kind"] == SourceKind.ENTERED and not source.get("opd"):
            raise CatalogueError(f"indicator {code}: an entered indicator names its OPD")
        low, high = raw["range"]
        if low >= high:
            raise CatalogueError(f"indicator {code}: range must be [low, high]")
        iso = raw.get("iso")
        indicators.append(
            Indicator(
                code=code,
                component=raw["component"],
                name_id=raw["name_id"],
                name_en=raw["name_en"],
                short_id=raw.get("short_id") or raw["name_id"],
                short_en=raw.get("short_en") or raw["name_en"],
                unit=raw["unit"],
                direction=raw["direction"],
                iso=IsoReference(**iso) if iso else None,
                computation=raw["computation"],
                source=source["kind"],
                figure=source.get("figure", ""),
                opd=source.get("opd", ""),
                minimum=float(low),
                maximum=float(high),
                decimals=int(raw.get("decimals", 1)),
            )
        )
    return Catalogue(tuple(components), tuple(indicators))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return parse(json.loads(PATH.read_text(encoding="utf-8")))
