"""Declarative registry: what each module adds to the shell and the control room.

Modules register in their AppConfig.ready(); core and the control room render
what is registered and never import the modules. Selectors are dotted paths,
resolved lazily, each taking ``actor=`` and returning plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise  # lazy translation
    url_name: str
    perm: str | None = None  # None: any logged-in user
    icon: str = "•"
    order: int = 100
    roles_home: tuple[str, ...] = ()  # roles for whom this is a home-page shortcut


@dataclass(frozen=True)
class MapLayer:
    """A control-room map layer. ``selector(actor=...)`` returns a GeoJSON FeatureCollection;
    ``topics`` are event-topic prefixes after which the layer refreshes."""

    key: str
    label: str | Promise
    selector: str
    perm: str | None = None
    topics: tuple[str, ...] = ()
    style: dict = field(default_factory=dict)
    order: int = 100
    default_on: bool = True


@dataclass(frozen=True)
class KpiTile:
    """A KPI tile. ``selector(actor=...)`` returns {"value": ..., "unit": ..., "detail": ..., "level": ...}.

    ``detail`` is one short line of text for people on the wall. A selector may give a
    mapping or a list instead; :func:`tile_detail_text` turns it into text
    ({"P1": 2, "P2": 1} → "P1 2 · P2 1"), so no raw Python value ever reaches a screen."""

    key: str
    label: str | Promise
    selector: str
    perm: str | None = None
    topics: tuple[str, ...] = ()
    order: int = 100


@dataclass(frozen=True)
class HistorySource:
    """Past records for the control room's history view (choropleth per kelurahan and the
    hour × weekday heat table). ``selector(actor=..., since=datetime, filters=dict)`` yields
    dicts ``{"at": aware datetime, "kelurahan_kode": str | None, "type": str, "type_label": str,
    "priority": str}``; ``filters`` may hold "type" and "priority"."""

    key: str
    label: str | Promise
    selector: str
    perm: str | None = None
    type_choices: str | None = None  # dotted path to a callable returning [(code, label)]


@dataclass(frozen=True)
class IncidentAction:
    """A link another module offers on the incident page (so ``incidents`` imports no module
    that builds on it). ``url(incident=...)`` returns the target URL, or "" when the action
    does not apply to that incident; it must not query personal data it does not show."""

    key: str
    label: str | Promise  # lazy translation
    url: str  # dotted path
    perm: str | None = None
    order: int = 100


@dataclass(frozen=True)
class IncidentGuard:
    """What a module that builds on ``incidents`` must settle before an incident leaves the
    open statuses (so ``incidents`` imports no such module; dispatch: units still on it).

    ``check(*, incident, status)`` runs inside the status change's transaction, after the
    incident's row is locked, and returns a reason (translated text) why the incident may not
    become ``status`` ("selesai", "dibatalkan" or "digabung"), or "" when nothing is in the way.
    ``on_merge(*, actor, source, target)``, optional, runs inside a merge's transaction before
    the check: the module carries its live records over to the target (or raises Conflict).
    ``on_close(*, actor, incident, status)``, optional, runs inside the same transaction once
    the incident has left the open statuses (closed, cancelled or merged; ``actor`` is the
    person who did it): the module settles what was waiting on it (sensors: the alarm that
    opened the incident is cleared)."""

    key: str
    check: str = ""  # dotted path; none: the module never holds an incident open
    on_merge: str = ""  # dotted path
    on_close: str = ""  # dotted path
    order: int = 100


@dataclass(frozen=True)
class LiveFigure:
    """A figure a module computes from its own data, read by the smart-city indicators
    (``indicators``) and as SPBE evidence (``spbe``) without importing the module.

    ``selector(*, actor, start: date, end: date, by_kecamatan: bool = False)`` returns
    ``{"value": float | None, "unit": str, "reason": str, "by_kecamatan": {kode: float}}``:
    ``value`` None means "no data" and ``reason`` says why (never a made-up zero);
    ``by_kecamatan`` only when asked and the data allows it. ``start``/``end`` are dates in
    WIB, ``end`` exclusive."""

    key: str  # "<module>.<figure>", e.g. "calls.genuine_share"
    label: str | Promise  # lazy translation
    unit: str  # "%", "menit", "orang", "jam", "unit", "indeks", …
    selector: str  # dotted path
    higher_is_better: bool = True
    perm: str | None = None


@dataclass(frozen=True)
class EvidenceSource:
    """Live evidence for an SPBE index indicator, drawn from a running module.

    ``selector(*, actor, year: int)`` returns ``{"title": str, "summary": str,
    "figures": {label: value}, "url": str}`` (plain, translated text; no personal data)."""

    key: str  # "<module>.<evidence>", e.g. "assets.ict_management"
    label: str | Promise
    selector: str
    # Indicator codes it supports: a plain code is one of PermenPANRB 59/2020 ("24"); another
    # framework's indicator is named with its framework code ("pemdi-2026:13").
    indicators: tuple[str, ...] = ()
    perm: str | None = None


@dataclass(frozen=True)
class SystemComponent:
    """A piece of Kendali itself as the SPBE catalogue knows it: an application (aplikasi)
    or a service (layanan) the module provides, so the architecture is never silent about
    the system it runs on. ``depends_on`` names other components' keys."""

    key: str  # "calls.app", "wifi.public_service"
    kind: str  # "aplikasi" or "layanan"
    name: str | Promise
    description: str | Promise
    reference_code: str = ""  # RAA/RAL code when known
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssetSource:
    """Devices a module runs that are regional assets (BMD): sensors, access points, routers,
    screens. ``assets`` links them to register items and shows their live state.

    ``devices(*, actor)`` yields ``{"ref": "<source key>:<id>", "name": str, "kind": str,
    "serial": str, "agency_id": int | None, "lat": float | None, "lon": float | None}``;
    ``states(*, refs: list[str])`` returns ``{ref: {"online": bool | None, "last_seen":
    aware datetime | None, "open_alarms": int, "summary": str}}``."""

    key: str  # "wifi.access_point", "sensors.device"
    label: str | Promise
    devices: str  # dotted path
    states: str  # dotted path


