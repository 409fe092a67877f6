from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kendali.core.actors import Actor
from kendali.core.models import Agency
from kendali.core.registry import get_history, get_layer, get_tile, nav_items, run_selector
from kendali.incidents import services
from kendali.incidents.models import Incident

pytestmark = pytest.mark.django_db


def _make_many(make_incident, n):
    types = ["kebakaran", "banjir", "medis", "gangguan-listrik", "pohon-tumbang"]
    points = [(-6.1175, 106.154), (-6.07, 106.17), (-6.135, 106.176), (-6.2, 106.3), (None, None)]
    for i in range(n):
        lat, lon = points[i % len(points)]
        make_incident(type_code=types[i % len(types)], lat=lat, lon=lon)


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize(
    "path", ["/kejadian/", "/kejadian/?status=terbuka&q=a", "/api/v1/incidents/"]
)
def test_list_query_count_does_not_grow_with_rows(clients, make_incident, path):
    _make_many(make_incident, 3)
    few, _ = _queries(clients["dispatcher"], path)
    _make_many(make_incident, 30)
    many, response = _queries(clients["dispatcher"], path)
    assert many == few
    assert many <= 14


def test_list_page_shows_wib_time_priority_badge_and_region(clients, make_incident):
    import time_machine

    with time_machine.travel("2026-07-01 01:30:00+00:00", tick=False):
        fire = make_incident()
    page = clients["calltaker"].get("/kejadian/").content.decode()
    assert "01-07-2026 08:30" in page  # 01:30 UTC shown as 08:30 WIB
    assert 'class="badge prio-P1"' in page
    assert "Cipare, Serang" in page and fire.number in page
    htmx = clients["calltaker"].get("/kejadian/?priority=P1", HTTP_HX_REQUEST="true")
    assert "<html" not in htmx.content.decode() and fire.number in htmx.content.decode()


def test_detail_page_has_timeline_and_map(clients, make_incident):
    fire = make_incident(description="Api di dapur")
    page = clients["officer"].get(f"/kejadian/{fire.number}/").content.decode()
    assert "Api di dapur" in page and "Kejadian " + fire.number + " dibuat" in page
    assert 'id="incident-map"' in page and "incidents/incidents.js" in page
    assert "<script>" not in page  # CSP: no inline scripts


def test_manual_create_form(clients, taxonomy, regions_loaded):
    page = clients["supervisor"].get("/kejadian/baru/")
    token = page.context["form_token"]
    body = {
        "form_token": token,
        "type_code": "pohon-tumbang",
        "priority": "",
        "lat": "-6.13",
        "lon": "106.22",
        "address": "Jl. Raya Petir",
        "description": "Pohon menutup jalan",
    }
    response = clients["supervisor"].post("/kejadian/baru/", body)
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert response["Location"] == f"/kejadian/{incident.number}/"
    assert incident.kecamatan.nama == "Walantaka" and incident.priority == "P2"
    clients["supervisor"].post("/kejadian/baru/", body)  # double submit
    assert Incident.objects.count() == 1
    half = clients["supervisor"].post("/kejadian/baru/", {**body, "form_token": "x", "lon": ""})
    assert half.status_code == 200 and "keduanya" in half.content.decode()


def test_edit_page_corrects_an_incident_on_the_timeline_and_in_the_audit(clients, make_incident):
    from kendali.core.models import AuditEntry

    fire = make_incident(description="Api di dapur", reporter_phone="081234567890")
    detail = clients["dispatcher"].get(f"/kejadian/{fire.number}/").content.decode()
    assert f"/kejadian/{fire.number}/ubah/" in detail
    form = clients["dispatcher"].get(f"/kejadian/{fire.number}/ubah/")
    assert form.status_code == 200
    page = form.content.decode()
    assert "Api di dapur" in page and "081234567890" not in page  # no personal data here
    body = {
        "type_code": "pohon-tumbang",
        "priority": "P1",
        "lat": "-6.13",
        "lon": "106.22",
        "address": "Jl. Raya Petir",
        "description": "Pohon tumbang menimpa kabel",
        "agency_codes": ["damkar"],
    }
    response = clients["dispatcher"].post(f"/kejadian/{fire.number}/ubah/", body)
    assert response.status_code == 302 and response["Location"] == f"/kejadian/{fire.number}/"
    fire.refresh_from_db()
    assert (fire.type.code, fire.priority, fire.kecamatan.nama) == (
        "pohon-tumbang",
        "P1",
        "Walantaka",
    )
    assert fire.reporter_phone == "081234567890"  # not on the form, so untouched
    assert fire.timeline.filter(kind="updated").exists()
    assert AuditEntry.objects.filter(action="incident.update", object_id=str(fire.pk)).exists()
    # Half a coordinate is a message on the form, and nothing is written.
    bad = clients["dispatcher"].post(f"/kejadian/{fire.number}/ubah/", {**body, "lon": ""})
    assert bad.status_code == 200 and "keduanya" in bad.content.decode()
    assert fire.timeline.filter(kind="updated").count() == 1
    # Agencies' officers and the wall see the incident but cannot change it.
    assert clients["officer"].get(f"/kejadian/{fire.number}/ubah/").status_code == 403
    viewer_page = clients["viewer"].get(f"/kejadian/{fire.number}/").content.decode()
    assert "/ubah/" not in viewer_page


