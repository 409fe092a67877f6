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
