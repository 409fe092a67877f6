from __future__ import annotations

import json

import pytest
import time_machine

from kendali.core.actors import Actor
from kendali.core.choices import AuditKind
from kendali.core.models import AuditEntry
from kendali.incidents.models import Incident

pytestmark = pytest.mark.django_db


def _post(client, path, body, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_create_via_api_defaults_and_flags(clients, taxonomy, regions_loaded):
    response = _post(
        clients["calltaker"],
        "/api/v1/incidents/",
        {
            "type_code": "kebakaran",
            "lat": -6.1175,
            "lon": 106.1540,
            "description": "Asap dari dapur",
            "reporter_phone": "081234567890",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["priority"] == "P1"
    assert body["kelurahan"]["nama"] == "Cipare"
    assert body["reporter"] is None and body["reporter_available"]  # read on request only
    assert "081234567890" not in response.content.decode()
    shown = clients["calltaker"].get(f"/api/v1/incidents/{body['number']}?reporter=true")
    assert shown.json()["reporter"]["phone"] == "081234567890"  # the call-taker may see it
    outside = _post(
        clients["calltaker"],
        "/api/v1/incidents/",
        {"type_code": "banjir", "lat": -6.3, "lon": 106.5},
    ).json()
    assert outside["location_flag"] == "di_luar_kota"
    blind = _post(clients["calltaker"], "/api/v1/incidents/", {"type_code": "medis"}).json()
    assert blind["location_flag"] == "tanpa_koordinat"


@pytest.mark.parametrize(
    "point", [{"lat": 95, "lon": 106.1}, {"lat": -6.1, "lon": -190}, {"lat": -6.1}]
)
def test_impossible_coordinates_are_422_with_indonesian_message(
    clients, taxonomy, regions_loaded, point
):
    response = _post(clients["calltaker"], "/api/v1/incidents/", {"type_code": "medis", **point})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    detail = response.json()["detail"]
    assert "lintang" in detail.lower() or "bujur" in detail.lower()
    assert not Incident.objects.exists()


def test_nan_coordinates_are_rejected(clients, taxonomy, regions_loaded):
    response = clients["calltaker"].post(
        "/api/v1/incidents/",
        '{"type_code": "medis", "lat": NaN, "lon": 106.1}',
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Incident.objects.exists()


def test_idempotency_key_returns_first_incident_per_actor(clients, taxonomy, regions_loaded):
    body = {"type_code": "kebakaran", "lat": -6.1175, "lon": 106.154}
    first = _post(clients["calltaker"], "/api/v1/incidents/", body, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = _post(
        clients["calltaker"],
        "/api/v1/incidents/",
        {**body, "description": "klik dua kali"},
        HTTP_IDEMPOTENCY_KEY="abc-1",
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert again["Idempotent-Replayed"] == "true"
    assert Incident.objects.count() == 1
    other_actor = _post(
        clients["dispatcher"], "/api/v1/incidents/", body, HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert other_actor.json()["number"] != first.json()["number"]
    no_key = _post(clients["calltaker"], "/api/v1/incidents/", body)
    assert no_key.json()["number"] not in {first.json()["number"], other_actor.json()["number"]}
    assert Incident.objects.count() == 3


def test_officer_sees_only_own_agency(clients, make_incident):
    fire = make_incident(type_code="kebakaran")  # Damkar
    power = make_incident(type_code="gangguan-listrik")  # PLN
    officer = clients["officer"].get("/api/v1/incidents/").json()
    assert [i["number"] for i in officer["items"]] == [fire.number]
    assert officer["count"] == 1
    other = clients["other_officer"].get("/api/v1/incidents/").json()
    assert [i["number"] for i in other["items"]] == [power.number]
    assert clients["other_officer"].get(f"/api/v1/incidents/{fire.number}").status_code == 404
    assert clients["other_officer"].get(f"/kejadian/{fire.number}/").status_code == 404
    assert clients["other_officer"].get(f"/api/v1/incidents/{fire.pk}/timeline").status_code == 404
    page = clients["officer"].get("/kejadian/")
    assert fire.number in page.content.decode() and power.number not in page.content.decode()
    everything = clients["dispatcher"].get("/api/v1/incidents/").json()
    assert everything["count"] == 2


def test_reporter_contact_hidden_and_audited(clients, make_incident, users):
    fire = make_incident(reporter_name="Bu Sari", reporter_phone="081211112222")
    before = AuditEntry.objects.filter(kind=AuditKind.READ).count()
    viewer = clients["viewer"].get(f"/api/v1/incidents/{fire.number}?reporter=true").json()
    assert viewer["reporter"] is None and not viewer["reporter_available"]
    assert "081211112222" not in json.dumps(viewer)
    assert clients["viewer"].get(f"/kejadian/{fire.number}/kontak/").status_code == 403
    assert "081211112222" not in clients["viewer"].get(f"/kejadian/{fire.number}/").content.decode()
    assert AuditEntry.objects.filter(kind=AuditKind.READ).count() == before

    plain = clients["officer"].get(f"/api/v1/incidents/{fire.number}").json()
    assert plain["reporter"] is None and plain["reporter_available"]
    assert AuditEntry.objects.filter(kind=AuditKind.READ).count() == before  # not read yet
    officer = clients["officer"].get(f"/api/v1/incidents/{fire.number}?reporter=true").json()
    assert officer["reporter"]["phone"] == "081211112222"  # Damkar is listed
    page = clients["calltaker"].get(f"/kejadian/{fire.number}/kontak/")
    assert "081211112222" in page.content.decode()
    reads = AuditEntry.objects.filter(kind=AuditKind.READ, object_id=str(fire.pk))
    assert sorted(reads.values_list("actor_label", flat=True)) == ["calltaker", "officer"]
    assert all(r.action == "read:reporter_contact" for r in reads)
    # The detail page itself does not reveal the contact until asked.
    assert (
        "081211112222" not in clients["calltaker"].get(f"/kejadian/{fire.number}/").content.decode()
    )
    # Lists never carry it.
    assert "081211112222" not in clients["calltaker"].get("/api/v1/incidents/").content.decode()


def test_patch_updates_and_changes_status(clients, make_incident):
    fire = make_incident()
    response = clients["dispatcher"].patch(
        f"/api/v1/incidents/{fire.number}",
        json.dumps({"priority": "P2", "status": "diproses", "note": "regu berangkat"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["priority"] == "P2" and response.json()["status"] == "diproses"
    timeline = clients["dispatcher"].get(f"/api/v1/incidents/{fire.number}/timeline").json()
    assert [t["kind"] for t in timeline] == ["created", "updated", "status"]
    assert "regu berangkat" in timeline[-1]["summary"]
    bad = clients["dispatcher"].patch(
        f"/api/v1/incidents/{fire.number}",
        json.dumps({"status": "digabung"}),
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_merge_via_api_keeps_timelines(clients, make_incident):
    first = make_incident()
    second = make_incident()
    response = _post(
        clients["supervisor"], f"/api/v1/incidents/{second.number}/merge", {"target": first.number}
    )
    assert response.status_code == 200
    assert response.json()["merged_from"] == [second.number]
    timeline = clients["supervisor"].get(f"/api/v1/incidents/{first.number}/timeline").json()
    assert {t["incident"] for t in timeline} == {first.number, second.number}
    source = clients["supervisor"].get(f"/api/v1/incidents/{second.number}").json()
    assert source["status"] == "digabung" and source["merged_into"] == first.number


def test_filters(clients, make_incident):
    with time_machine.travel("2026-05-01 09:00:00+07:00", tick=False):
        old = make_incident(type_code="banjir", lat=-6.07, lon=106.17, address="Kasemen")
    fire = make_incident(description="Pasar Rau terbakar")
    dispatcher = clients["dispatcher"]

    def numbers(query):
        return [i["number"] for i in dispatcher.get(f"/api/v1/incidents/?{query}").json()["items"]]

    assert numbers("type=banjir") == [old.number]
    assert numbers("priority=P1") == [fire.number]
    assert numbers("q=pasar rau") == [fire.number]
    assert numbers("kecamatan=36.73.02") == [old.number]
    assert numbers(f"kelurahan={fire.kelurahan_id}") == [fire.number]
    assert numbers("until=2026-05-02T00:00:00%2B07:00") == [old.number]
    assert numbers("limit=1")[0] == fire.number
    page = dispatcher.get("/kejadian/?type=banjir").content.decode()
    assert old.number in page and fire.number not in page


def test_types_list(clients, taxonomy):
    types = clients["calltaker"].get("/api/v1/incidents/types").json()
    fire = next(t for t in types if t["code"] == "kebakaran")
    assert fire["shortcut"] == "k" and fire["default_priority"] == "P1"
    assert "damkar" in fire["default_agencies"]


def test_nearby_suggests_by_distance_time_and_type(clients, make_incident):
    with time_machine.travel("2026-06-01 10:00:00+07:00", tick=False) as clock:
        near = make_incident(type_code="kecelakaan", lat=-6.1175, lon=106.1540)
        far = make_incident(type_code="kecelakaan", lat=-6.1300, lon=106.1540)  # ~1.4 km
        other_type = make_incident(type_code="gangguan-air", lat=-6.1176, lon=106.1541)
        clock.shift(60 * 45)
        recent = make_incident(type_code="medis", lat=-6.1180, lon=106.1545)
        closed = make_incident(type_code="medis", lat=-6.1176, lon=106.1540)
        from kendali.incidents.services import incident_set_status

        incident_set_status(actor=Actor.system("t"), incident=closed, status="dibatalkan")
        clock.shift(60 * 5)
        found = (
            clients["calltaker"]
            .get("/api/v1/incidents/nearby?lat=-6.1176&lon=106.1541&type=kecelakaan")
            .json()
        )
        numbers = [r["incident"]["number"] for r in found]
        # near is 45+ minutes old (outside 30 min) but the crash + medical call are compatible:
        assert numbers == [recent.number]
        assert found[0]["distance_m"] < 100 and found[0]["minutes_ago"] == 5
        wide = (
            clients["calltaker"]
            .get("/api/v1/incidents/nearby?lat=-6.1176&lon=106.1541&type=kecelakaan&window_min=120")
            .json()
        )
        assert [r["incident"]["number"] for r in wide] == [near.number, recent.number]
        assert far.number not in str(wide) and other_type.number not in str(wide)
        any_type = (
            clients["calltaker"]
            .get("/api/v1/incidents/nearby?lat=-6.1176&lon=106.1541&window_min=120")
            .json()
        )
        assert {r["incident"]["number"] for r in any_type} == {
            near.number,
            other_type.number,
            recent.number,
        }
        bad = clients["calltaker"].get("/api/v1/incidents/nearby?lat=99&lon=106")
        assert bad.status_code == 422
