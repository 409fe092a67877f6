"""The control room renders what modules register, as the actor may see it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from kendali.core import registry
from kendali.core.registry import HistorySource, KpiTile, MapLayer

pytestmark = pytest.mark.django_db

CALLS = []


def fake_layer(*, actor):
    CALLS.append(actor.label)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "u1",
                "geometry": {"type": "Point", "coordinates": [106.15, -6.12]},
                "properties": {"label": "Unit 1", "kecamatan": "Serang", "color": "#f00"},
            }
        ],
    }


def fake_tile(*, actor):
    return {"value": 7, "unit": "unit", "detail": "siaga", "level": "warn"}


NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # Wednesday 10:00 WIB


def fake_history(*, actor, since, filters):
    rows = [
        # Monday 2026-11-23 08:30 WIB
        {
            "at": datetime(2026, 11, 23, 1, 30, tzinfo=UTC),
            "kelurahan_kode": "36.73.01.1001",
            "type": "banjir",
            "type_label": "Banjir",
            "priority": "P2",
        },
        {
            "at": datetime(2026, 11, 23, 1, 45, tzinfo=UTC),
            "kelurahan_kode": "36.73.01.1001",
            "type": "kebakaran",
            "type_label": "Kebakaran",
            "priority": "P1",
        },
        {
            "at": datetime(2026, 11, 24, 16, 0, tzinfo=UTC),
            "kelurahan_kode": None,
            "type": "banjir",
            "type_label": "Banjir",
            "priority": "P3",
        },
        # older than 30 days: never counted even if a source returns it
        {
            "at": NOW - timedelta(days=40),
            "kelurahan_kode": "36.73.01.1001",
            "type": "banjir",
            "type_label": "Banjir",
            "priority": "P2",
        },
    ]
    for row in rows:
        if filters.get("type") and row["type"] != filters["type"]:
            continue
        if filters.get("priority") and row["priority"] != filters["priority"]:
            continue
        yield row


def fake_types():
    return [("banjir", "Banjir"), ("kebakaran", "Kebakaran"), ("medis", "Medis")]


@pytest.fixture
def registered():
    saved = (dict(registry._layers), dict(registry._tiles), dict(registry._history))
    registry._history.clear()  # only the fake source, whatever the modules registered
    registry.register_layer(
        MapLayer(
            "units",
            "Unit",
            f"{__name__}.fake_layer",
            topics=("dispatch.",),
            style={"color": "#0a0"},
        )
    )
    registry.register_layer(
        MapLayer("secret", "Rahasia", f"{__name__}.fake_layer", perm="core.view_audit")
    )
    registry.register_tile(KpiTile("units_ready", "Unit siap", f"{__name__}.fake_tile"))
    registry.register_history(
        HistorySource(
            "fake",
            "Kejadian uji",
            f"{__name__}.fake_history",
            type_choices=f"{__name__}.fake_types",
        )
    )
    CALLS.clear()
    yield
    registry._layers.clear(), registry._layers.update(saved[0])
    registry._tiles.clear(), registry._tiles.update(saved[1])
    registry._history.clear(), registry._history.update(saved[2])


def test_layers_listed_by_permission(clients, registered):
    keys = [layer["key"] for layer in clients["viewer"].get("/api/v1/control/layers").json()]
    assert "units" in keys and "secret" not in keys
    keys = [layer["key"] for layer in clients["supervisor"].get("/api/v1/control/layers").json()]
    assert "secret" in keys


def test_layer_runs_selector_as_actor(clients, registered):
    response = clients["dispatcher"].get("/api/v1/control/layers/units")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    assert response.json()["features"][0]["properties"]["label"] == "Unit 1"
    assert CALLS == ["dispatcher"]


def test_hidden_layer_answers_like_unknown(clients, registered):
    assert clients["viewer"].get("/api/v1/control/layers/secret").status_code == 404
    assert clients["viewer"].get("/api/v1/control/layers/nope").status_code == 404
    assert CALLS == []


def test_tiles(clients, registered):
    tiles = clients["viewer"].get("/api/v1/control/tiles").json()
    assert {"units_ready", "jobs"} <= {t["key"] for t in tiles}
    value = clients["viewer"].get("/api/v1/control/tiles/units_ready").json()
    assert value == {
        "key": "units_ready",
        "label": "Unit siap",
        "value": 7,
        "unit": "unit",
        "detail": "siaga",
        "level": "warn",
    }


def test_jobs_tile_counts_recent_runs(clients):
    from django.utils import timezone

    from kendali.core import jobs
    from kendali.core.models import JobState

    names = [j.name for j in jobs.registered()]
    assert names, "core registers at least the event purge"
    for name in names:
        JobState.objects.update_or_create(name=name, defaults={"last_finished_at": timezone.now()})
    tile = clients["viewer"].get("/api/v1/control/tiles/jobs").json()
    assert tile["value"] == len(names) and tile["level"] == "ok"
    JobState.objects.filter(name=names[0]).update(
        last_finished_at=timezone.now() - timedelta(days=1)
    )
    tile = clients["viewer"].get("/api/v1/control/tiles/jobs").json()
    assert tile["value"] == len(names) - 1 and tile["level"] == "bad"
    assert names[0] in tile["detail"]


def test_history_counts_per_kelurahan_and_hour(clients, registered):
    with time_machine.travel(NOW, tick=False):
        data = clients["viewer"].get("/api/v1/control/history").json()
    assert data["total"] == 3 and data["without_kelurahan"] == 1
    assert data["kelurahan"] == {"36.73.01.1001": 2}
    assert data["heat"][0][8] == 2  # Monday 08:xx WIB
    assert data["heat"][1][23] == 1  # Tuesday 23:00 WIB
    assert {t["code"] for t in data["types"]} == {"banjir", "kebakaran", "medis"}
    assert data["priorities"] == ["P1", "P2", "P3"]


def test_history_filters(clients, registered):
    viewer = clients["viewer"]  # logged in now: a session begun at NOW would have expired
    with time_machine.travel(NOW, tick=False):
        data = viewer.get("/api/v1/control/history?type=banjir&priority=P2").json()
    assert data["total"] == 1 and data["kelurahan"] == {"36.73.01.1001": 1}
    assert viewer.get("/api/v1/control/history?days=0").status_code == 422


def test_history_empty_without_sources(clients, monkeypatch):
    monkeypatch.setattr(registry, "_history", {})
    data = clients["viewer"].get("/api/v1/control/history").json()
    assert data["total"] == 0 and data["max_heat"] == 0


def test_pages_render_for_viewer(clients):
    for url in ("/ruang-kendali/", "/ruang-kendali/dinding/", "/ruang-kendali/riwayat/"):
        response = clients["viewer"].get(url)
        assert response.status_code == 200
        assert b"control/" in response.content
    assert "message-form" not in clients["viewer"].get("/ruang-kendali/").content.decode()
    assert "message-form" in clients["dispatcher"].get("/ruang-kendali/").content.decode()


def test_recent_events_start_the_ticker_with_what_the_person_may_see(clients):
    from kendali.core.events import publish_now

    publish_now(
        "incidents.incident.created", {"number": "112-UJI-1"}, perm="incidents.view_incident"
    )
    publish_now("calls.screenpop", {"number": "+62812"}, perm="calls.view_call", user_ids=[0])
    publish_now("core.notification.new", {"text": "pribadi"}, perm="")
    recent = clients["viewer"].get("/api/v1/control/recent").json()
    topics = [e["topic"] for e in recent]
    assert "incidents.incident.created" in topics
    assert any(e["data"].get("number") == "112-UJI-1" for e in recent)
    assert "calls.screenpop" not in topics  # addressed to someone else
    assert not [t for t in topics if t.startswith("core.")]
    assert clients["outsider"].get("/api/v1/control/recent").status_code in (403, 404)
