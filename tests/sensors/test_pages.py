"""Pages: the device chart shows the rise with the alarm on it; the alarm page links to the
public-warning draft; an agency officer sees only their agency's devices; CSV import."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from kendali.sensors.models import Alarm, Reading
from kendali.sensors.services import readings_ingest, rule_save
from tests.sensors.conftest import T0, readings


def test_device_chart_draws_the_rise_and_the_alarm(device, system, clients, monkeypatch):
    from kendali.sensors import incidentlink

    monkeypatch.setattr(incidentlink, "open_incident", lambda **kw: (None, "", "uji"))
    rule_save(
        actor=system,
        device=device,
        name="Banjir",
        variable="currentLevel",
        kind="bands",
        waspada=1.5,
        siaga=2.0,
        awas=2.5,
    )
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        readings_ingest(actor=system, items=readings(device.code, [1.0, 1.4, 1.8, 2.2, 2.6, 2.8]))
        response = clients["operator"].get(f"/sensor/perangkat/{device.code}/?rentang=6j")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<polyline class="series"' in html
    assert 'class="alarm-span" data-level="awas"' in html
    assert "Awas" in html  # the band line label


def test_alarm_page_links_to_a_prefilled_warning_draft(device, system, clients, monkeypatch):
    from kendali.sensors import incidentlink

    monkeypatch.setattr(incidentlink, "open_incident", lambda **kw: (None, "", "uji"))
    rule_save(
        actor=system,
        device=device,
        name="Banjir",
        variable="currentLevel",
        kind="bands",
        waspada=1.5,
        siaga=2.0,
        awas=2.5,
    )
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        readings_ingest(actor=system, items=readings(device.code, [2.7]))
    alarm = Alarm.objects.get()
    response = clients["supervisor"].get(f"/sensor/alarm/{alarm.pk}/")
    assert response.status_code == 200
    link = next(
        part.split('"')[0]
        for part in response.content.decode().split('href="')
        if part.startswith("/peringatan/baru/")
    )
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query["event"] == ["Banjir"]
    assert query["category"] == ["Met"]
    assert query["kelurahan"] == [device.kelurahan_id]
    assert query["source"] == [f"sensors.alarm:{alarm.pk}"]


def test_acknowledge_from_the_alarm_page(device, system, clients, monkeypatch):
    from kendali.sensors import incidentlink

    monkeypatch.setattr(incidentlink, "open_incident", lambda **kw: (None, "", "uji"))
    rule_save(
        actor=system,
        device=device,
        name="Siaga",
        variable="currentLevel",
        kind="threshold",
        threshold=2.0,
    )
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        readings_ingest(actor=system, items=readings(device.code, [2.7]))
    alarm = Alarm.objects.get()
    url = f"/sensor/alarm/{alarm.pk}/aksi/"
    clients["dispatcher"].post(url, {"action": "ack", "note": "diteruskan ke BPBD"})
    second = clients["supervisor"].post(url, {"action": "ack"}, follow=True)
    alarm.refresh_from_db()
    assert alarm.status == "acknowledged" and alarm.acknowledged_by.username == "dispatcher"
    assert "sudah" in second.content.decode()  # told that someone was first


def test_officer_sees_only_their_agency_devices(make_device, clients):
    make_device(code="tma-bpbd", agency="bpbd")
    make_device(code="cctv-damkar", kind="cctv_status", agency="damkar")
    html = clients["officer"].get("/sensor/").content.decode()  # officer of Damkar
    assert "cctv-damkar" in html and "tma-bpbd" not in html
    assert clients["officer"].get("/sensor/perangkat/tma-bpbd/").status_code == 404


@time_machine.travel(T0 + timedelta(hours=3), tick=False)
def test_csv_import_reports_rejected_lines(device, clients):
    text = (
        "device,variable,time,value,unit\n"
        f"{device.code},currentLevel,2026-11-28T02:00:00Z,1.2,m\n"
        f"{device.code},currentLevel,2026-11-28T02:01:00Z,abc,m\n"
        f"{device.code},currentLevel,2026-11-28T02:02:00Z,1.3,cm\n"
    )
    upload = SimpleUploadedFile("riwayat.csv", text.encode(), content_type="text/csv")
    response = clients["operator"].post("/sensor/impor-csv/", {"file": upload})
    html = response.content.decode()
    assert Reading.objects.count() == 1
    assert "Baris 3" in html and "Baris 4" in html


@time_machine.travel(T0 + timedelta(hours=3), tick=False)
def test_csv_import_rejects_a_time_out_of_range_on_its_line(device, clients):
    text = (
        "device,variable,time,value\n"
        f"{device.code},currentLevel,0001-01-01T00:00:00+14:00,1.0\n"
        f"{device.code},currentLevel,2026-11-28T02:00:00Z,{'9' * 400}\n"
        f"{device.code},currentLevel,2026-11-28T02:01:00Z,1.2\n"
    )
    upload = SimpleUploadedFile("riwayat.csv", text.encode(), content_type="text/csv")
    response = clients["operator"].post("/sensor/impor-csv/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert list(Reading.objects.values_list("value", flat=True)) == [1.2]
    assert "Baris 2" in html and "Baris 3" in html


@time_machine.travel(T0 + timedelta(hours=3), tick=False)
def test_csv_history_older_than_retention_goes_into_the_rollups(device, system, clients):
    from kendali.sensors.models import RollupHour, RollupMinute

    rule_save(
        actor=system,
        device=device,
        name="Banjir",
        variable="currentLevel",
        kind="bands",
        waspada=1.5,
        siaga=2.0,
        awas=2.5,
    )
    text = (
        "device,variable,time,value\n"
        # last year's flood: three readings in one minute, one in the next
        f"{device.code},currentLevel,2025-11-28T02:00:00Z,2.6\n"
        f"{device.code},currentLevel,2025-11-28T02:00:20Z,2.8\n"
        f"{device.code},currentLevel,2025-11-28T02:00:40Z,3.0\n"
        f"{device.code},currentLevel,2025-11-28T02:01:00Z,2.9\n"
        # and today's reading, stored raw as before
        f"{device.code},currentLevel,2026-11-28T02:00:00Z,1.2\n"
    )

    def upload(body):
        file = SimpleUploadedFile("riwayat.csv", body.encode(), content_type="text/csv")
        return clients["operator"].post("/sensor/impor-csv/", {"file": file}).content.decode()

    html = upload(text)
    assert "4 baris lama dimasukkan ke ringkasan saja" in html
    assert list(Reading.objects.values_list("value", flat=True)) == [1.2]
    old_minutes = RollupMinute.objects.filter(bucket__year=2025).order_by("bucket")
    assert [(m.count, m.total, m.minimum, m.maximum) for m in old_minutes] == [
        (3, pytest.approx(8.4), 2.6, 3.0),
        (1, 2.9, 2.9, 2.9),
    ]
    hour = RollupHour.objects.get(bucket__year=2025)
    assert (hour.count, hour.minimum, hour.maximum) == (4, 2.6, 3.0)
    # history, not news: no alarm, and the latest value is today's
    assert not Alarm.objects.exists()
    assert device.variables.get().last_value == 1.2
    # the same file again (plus one more line in an old minute that already has a
    # rollup): nothing counts twice
    html = upload(text + f"{device.code},currentLevel,2025-11-28T02:00:50Z,9.9\n")
    assert "6 baris dibaca, 0 disimpan, 6 sudah ada" in html
    assert [m.count for m in old_minutes.all()] == [3, 1]
    assert RollupHour.objects.get(bucket__year=2025).count == 4
    # the chart range of last year is served from the rollups
    from datetime import UTC, datetime

    from kendali.sensors.selectors import history

    start = datetime(2025, 11, 28, 1, 0, tzinfo=UTC)
    resolution, points = history(
        variable=device.variables.get(), start=start, end=start + timedelta(hours=2)
    )
    assert resolution == "1m" and [p.count for p in points] == [3, 1]