@dataclass(frozen=True)
class OpenDataset:
    """A data set a module publishes in the open-data catalogue, with personal data removed.

    ``rows(*, start: date, end: date)`` yields flat dicts with the ``columns`` keys (no phone
    numbers, names or exact locations of people); counts below the catalogue's threshold are
    suppressed by ``indicators`` before publication where ``count_columns`` names them."""

    key: str  # "calls.daily_by_kecamatan"
    title: str | Promise
    description: str | Promise
    producer: str  # OPD short name or code of the walidata
    frequency: str  # "harian", "jam-an", "bulanan", "tahunan"
    columns: tuple[str, ...]
    rows: str  # dotted path
    count_columns: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class MqttTopic:
    """Messages a module takes from the one MQTT consumer (``kendali.core.mqtt``).

    ``pattern`` is a topic filter under ``kendali/`` (``"+/telemetry"``); ``handler(messages:
    list[MqttMessage]) -> (accepted, rejected)`` gets a batch of its own messages in arrival
    order, commits what it stores before returning, and is idempotent (a message may come
    again after a crash). It raises only when a message could not be handled: the consumer
    waits out a database that is away and sets aside a message that keeps failing. ``qos``
    1: kept by the broker while Kendali is down; 0: a message the next one replaces."""

    key: str  # "sensors.telemetry"
    pattern: str
    handler: str  # dotted path
    qos: int = 1


_nav: dict[str, NavItem] = {}
_history: dict[str, HistorySource] = {}
_incident_actions: dict[str, IncidentAction] = {}
_incident_guards: dict[str, IncidentGuard] = {}
_layers: dict[str, MapLayer] = {}
_tiles: dict[str, KpiTile] = {}
_figures: dict[str, LiveFigure] = {}
_evidence: dict[str, EvidenceSource] = {}
_components: dict[str, SystemComponent] = {}
_asset_sources: dict[str, AssetSource] = {}
_datasets: dict[str, OpenDataset] = {}
_mqtt_topics: dict[str, MqttTopic] = {}


