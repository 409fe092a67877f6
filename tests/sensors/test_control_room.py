"""What the control room shows: the sensors and alarm layers, the KPI tile, and the alarm
event on the live stream."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from kendali.core.actors import Actor
from kendali.core.events import get_store
from kendali.core.registry import get_layer, get_tile, run_selector
from kendali.sensors.services import readings_ingest, rule_save
from tests.sensors.conftest import T0, readings


def test_alarm_reaches_layers_tile_and_event_stream(
    make_device, system, users, monkeypatch, django_capture_on_commit_callbacks
):
    from kendali.sensors import incidentlink

    monkeypatch.setattr(incidentlink, "open_incident", lambda **kw: (None, "", "uji"))
    gauge, _ = make_device(code="tma-1")
    make_device(code="cctv-1", kind="cctv_status", agency="damkar")
    rule_save(
        actor=system,
        device=gauge,
        name="Banjir",
        variable="currentLevel",
        kind="bands",
        waspada=1.5,
        siaga=2.0,
        awas=2.5,
    )
    before = get_store().latest_id()
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            readings_ingest(actor=system, items=readings(gauge.code, [2.2]))
    events = [e for e in get_store().read_after(before) if e.topic == "sensors.alarm.raised"]
    assert len(events) == 1
    assert events[0].data["device"] == "tma-1" and events[0].data["level"] == "siaga"
    assert events[0].perm == "sensors.view_alarm"

    viewer = Actor(user=users["viewer"])
    tile = run_selector(get_tile("sensor_alarms").selector, actor=viewer)
    assert (tile["value"], tile["level"]) == (1, "bad")
    alarms = run_selector(get_layer("sensor_alarms").selector, actor=viewer)
    assert [f["properties"]["level"] for f in alarms["features"]] == ["siaga"]
    devices = run_selector(get_layer("sensors").selector, actor=viewer)
    assert {f["properties"]["label"] for f in devices["features"]} == {
        "Sensor tma-1",
        "Sensor cctv-1",
    }
    # an officer of Damkar sees Damkar's camera only, and no BPBD alarm
    officer = Actor(user=users["officer"])
    mine = run_selector(get_layer("sensors").selector, actor=officer)
    assert [f["properties"]["label"] for f in mine["features"]] == ["Sensor cctv-1"]
    assert run_selector(get_tile("sensor_alarms").selector, actor=officer)["value"] == 0


def test_every_sensors_event_carries_a_readable_indonesian_summary(
    make_device, system, users, monkeypatch, django_capture_on_commit_callbacks
):
    """The wall ticker shows ``data.summary``: level, device name, what was measured and
    the kelurahan by name — not "Sensor · alarm muncul — 36.73.06.1001"."""
    from kendali.sensors import incidentlink
    from kendali.sensors.models import Alarm
    from kendali.sensors.services import alarm_acknowledge, offline_check

    monkeypatch.setattr(incidentlink, "open_incident", lambda **kw: (7, "112-2026-000007", ""))
    before = get_store().latest_id()
    with django_capture_on_commit_callbacks(execute=True):
        gauge, _ = make_device(code="tma-1", name="Pos duga air Sungai Cibanten")
        rule_save(
            actor=system,
            device=gauge,
            name="Banjir",
            variable="currentLevel",
            kind="bands",
            waspada=1.5,
            siaga=2.0,
            awas=2.5,
            open_incident=True,
            incident_agencies=["bpbd"],
        )
        rule_save(actor=system, device=gauge, name="Mati", kind="offline", level="waspada")
        with time_machine.travel(T0 + timedelta(hours=1), tick=False):
            readings_ingest(actor=system, items=readings(gauge.code, [1.82]))
            readings_ingest(
                actor=system,
                items=readings(gauge.code, [2.75], start=T0 + timedelta(minutes=1)),
            )
            alarm = Alarm.objects.get(kind="bands")
            alarm_acknowledge(actor=Actor(user=users["supervisor"]), alarm_id=alarm.pk)
            readings_ingest(
                actor=system,
                items=readings(gauge.code, [1.0], start=T0 + timedelta(minutes=2)),
            )
        with time_machine.travel(T0 + timedelta(hours=2), tick=False):
            offline_check()
    events = [e for e in get_store().read_after(before) if e.topic.startswith("sensors.")]
    summaries = {}
    for event in events:
        assert event.data["summary"], event.topic
        summaries.setdefault(event.topic, []).append(event.data["summary"])
    raised = next(e for e in events if e.topic == "sensors.alarm.raised")
    assert raised.data["summary"] == (
        "Waspada — Pos duga air Sungai Cibanten: tinggi muka air 1,82 m · Kel. Kasemen"
    )
    assert raised.data["device_name"] == "Pos duga air Sungai Cibanten"
    assert raised.data["kelurahan_name"] == "Kasemen"
    assert raised.data["level_label"] == "Waspada"
    assert summaries["sensors.alarm.updated"][0] == (
        "Awas — Pos duga air Sungai Cibanten: tinggi muka air 2,75 m · Kel. Kasemen"
    )
    assert "kejadian 112 112-2026-000007 dibuka" in " ".join(summaries["sensors.alarm.updated"])
    assert summaries["sensors.alarm.acknowledged"] == [
        "Alarm diterima — Pos duga air Sungai Cibanten: tinggi muka air 2,75 m (Awas)"
        " · Kel. Kasemen"
    ]
    assert "Supervisor" not in " ".join(e.data["summary"] for e in events)  # no names
    assert summaries["sensors.alarm.cleared"][0].startswith(
        "Alarm Awas selesai — Pos duga air Sungai Cibanten"
    )
    assert summaries["sensors.device.offline"] == [
        "Sensor tidak mengirim data — Pos duga air Sungai Cibanten · Kel. Kasemen"
    ]
    # One offline sensor, one ticker line: its offline rule's alarm says it; the device's own
    # event only refreshes the map (the ticker leaves quiet events out).
    offline = next(e for e in events if e.topic == "sensors.device.offline")
    assert offline.data["quiet"] is True
    offline_raised = [e for e in events if e.topic == "sensors.alarm.raised"][-1]
    assert offline_raised.data["summary"] == (
        "Waspada — Pos duga air Sungai Cibanten: tidak mengirim data · Kel. Kasemen"
    )
    assert summaries["sensors.device.created"][0].startswith(
        "Sensor baru terdaftar — Pos duga air Sungai Cibanten (Tinggi muka air)"
    )
