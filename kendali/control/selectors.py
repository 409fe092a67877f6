"""Reads of the control room. Everything shown on the wall comes from the registry
(kendali.core.registry); this module never imports another app."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.control.apps import VIEW
from kendali.control.models import WallDisplay, WallMessage
from kendali.core import jobs, registry
from kendali.core.actors import Actor
from kendali.core.errors import NotAllowed, NotFound
from kendali.core.events.sse import _load_user_audience
from kendali.core.events.stores import DatabaseEventStore, ResumeExpired, get_store
from kendali.core.models import JobState

WIB = ZoneInfo("Asia/Jakarta")
WEEKDAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def _user(actor: Actor):
    return actor.user


def _require_view(actor: Actor) -> None:
    if not actor.has_perm(VIEW):
        raise NotAllowed(_("Peran Anda tidak berhak melihat ruang kendali."))


def layers_visible(*, actor: Actor) -> list[dict]:
    _require_view(actor)
    return [
        {
            "key": layer.key,
            "label": str(layer.label),
            "topics": list(layer.topics),
            "style": layer.style,
            "order": layer.order,
            "default_on": layer.default_on,
        }
        for layer in registry.map_layers(_user(actor))
    ]


def _visible_item(items, key):
    for item in items:
        if item.key == key:
            return item
    raise NotFound(_("Lapisan atau ubin tidak ditemukan."))


def layer_features(*, actor: Actor, key: str) -> dict:
    """Run the layer's selector as the actor. A layer the actor may not see is
    answered like an unknown one (404), so its existence is not revealed."""
    _require_view(actor)
    layer = _visible_item(registry.map_layers(_user(actor)), key)
    collection = registry.run_selector(layer.selector, actor=actor)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        collection = {"type": "FeatureCollection", "features": list(collection or [])}
    return collection


def tiles_visible(*, actor: Actor) -> list[dict]:
    _require_view(actor)
    return [
        {"key": t.key, "label": str(t.label), "topics": list(t.topics), "order": t.order}
        for t in registry.kpi_tiles(_user(actor))
    ]


def tile_value(*, actor: Actor, key: str) -> dict:
    _require_view(actor)
    tile = _visible_item(registry.kpi_tiles(_user(actor)), key)
    value = registry.run_selector(tile.selector, actor=actor) or {}
    return {
        "key": tile.key,
        "label": str(tile.label),
        "value": value.get("value"),
        "unit": str(value.get("unit") or ""),
        "detail": registry.tile_detail_text(value.get("detail")),
        "level": value.get("level") or "ok",
    }


def jobs_tile(*, actor: Actor) -> dict:
    """Background jobs alive: finished a run within three of their intervals."""
    registered = jobs.registered()
    if not registered:
        return {"value": 0, "unit": "", "detail": _("tidak ada proses latar"), "level": "ok"}
    states = {s.name: s for s in JobState.objects.filter(name__in=[j.name for j in registered])}
    now = timezone.now()
    alive, failing, dead = 0, [], []
    for job in registered:
        state = states.get(job.name)
        window = timedelta(seconds=max(job.interval_seconds * 3, 30))
        if state is None or state.last_finished_at is None or now - state.last_finished_at > window:
            dead.append(job.name)
        else:
            alive += 1
            if state.last_error:
                failing.append(job.name)
    level = "bad" if dead else "warn" if failing else "ok"
    detail = (
        _("tidak berjalan: %(names)s") % {"names": ", ".join(dead)}
        if dead
        else _("galat: %(names)s") % {"names": ", ".join(failing)}
        if failing
        else _("semua berjalan")
    )
    return {"value": alive, "unit": f"/ {len(registered)}", "detail": detail, "level": level}


def messages_active(*, actor: Actor) -> list[WallMessage]:
    _require_view(actor)
    return list(WallMessage.objects.filter(expires_at__gt=timezone.now())[:5])


def displays(*, actor: Actor) -> list[WallDisplay]:
    """The registered wall screens (a control room has a handful)."""
    _require_view(actor)
    return list(WallDisplay.objects.order_by("code")[:200])


def history(
    *,
    actor: Actor,
    days: int = 30,
    type_code: str = "",
    priority: str = "",
    source: str = "",
    now: datetime | None = None,
) -> dict:
    """Records of the registered history sources over the last ``days``: counts per
    kelurahan (choropleth) and an hour-of-day × weekday table, in WIB."""
    _require_view(actor)
    now = now or timezone.now()
    since = now - timedelta(days=days)
    filters = {k: v for k, v in (("type", type_code), ("priority", priority)) if v}
    sources = [s for s in registry.history_sources(_user(actor)) if not source or s.key == source]
    per_kelurahan: Counter = Counter()
    heat = [[0] * 24 for _ in range(7)]
    priorities: set[str] = set()
    types: dict[str, str] = {}
    total = outside = 0
    for src in sources:
        if src.type_choices:
            types.update({str(c): str(lbl) for c, lbl in registry.run_selector(src.type_choices)})
        for record in registry.run_selector(
            src.selector, actor=actor, since=since, filters=filters
        ):
            at = record["at"]
            if at < since:
                continue
            total += 1
            if record.get("priority"):
                priorities.add(record["priority"])
            if record.get("type") and record["type"] not in types:
                types[record["type"]] = record.get("type_label") or record["type"]
            kode = record.get("kelurahan_kode")
            if kode:
                per_kelurahan[kode] += 1
            else:
                outside += 1
            local = at.astimezone(WIB)
            heat[local.weekday()][local.hour] += 1
    return {
        "since": since.isoformat(),
        "until": now.isoformat(),
        "days": days,
        "total": total,
        "without_kelurahan": outside,
        "kelurahan": dict(per_kelurahan),
        "max_kelurahan": max(per_kelurahan.values(), default=0),
        "heat": heat,
        "max_heat": max((max(row) for row in heat), default=0),
        "weekdays": WEEKDAYS,
        "sources": [{"key": s.key, "label": str(s.label)} for s in sources],
        "types": sorted(
            ({"code": c, "label": lbl} for c, lbl in types.items()), key=lambda t: t["label"]
        ),
        "priorities": sorted(priorities),
    }


def recent_events(*, user, limit: int = 12) -> list[dict]:
    """The last city events this person may see (the same rule as their live stream), oldest
    first: the ticker starts with what just happened, not with "Menunggu peristiwa baru…"."""
    store = get_store()
    if isinstance(store, DatabaseEventStore):
        start = str(max(0, int(store.latest_id() or 0) - 500))
    else:  # a Redis stream: ids start with milliseconds
        start = f"{int((time.time() - 3 * 3600) * 1000)}-0"
    try:
        events = store.read_after(start, limit=1000)
    except ResumeExpired:
        events = store.read_after(None, limit=1000)
    audience = _load_user_audience(user, (), True)
    if audience is None:
        return []
    wanted = [
        e for e in events if not e.topic.startswith(("core.", "kendali.")) and audience.wants(e)
    ]
    return [
        {"id": e.id, "topic": e.topic, "at": e.created_at, "data": e.data} for e in wanted[-limit:]
    ]
