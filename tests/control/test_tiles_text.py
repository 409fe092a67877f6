"""A tile's detail reaches the wall as readable text, never as a raw Python value."""

from __future__ import annotations

import pytest

from kendali.core import registry
from kendali.core.actors import Actor
from kendali.core.registry import KpiTile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("detail", "text"),
    [
        ({"P1": 2, "P2": 1, "P3": 0, "P4": 0}, "P1 2 · P2 1 · P3 0 · P4 0"),
        (["Damkar 3", "Dinkes 2"], "Damkar 3 · Dinkes 2"),
        ({"Damkar": {"siaga": 3}}, "Damkar siaga 3"),
        (None, ""),
        ("semua berjalan", "semua berjalan"),
        (0, "0"),
    ],
)
def test_detail_text(detail, text):
    assert registry.tile_detail_text(detail) == text


def test_open_incidents_tile_is_readable(clients, agencies, regions_loaded):
    from kendali.incidents.services import incident_create
    from kendali.incidents.taxonomy import ensure_taxonomy

    ensure_taxonomy()
    actor = Actor.system("test")
    for priority in ("P1", "P1", "P2"):
        incident_create(
            actor=actor, type_code="kebakaran", priority=priority, lat=-6.12, lon=106.15
        )
    body = clients["viewer"].get("/api/v1/control/tiles/incidents_open").json()
    assert body["value"] == 3
    assert body["detail"] == "P1 2 · P2 1 · P3 0 · P4 0"
    assert body["level"] == "bad"


def dict_tile(*, actor):
    return {"value": 1, "detail": {"a": 1}}


def test_any_registered_tile_detail_is_converted(clients, monkeypatch):
    monkeypatch.setattr(registry, "_tiles", dict(registry._tiles))
    registry.register_tile(KpiTile("uji_dict", "Uji", f"{__name__}.dict_tile"))
    body = clients["viewer"].get("/api/v1/control/tiles/uji_dict").json()
    assert body["detail"] == "a 1" and body["level"] == "ok"
