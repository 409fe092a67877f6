"""Who sees caller numbers (and that every view is audited), the emergency path through
the API, reports and exports, the simulator, the demo data and the retention job."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kendali.calls.models import Call, Caller
from kendali.core.models import AuditEntry
from tests.calls.conftest import answered_call

pytestmark = pytest.mark.django_db

NUMBER = "081234567890"
E164 = "+6281234567890"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def live_call(users, pbx):
    now = timezone.now()
    return answered_call(pbx, NUMBER, now - timedelta(seconds=30))


def test_call_detail_shows_the_number_and_audits_it(clients, users, live_call):
    response = clients["calltaker"].get(f"/api/v1/calls/{live_call.pk}")
    assert response.status_code == 200
    assert response.json()["number"] == E164
    assert response.json()["caller"]["counts"]["all"]["total"] == 1
    assert AuditEntry.objects.filter(
        kind="read",
        action="read:caller_number",
        actor=users["calltaker"],
        object_id=str(live_call.pk),
    ).exists()


def test_viewer_and_dispatcher_see_masked_numbers(clients, live_call):
    for name in ("viewer", "dispatcher"):
        body = clients[name].get(f"/api/v1/calls/{live_call.pk}").json()
        assert body["number"] != E164 and body["number"].startswith("+6281")
        assert "•" in body["number"] and body["caller"] is None


def test_agency_officers_see_only_their_agencys_incident_calls(
    clients, users, actor_of, live_call, regions_loaded
):
    from kendali.calls import services

    # Not linked to any incident: invisible to every officer.
    assert clients["officer"].get(f"/api/v1/calls/{live_call.pk}").status_code == 404
    assert clients["officer"].get("/api/v1/calls/").json() == []
    from kendali.incidents.taxonomy import link_default_agencies

    link_default_agencies()
    services.call_open_incident(
        actor=actor_of("calltaker"),
        call=live_call,
        type_code="kebakaran",
        lat=-6.1185,
        lon=106.1525,
    )
    incident = Call.objects.get(pk=live_call.pk).incident
    assert incident.agencies.filter(code="damkar").exists()
    # Damkar's officer now sees the call and its number (audited); PLN's officer does not.
    response = clients["officer"].get(f"/api/v1/calls/{live_call.pk}")
    assert response.status_code == 200 and response.json()["number"] == E164
    assert AuditEntry.objects.filter(actor=users["officer"], action="read:caller_number").exists()
    assert clients["other_officer"].get(f"/api/v1/calls/{live_call.pk}").status_code == 404
    assert clients["other_officer"].get("/api/v1/calls/").json() == []


def test_emergency_path_through_the_api(clients, users, pbx, regions_loaded):
    now = timezone.now()
    first = answered_call(pbx, NUMBER, now - timedelta(seconds=60))
    response = post(
        clients["calltaker"],
        f"/api/v1/calls/{first.pk}/incident",
        {
            "type_code": "kebakaran",
            "lat": -6.1185,
            "lon": 106.1525,
            "address": "Jl. Ki Mas Jong",
            "description": "Asap tebal dari rumah",
            "callback_number": "081200000001",
        },
    )
    assert response.status_code == 201, response.content
    ref = response.json()
    assert ref["number"].startswith("112-")
    first.refresh_from_db()
    assert first.outcome == "darurat" and first.incident_id == ref["id"]
    assert first.incident.priority == "P1" and first.incident.reporter_phone == "081200000001"
    # A second caller reports the same fire: suggested as a duplicate and joined with one action.
    second = answered_call(pbx, "085711223344", now - timedelta(seconds=20))
    nearby = (
        clients["calltaker"]
        .get("/api/v1/calls/nearby?lat=-6.1186&lon=106.1526&type_code=kebakaran")
        .json()
    )
    assert [n["number"] for n in nearby] == [ref["number"]]
    linked = post(
        clients["calltaker"], f"/api/v1/calls/{second.pk}/link", {"incident": ref["number"]}
    )
    assert linked.status_code == 200, linked.content
    second.refresh_from_db()
    assert second.incident_id == ref["id"] and second.outcome == "darurat"
    assert first.incident.timeline.filter(kind="call").count() == 2


def test_classify_via_api_and_unknown_outcome(clients, live_call):
    bad = post(clients["calltaker"], f"/api/v1/calls/{live_call.pk}/classify", {"outcome": "x"})
    assert bad.status_code == 422
    ok = post(clients["calltaker"], f"/api/v1/calls/{live_call.pk}/classify", {"outcome": "iseng"})
    assert ok.status_code == 200 and ok.json()["outcome_label"] == "Iseng"


def test_manual_call_without_pbx(clients, users):
    response = post(clients["calltaker"], "/api/v1/calls/", {"number": "0254-200112"})
    assert response.status_code == 201
    call = Call.objects.get()
    assert call.source == "manual" and call.call_taker == users["calltaker"]
    assert call.number_e164 == "+62254200112" and call.state == "answered"


def _pranks(pbx, actor, count, start):
    from tests.calls.conftest import prank_calls

    return prank_calls(pbx, actor, NUMBER, count, start)


def test_caller_status_for_the_pbx_and_block_list(clients, actor_of, pbx, bridge_token):
    start = timezone.now() - timedelta(hours=4)
    _pranks(pbx, actor_of("calltaker"), 6, start)
    status = clients["anonymous"].get(
        "/api/v1/calls/callers/0812-3456-7890", HTTP_AUTHORIZATION=f"Bearer {bridge_token[1]}"
    )
    assert status.status_code == 200
    assert status.json()["blocked"] is True and status.json()["number"] == E164
    unknown = clients["supervisor"].get("/api/v1/calls/callers/0899").json()
    assert unknown["known"] is False and unknown["blocked"] is False
    csv_text = clients["supervisor"].get("/api/v1/calls/blocklist.csv").content.decode()
    assert E164 in csv_text and csv_text.startswith("nomor,")
    page = clients["supervisor"].get("/112/penelepon/daftar-blokir.csv")
    assert E164 in page.content.decode()


def test_supervisor_pages_policy_profile_unblock(clients, users, actor_of, pbx):
    _pranks(pbx, actor_of("calltaker"), 6, timezone.now() - timedelta(hours=4))
    caller = Caller.objects.get(number=E164)
    page = clients["supervisor"].get("/112/penelepon/")
    assert E164 in page.content.decode()
    found = clients["supervisor"].get("/112/penelepon/?q=0812 3456 7890")
    assert found.status_code == 302 and found["Location"] == f"/112/penelepon/{caller.pk}/"
    profile = clients["supervisor"].get(f"/112/penelepon/{caller.pk}/")
    assert profile.status_code == 200 and "Buka blokir" in profile.content.decode()
    assert AuditEntry.objects.filter(
        actor=users["supervisor"], action="read:caller_number", object_id=str(caller.pk)
    ).exists()
    refused = clients["supervisor"].post(f"/112/penelepon/{caller.pk}/buka-blokir/", {"reason": ""})
    assert refused.status_code == 302
    assert Caller.objects.get(pk=caller.pk).is_blocked()
    clients["supervisor"].post(
        f"/112/penelepon/{caller.pk}/buka-blokir/", {"reason": "Nomor milik sekolah"}
    )
    assert not Caller.objects.get(pk=caller.pk).is_blocked()
    saved = clients["supervisor"].post(
        "/112/kebijakan/",
        {
            "is_active": "on",
            "block_threshold": "4",
            "block_window_hours": "24",
            "block_hours": "48",
            "permanent_threshold": "9",
            "permanent_window_days": "30",
            "number_days": "180",
        },
    )
    assert saved.status_code == 302
    from kendali.calls.models import BlockPolicy, RetentionSetting

    assert BlockPolicy.current().block_hours == 48
    assert RetentionSetting.current().number_days == 180


def test_console_page_carries_types_and_no_inline_script(clients):
    response = clients["calltaker"].get("/112/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="console-config"' in html and "kebakaran" in html
    assert "<script>" not in html
    assert "calls/console.js" in html


def test_daily_report_and_exports(clients, users, pbx, actor_of):
    from kendali.calls import services

    day = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    with time_machine.travel(day + timedelta(hours=2), tick=False):
        for i, (wait, outcome) in enumerate(
            [(5, "iseng"), (10, "ghost"), (14, "informasi"), (30, "iseng")]
        ):
            at = day + timedelta(minutes=i)
            pbx("offered", f"r{i}", at, number=f"08123456780{i}")
            pbx("answered", f"r{i}", at + timedelta(seconds=wait), extension="2101")
            services.call_classify(
                actor=actor_of("calltaker"),
                call=Call.objects.get(pbx_call_id=f"r{i}"),
                outcome=outcome,
            )
        pbx("offered", "r9", day, number="081200000009")
        pbx("abandoned", "r9", day + timedelta(seconds=20))
        from kendali.calls.reports import call_report, period_for

        report = call_report(period_for("day", day.date()))
        page = clients["supervisor"].get(f"/112/laporan/?date={day.date().isoformat()}")
        xlsx = clients["supervisor"].get(
            f"/112/laporan/unduh/?date={day.date().isoformat()}&format=xlsx"
        )
        csv_resp = clients["supervisor"].get(
            f"/112/laporan/unduh/?date={day.date().isoformat()}&format=csv"
        )
        ministry = clients["supervisor"].get(
            f"/112/laporan/unduh/?period=month&date={day.date().isoformat()}&kind=kementerian"
        )
    assert report["total"] == 5 and report["genuine"] == 1 and report["abandoned"] == 1
    assert report["abandoned_rate"] == 20.0
    assert report["p50"] == 12.0
    assert [n["met"] for n in report["nena"]] == [False, False]  # 75% within 15 s, 75% within 20 s
    taker = report["takers"][0]
    assert taker["calls"] == 4
    # Answer times of the call-taker: 5, 10, 14, 30 s.
    assert (taker["p50"], taker["p90"]) == (12.0, pytest.approx(25.2))
    assert taker["p95"] == pytest.approx(27.6)
    # The hour-of-day table by outcome: 09:00 has 2 iseng, 1 ghost, 1 informasi, 1 terputus.
    nine = report["by_hour"][9]
    assert nine["total"] == 5
    assert nine["by_outcome"] == {
        "darurat": 0,
        "informasi": 1,
        "iseng": 2,
        "ghost": 1,
        "salah_sambung": 0,
        "terputus": 1,
        "uji": 0,
        "belum": 0,
    }
    labels = [label for _code, label in report["hour_columns"]]
    assert labels[:7] == [
        "Darurat",
        "Informasi/pengaduan",
        "Iseng",
        "Ghost (diam)",
        "Salah sambung",
        "Terputus",
        "Uji",
    ]
    html = page.content.decode()
    assert page.status_code == 200 and "NENA" in html
    assert "p95 (s)" in html and "27.6" in html.replace(",", ".")
    for label in labels:
        assert f">{label}</th>" in html, label
    assert (
        "<td>09:00</td><td>5</td><td>0</td><td>1</td><td>2</td><td>1</td><td>0</td><td>1</td>"
        in html
    )
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    values = [row[0] for row in table]
    assert "Total panggilan" in values and "Iseng" in values
    header = next(row for row in table if row[0] == "Jam (WIB)")
    assert header[:9] == ["Jam (WIB)", "Total", *labels[:7]]
    assert next(row for row in table if row[0] == "09:00")[:9] == ["09:00", 5, 0, 1, 2, 1, 0, 1, 0]
    takers = next(row for row in table if row[0] == "Penerima panggilan")
    assert takers[5:8] == ["p50 (s)", "p90 (s)", "p95 (s)"]
    # Real numbers in the spreadsheet, not text ("14.5 %"): sums and charts work on them.
    assert next(row for row in table if row[0] == "Calltaker")[5:8] == [12.0, 25.2, 27.6]
    abandoned = next(row for row in table if row[0] == "Terputus sebelum dijawab")
    assert abandoned[1] == 1 and abandoned[2] == pytest.approx(0.2)
    cell = next(r for r in sheet.iter_rows() if r[0].value == "Terputus sebelum dijawab")[2]
    assert cell.number_format == "0.0%"
    csv_text = csv_resp.content.decode("utf-8-sig")
    assert "Total panggilan,5" in csv_text
    assert "09:00,5,0,1,2,1,0,1,0" in csv_text
    assert "Calltaker,4,1,3,0,12.0,25.2,27.6" in csv_text
    assert "Kategori kejadian" in ministry.content.decode("utf-8-sig")


def test_simulator_posts_a_serang_like_stream(users):
    out = io.StringIO()
    call_command("simulate_calls", "--calls", "40", "--no-wait", "--seed", "7", stdout=out)
    assert Call.objects.count() == 40
    assert "1 darurat" in out.getvalue()
    assert Call.objects.filter(call_taker=users["calltaker"]).exists()
    # Repeat pranksters: some numbers call many times.
    assert Caller.objects.count() < 38


def test_demo_seed_blocks_the_repeat_prankster(users):
    from kendali.calls.demo import PRANKSTERS, seed
    from kendali.core.actors import Actor

    seed(actor=Actor.system("demo"))
    assert Call.objects.count() > 80
    blocked = Caller.objects.get(number="+62" + PRANKSTERS[0][1:])
    assert blocked.is_blocked()
    assert Call.objects.filter(outcome="darurat", incident__isnull=False).count() == 1
    seed(actor=Actor.system("demo"))  # idempotent
    assert Call.objects.filter(pbx_call_id__startswith="demo-").count() == Call.objects.count()


def test_retention_job_erases_old_numbers(users, pbx, actor_of, regions_loaded, settings):
    from kendali.calls import services
    from kendali.calls.models import TelephonyEvent
    from kendali.calls.services import purge_personal_data, retention_update
    from kendali.incidents.services import retention_job as incidents_retention_job

    retention_update(actor=actor_of("supervisor"), number_days=90)
    old = timezone.now() - timedelta(days=100)
    with time_machine.travel(old, tick=False):
        pbx("offered", "old", old, number=NUMBER, payload={"callerid": NUMBER})
        pbx("answered", "old", old + timedelta(seconds=5), extension="2101")
        incident = services.call_open_incident(
            actor=actor_of("calltaker"),
            call=Call.objects.get(pbx_call_id="old"),
            type_code="kebakaran",
            lat=-6.1185,
            lon=106.1525,
            reporter_name="Budi",
        )
    pbx("offered", "new", timezone.now(), number="085711223344")
    # The incidents' own job (KENDALI_PERSONAL_DATA_DAYS, here shorter) does not decide
    # for an incident opened from a call: the 112 setting does.
    settings.PERSONAL_DATA_DAYS = 30
    incidents_retention_job()
    incident.refresh_from_db()
    assert incident.reporter_phone == E164 and incident.reporter_name == "Budi"

    assert purge_personal_data() == 1
    call = Call.objects.get(pbx_call_id="old")
    assert call.number_raw == "" and call.number_e164 == "" and call.caller is None
    assert call.outcome == "darurat" and call.answered_at is not None  # statistics stay
    assert Call.objects.get(pbx_call_id="new").number_e164 == "+6285711223344"
    assert not Caller.objects.filter(number=E164).exists()
    # (a) the telephony events as delivered no longer hold the number; recent ones do.
    for event in TelephonyEvent.objects.filter(pbx_call_id="old"):
        assert NUMBER not in json.dumps(event.payload), event.kind
    assert TelephonyEvent.objects.get(pbx_call_id="new").payload["number"] == "085711223344"
    # (c) the incident opened from the call follows the 112 retention setting (90 days).
    incident.refresh_from_db()
    assert incident.reporter_phone == "" and incident.reporter_name == ""
    assert incident.reporter_blanked_at is not None
    entry = AuditEntry.objects.get(action="calls.retention.purge")
    assert entry.changes["telephony_events"] == 2
    # Nothing personal is left in the audit log by the purge either.
    assert NUMBER not in json.dumps(entry.changes) and E164 not in entry.object_repr
    assert purge_personal_data() == 0  # idempotent


def test_retention_follows_the_112_setting_not_the_incidents_default(
    users, pbx, actor_of, regions_loaded, settings
):
    """A longer 112 retention keeps a call's incident contact past the incidents' default."""
    from kendali.calls import services
    from kendali.calls.services import purge_personal_data, retention_update
    from kendali.incidents.services import retention_job as incidents_retention_job

    retention_update(actor=actor_of("supervisor"), number_days=400)
    at = timezone.now() - timedelta(days=370)
    with time_machine.travel(at, tick=False):
        call = answered_call(pbx, NUMBER, at)
        incident = services.call_open_incident(
            actor=actor_of("calltaker"), call=call, type_code="kebakaran", lat=-6.1185, lon=106.1525
        )
    settings.PERSONAL_DATA_DAYS = 365
    incidents_retention_job()
    assert purge_personal_data() == 0
    incident.refresh_from_db()
    assert incident.reporter_phone == E164


def test_caller_status_of_an_unknown_number_audits_no_number(clients, users):
    response = clients["supervisor"].get("/api/v1/calls/callers/0899-1111-2222")
    assert response.status_code == 200 and response.json()["known"] is False
    entry = AuditEntry.objects.get(action="read:caller_status")
    assert entry.object_id == "unknown"
    row = json.dumps(
        [entry.object_id, entry.object_repr, entry.note, entry.changes], ensure_ascii=False
    )
    assert "89911112222" not in row and "0899" not in row


def test_kpi_tile(users, pbx, actor_of):
    from kendali.calls.selectors import calls_today_tile

    answered_call(pbx, NUMBER, timezone.now() - timedelta(minutes=1))
    tile = calls_today_tile(actor=actor_of("viewer"))
    assert tile["value"] == 1 and "asli" in tile["detail"]