def register_nav(item: NavItem) -> None:
    _nav[item.key] = item


def register_layer(layer: MapLayer) -> None:
    _layers[layer.key] = layer


def register_tile(tile: KpiTile) -> None:
    _tiles[tile.key] = tile


def register_history(source: HistorySource) -> None:
    _history[source.key] = source


def register_incident_action(action: IncidentAction) -> None:
    _incident_actions[action.key] = action


def register_incident_guard(guard: IncidentGuard) -> None:
    _incident_guards[guard.key] = guard


def register_figure(figure: LiveFigure) -> None:
    _figures[figure.key] = figure


def register_evidence(source: EvidenceSource) -> None:
    _evidence[source.key] = source


def register_component(component: SystemComponent) -> None:
    _components[component.key] = component


def register_asset_source(source: AssetSource) -> None:
    _asset_sources[source.key] = source


def register_dataset(dataset: OpenDataset) -> None:
    _datasets[dataset.key] = dataset


def register_mqtt_topic(topic: MqttTopic) -> None:
    _mqtt_topics[topic.key] = topic


def mqtt_topics() -> list[MqttTopic]:
    return sorted(_mqtt_topics.values(), key=lambda t: t.key)


def figures() -> list[LiveFigure]:
    return sorted(_figures.values(), key=lambda f: f.key)


def get_figure(key: str) -> LiveFigure | None:
    return _figures.get(key)


def evidence_sources() -> list[EvidenceSource]:
    return sorted(_evidence.values(), key=lambda e: e.key)


def system_components() -> list[SystemComponent]:
    return sorted(_components.values(), key=lambda c: c.key)


def asset_sources() -> list[AssetSource]:
    return sorted(_asset_sources.values(), key=lambda a: a.key)


def datasets() -> list[OpenDataset]:
    return sorted(_datasets.values(), key=lambda d: d.key)


def get_dataset(key: str) -> OpenDataset | None:
    return _datasets.get(key)


def incident_guards() -> list[IncidentGuard]:
    return sorted(_incident_guards.values(), key=lambda g: (g.order, g.key))


def incident_actions(user, incident) -> list[tuple[IncidentAction, str]]:
    """The actions ``user`` may take on ``incident``, each with its URL."""
    actions = []
    for action in _visible(_incident_actions.values(), user):
        url = run_selector(action.url, incident=incident)
        if url:
            actions.append((action, url))
    return actions


def history_sources(user) -> list[HistorySource]:
    return list(_visible(_history.values(), user))


def get_history(key: str) -> HistorySource | None:
    return _history.get(key)


def _visible(items, user):
    for item in sorted(items, key=lambda i: (getattr(i, "order", 100), i.key)):
        if item.perm is None or (user is not None and user.has_perm(item.perm)):
            yield item


def nav_items(user) -> list[NavItem]:
    return list(_visible(_nav.values(), user))


def map_layers(user) -> list[MapLayer]:
    return list(_visible(_layers.values(), user))


def kpi_tiles(user) -> list[KpiTile]:
    return list(_visible(_tiles.values(), user))


def get_layer(key: str) -> MapLayer | None:
    return _layers.get(key)


def get_tile(key: str) -> KpiTile | None:
    return _tiles.get(key)


def tile_detail_text(detail) -> str:
    """A tile's detail as readable text: mappings as "key value · …", lists joined by " · "."""
    if detail is None:
        return ""
    if isinstance(detail, dict):
        return " · ".join(
            f"{tile_detail_text(key)} {tile_detail_text(value)}".strip()
            for key, value in detail.items()
        )
    if isinstance(detail, list | tuple | set | frozenset):
        items = sorted(detail, key=str) if isinstance(detail, set | frozenset) else detail
        return " · ".join(text for text in (tile_detail_text(i) for i in items) if text)
    return str(detail)


def run_selector(path: str, **kwargs):
    return import_string(path)(**kwargs)
