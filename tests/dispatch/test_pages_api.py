"""Pages and API as the dispatcher, the agency officer and a crew phone use them."""

from __future__ import annotations

import json

import pytest

from kendali.dispatch import services
from kendali.dispatch.models import Assignment, Unit


def post_json(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def card(actor_of, fleet):
    return services.runcard_save(
        actor=actor_of("supervisor"),
        type_code="kebakaran",
        priority="P1",
        lines=[{"kind": "pemadam", "count": 2}],
    )


def test_board_shows_incidents_units_and_recommendations(clients, fleet, make_incident, card):
    incident = make_incident(priority="P1")
    page = clients["dispatcher"].get("/dispatch/")
    html = page.content.decode()
    assert page.status_code == 200
    assert incident.number in html and "DMK-1" in html and "PLN-1" in html
    panel = clients["dispatcher"].get(f"/dispatch/kejadian/{incident.pk}/", HTTP_HX_REQUEST="true")
    text = panel.content.decode()
    assert text.index("DMK-1") < text.index("DMK-2") < text.index("DMK-3")
    assert "<kbd>1</kbd>" in text
    data = clients["dispatcher"].get("/api/v1/dispatch/board").json()
    assert data["incidents"][0]["number"] == incident.number
    assert {f["properties"]["label"] for f in data["units"]["features"]} >= {"DMK-1", "AMB-1"}


def test_keyboard_assign_via_api_and_loser_sees_why(clients, fleet, make_incident):
    first, second = make_incident(), make_incident()
    unit = fleet["DMK-1"]
    ok = post_json(
        clients["dispatcher"],
        "/api/v1/dispatch/assignments",
        {"incident_id": first.pk, "unit_id": unit.pk},
    )
    assert ok.status_code == 201 and ok.json()["callsign"] == "DMK-1"
    lost = post_json(
        clients["supervisor"],
        "/api/v1/dispatch/assignments",
        {"incident_id": second.pk, "unit_id": unit.pk},
    )
    assert lost.status_code == 409
    assert first.number in lost.json()["detail"]


def test_officer_sees_only_own_agency_assignments(clients, fleet, make_incident, actor_of):
    incident = make_incident()
    services.assignment_create(actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"])
    mine = clients["officer"].get("/api/v1/dispatch/assignments").json()
    assert [a["callsign"] for a in mine] == ["DMK-1"]
    assert clients["other_officer"].get("/api/v1/dispatch/assignments").json() == []
    assert clients["other_officer"].get(f"/dispatch/kejadian/{incident.pk}/").status_code == 404
    inbox = clients["officer"].get("/dispatch/kotak-masuk/").content.decode()
    assert incident.number in inbox
    assert (
        incident.number
        not in clients["other_officer"].get("/dispatch/kotak-masuk/").content.decode()
    )


def test_crew_token_api_only_for_its_unit(client, fleet, make_incident, unit_token, actor_of):
    unit = fleet["DMK-1"]
    plain, _token = unit_token(unit)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    services.assignment_create(actor=actor_of("dispatcher"), incident=make_incident(), unit=unit)
    assert [u["callsign"] for u in client.get("/api/v1/dispatch/units", **auth).json()] == ["DMK-1"]
    r = post_json(client, f"/api/v1/dispatch/units/{unit.pk}/status", {"status": "menuju"}, **auth)
    assert r.status_code == 200 and r.json()["status"] == "menuju"
    r = post_json(
        client,
        f"/api/v1/dispatch/units/{unit.pk}/positions",
        {"positions": [{"lat": -6.121, "lon": 106.151}, {"lat": 95, "lon": 106.1}]},
        **auth,
    )
    assert r.status_code == 200 and r.json()["accepted"] == 1
    other = fleet["DMK-2"]
    r = post_json(
        client, f"/api/v1/dispatch/units/{other.pk}/status", {"status": "tidak_siaga"}, **auth
    )
    assert r.status_code == 404
    assert Unit.objects.get(pk=other.pk).status == "tersedia"
    r = post_json(
        client, "/api/v1/dispatch/assignments", {"incident_id": 1, "unit_id": unit.pk}, **auth
    )
    assert r.status_code == 403


def test_positions_batch_reports_rejections(client, fleet, unit_token):
    unit = fleet["DMK-1"]
    plain, _token = unit_token(unit)
    r = post_json(
        client,
        f"/api/v1/dispatch/units/{unit.pk}/positions",
        {"positions": [{"lat": -6.121, "lon": 106.151}, {"lat": -7.5, "lon": 106.1}]},
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    body = r.json()
    assert r.status_code == 200 and body["accepted"] == 1 and len(body["rejected"]) == 1


def test_crew_page_big_buttons_move_unit(clients, fleet, make_incident, actor_of):
    unit = fleet["DMK-1"]
    services.assignment_create(actor=actor_of("dispatcher"), incident=make_incident(), unit=unit)
    page = clients["officer"].get(f"/dispatch/kru/?unit={unit.pk}").content.decode()
    assert "crew-btn crew-menuju" in page and "crew-di_lokasi" not in page
    clients["officer"].post(f"/dispatch/kru/{unit.pk}/status/", {"status": "menuju"})
    assert Unit.objects.get(pk=unit.pk).status == "menuju"
    r = clients["officer"].post(
        f"/dispatch/kru/{unit.pk}/status/", {"status": "tersedia"}, follow=True
    )
    assert "Yang diizinkan" in r.content.decode()


def test_inbox_acknowledge_and_field_report_then_close(
    clients, fleet, make_incident, actor_of, django_capture_on_commit_callbacks
):
    from kendali.core.models import Notification

    incident = make_incident()
    with django_capture_on_commit_callbacks(execute=True):
        a = services.assignment_create(
            actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"]
        )
    note = Notification.objects.get()
    clients["officer"].post(f"/dispatch/kotak-masuk/{note.pk}/terima/")
    assert Assignment.objects.get(pk=a.pk).acknowledged_at is not None
    for status in ("menuju", "di_lokasi", "kembali"):
        services.unit_set_status(actor=actor_of("officer"), unit=fleet["DMK-1"], status=status)
    clients["officer"].post(
        f"/dispatch/kejadian/{incident.pk}/laporan/",
        {
            "outcome": "tertangani",
            "actions": "Api padam",
            "casualties_dead": "0",
            "casualties_injured": "2",
        },
    )
    clients["dispatcher"].post(f"/dispatch/kejadian/{incident.pk}/tutup/")
    incident.refresh_from_db()
    assert incident.status == "selesai"


def test_reports_export_all_formats(clients, fleet, make_incident, actor_of):
    incident = make_incident()
    unit = fleet["DMK-1"]
    services.assignment_create(actor=actor_of("dispatcher"), incident=incident, unit=unit)
    services.unit_set_status(actor=actor_of("officer"), unit=unit, status="menuju")
    services.unit_set_status(actor=actor_of("officer"), unit=unit, status="di_lokasi")
    page = clients["supervisor"].get("/dispatch/laporan/").content.decode()
    assert "Damkar" in page and "p95" in page
    csv = clients["supervisor"].get("/dispatch/laporan/unduh.csv")
    assert csv["Content-Type"].startswith("text/csv") and "Damkar" in csv.content.decode(
        "utf-8-sig"
    )
    xlsx = clients["supervisor"].get("/dispatch/laporan/unduh.xlsx")
    assert xlsx.content[:2] == b"PK"
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    durations = [
        c
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.number_format == "[m]:ss"
    ]
    assert durations and not [c for c in durations if isinstance(c.value, str)]
    pdf = clients["supervisor"].get("/dispatch/laporan/unduh.pdf")
    assert pdf.content.startswith(b"%PDF-1.4") and pdf.content.rstrip().endswith(b"%%EOF")
    assert b"Damkar" in pdf.content


def test_percentiles():
    from kendali.dispatch.reports import percentile

    assert percentile([], 50) is None
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)


def test_registry_layer_and_tiles(fleet, actor_of):
    from kendali.dispatch import selectors

    layer = selectors.units_layer(actor=actor_of("viewer"))
    assert len(layer["features"]) == 5
    assert layer["features"][0]["properties"]["color"].startswith("#")
    tile = selectors.units_available_tile(actor=actor_of("viewer"))
    assert tile["value"] == 5 and "Damkar 3/3" in tile["detail"]
    assert selectors.breaches_today_tile(actor=actor_of("viewer"))["value"] == 0


def test_unit_edit_page_changes_and_retires_a_unit(clients, fleet, make_incident, actor_of):
    from kendali.core.models import AuditEntry

    engine = fleet["DMK-2"]
    listing = clients["supervisor"].get("/dispatch/unit/").content.decode()
    assert f"/dispatch/unit/{engine.pk}/ubah/" in listing
    form = clients["supervisor"].get(f"/dispatch/unit/{engine.pk}/ubah/").content.decode()
    assert 'value="DMK-2"' in form
    body = {
        "callsign": "dmk-22",
        "kind": "pemadam",
        "station": "Pos Damkar Cipocok",
        "home_lat": "-6.14",
        "home_lon": "106.17",
        "capabilities": "air, busa",
    }
    response = clients["supervisor"].post(f"/dispatch/unit/{engine.pk}/ubah/", body)
    assert response.status_code == 302
    engine.refresh_from_db()
    assert (engine.callsign, engine.station, engine.capabilities) == (
        "DMK-22",
        "Pos Damkar Cipocok",
        ["air", "busa"],
    )
    assert AuditEntry.objects.filter(action="unit.update", object_id=str(engine.pk)).exists()
    # A call sign taken by another unit is a message on the form; nothing changes.
    taken = clients["supervisor"].post(
        f"/dispatch/unit/{engine.pk}/ubah/", {**body, "callsign": "DMK-1"}, follow=True
    )
    assert "sudah dipakai" in taken.content.decode()
    engine.refresh_from_db()
    assert engine.callsign == "DMK-22"
    # A unit on an incident cannot be taken out of service.
    busy = fleet["DMK-1"]
    services.assignment_create(actor=actor_of("dispatcher"), incident=make_incident(), unit=busy)
    refused = clients["supervisor"].post(
        f"/dispatch/unit/{busy.pk}/ubah/", {"action": "delete"}, follow=True
    )
    assert "sedang bertugas" in refused.content.decode()
    assert Unit.objects.get(pk=busy.pk).is_active
    gone = clients["supervisor"].post(f"/dispatch/unit/{engine.pk}/ubah/", {"action": "delete"})
    assert gone.status_code == 302 and not Unit.objects.filter(pk=engine.pk).exists()
    # A dispatcher sees the fleet but cannot edit it.
    assert clients["dispatcher"].get(f"/dispatch/unit/{busy.pk}/ubah/").status_code == 403