def test_status_note_and_merge_pages(clients, make_incident):
    first = make_incident()
    second = make_incident()
    response = clients["dispatcher"].post(
        f"/kejadian/{first.number}/status/", {"status": "diproses", "note": "berangkat"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "diproses"
    clients["officer"].post(f"/kejadian/{first.number}/catatan/", {"summary": "Regu tiba"})
    assert first.timeline.filter(kind="note", summary="Regu tiba").exists()
    assert (
        clients["viewer"].post(f"/kejadian/{first.number}/catatan/", {"summary": "x"}).status_code
        == 403
    )
    clients["supervisor"].post(f"/kejadian/{second.number}/gabung/", {"target": first.number})
    second.refresh_from_db()
    assert second.merged_into_id == first.pk
    page = clients["supervisor"].get(f"/kejadian/{first.number}/").content.decode()
    assert second.number in page


def test_control_room_layer_tile_history(users, make_incident):
    actor = Actor(user=users["viewer"])
    fire = make_incident()
    make_incident(type_code="banjir", lat=-6.07, lon=106.17)
    make_incident(type_code="medis", lat=None, lon=None)
    done = make_incident(type_code="medis")
    services.incident_set_status(actor=Actor.system("t"), incident=done, status="dibatalkan")

    layer = get_layer("incidents")
    data = run_selector(layer.selector, actor=actor)
    assert data["type"] == "FeatureCollection"
    labels = {f["properties"]["label"] for f in data["features"]}
    assert fire.number in labels and done.number not in labels and len(labels) == 2
    feature = next(f for f in data["features"] if f["properties"]["label"] == fire.number)
    assert feature["geometry"]["coordinates"] == [106.154, -6.1175]
    assert feature["properties"]["color"] == "#c62828"
    assert "Kebakaran" in feature["properties"]["popup"]

    tile = run_selector(get_tile("incidents_open").selector, actor=actor)
    assert tile["value"] == 3
    assert tile["detail"] == {"P1": 2, "P2": 1, "P3": 0, "P4": 0}
    assert tile["level"] == "bad"

    source = get_history("incidents")
    from datetime import timedelta

    from django.utils import timezone

    rows = list(
        run_selector(
            source.selector,
            actor=actor,
            since=timezone.now() - timedelta(days=1),
            filters={"type": "kebakaran"},
        )
    )
    assert len(rows) == 1 and rows[0]["kelurahan_kode"] == fire.kelurahan_id
    assert rows[0]["type_label"] == "Kebakaran"
    # The officer of PLN sees none of Damkar's incidents on the map either.
    other = run_selector(layer.selector, actor=Actor(user=users["other_officer"]))
    assert other["features"] == []
    assert "incidents" in [i.key for i in nav_items(users["viewer"])]
    assert "incidents" not in [i.key for i in nav_items(users["outsider"])]


def test_demo_seeder_creates_incidents_through_services(db, regions_loaded, roles):
    from kendali.core.demo import _seeders, seed_core
    from kendali.incidents.demo import DEMO_INCIDENTS, seed

    assert "kendali.incidents.demo.seed" in [s.function for s in _seeders]
    seed_core(actor=Actor.system("demo"))
    seed(actor=Actor.system("demo"))
    assert Incident.objects.count() >= 10
    assert Incident.objects.open().count() >= 4
    assert Incident.objects.exclude(status__in=["baru", "diproses"]).count() >= 4
    kecamatan = set(
        Incident.objects.exclude(kecamatan=None).values_list("kecamatan__nama", flat=True)
    )
    assert len(kecamatan) >= 5
    damkar = Agency.objects.get(code="damkar")
    assert Incident.objects.filter(agencies=damkar).exists()
    seed(actor=Actor.system("demo"))  # idempotent
    assert Incident.objects.count() == len(DEMO_INCIDENTS)
