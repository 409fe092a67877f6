"""The demo path: seeded devices with a day of history, then the flood simulation raises
the alarm in Kasemen and one BPBD incident opens by itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

from django.core.management import call_command

from kendali.sensors.demo import SILENT_DEMO_CAMERAS, seed
from kendali.sensors.management.commands.simulate_sensors import wave
from kendali.sensors.models import Alarm, Device, Reading, RollupHour


def test_wave_crosses_every_band():
    levels = [wave(i, 40) for i in range(40)]
    assert levels[0] < 1.5 and max(levels) >= 2.5 and levels[-1] < 2.0


def test_demo_then_flood_simulation(system, agencies, regions_loaded):
    seed(actor=system)
    gauge = Device.objects.get(code="tma-kasemen-01")
    assert gauge.kelurahan.nama == "Kasemen"
    assert Reading.objects.filter(variable__device=gauge).count() == 288
    assert RollupHour.objects.filter(variable__device=gauge).count() >= 24
    assert not Alarm.objects.exists()

    out = StringIO()
    call_command("simulate_sensors", "--steps", "30", "--interval", "0", stdout=out)

    bands = Alarm.objects.get(rule__name="Tingkat siaga banjir")
    assert bands.peak_level == "awas"
    assert bands.incident_id or bands.incident_error  # opened (or the reason shown)
    try:
        from kendali.incidents.models import Incident
    except ImportError:
        return
    incidents = Incident.objects.filter(source="sensor")
    assert incidents.count() == 1  # once per episode, not once per reading above "awas"
    assert list(incidents.get().agencies.values_list("code", flat=True)) == ["bpbd"]
    assert "alarm" in out.getvalue()


def test_flood_cycle_crosses_every_band_and_returns_to_normal():
    from kendali.sensors.demo import FLOOD_BANDS
    from kendali.sensors.simulation import FLOOD_CYCLE_SECONDS, flood_level

    levels = [flood_level(s) for s in range(0, FLOOD_CYCLE_SECONDS, 20)]
    assert levels[0] < FLOOD_BANDS["waspada"] and levels[-1] < FLOOD_BANDS["waspada"]
    assert max(levels) > FLOOD_BANDS["awas"]
    above_siaga = sum(1 for v in levels if v > FLOOD_BANDS["siaga"]) * 20
    assert above_siaga > 600  # long enough for "Di atas siaga 10 menit"
    assert flood_level(FLOOD_CYCLE_SECONDS + 60) == flood_level(60)  # periodic


def _offline() -> set[str]:
    return set(Device.objects.filter(status="offline").values_list("code", flat=True))


def test_live_demo_loop_runs_a_flood_wave_without_false_offline_alarms(
    system, agencies, regions_loaded
):
    """`make demo`'s loop calls demo_tick every few seconds: no device goes offline, and
    the Kasemen wave raises the flood alarm to awas, opens one BPBD incident by itself and
    clears when the water is back to normal."""
    import time_machine

    from kendali.sensors.services import offline_check, rules_tick
    from kendali.sensors.simulation import FLOOD_CYCLE_SECONDS, demo_tick

    start = datetime(2026, 11, 28, 1, 0, 7, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        seed(actor=system)
        clock.shift(90)  # the loop has not ticked yet: still no "no data" alarm
        offline_check()
        assert _offline() <= SILENT_DEMO_CAMERAS
        levels = []
        for second in range(0, FLOOD_CYCLE_SECONDS, 10):
            result = demo_tick()
            if result["flood_level"] is not None:
                levels.append(result["flood_level"])
            if second % 60 == 0:
                rules_tick()
                offline_check()
                assert _offline() <= SILENT_DEMO_CAMERAS, f"offline at {second} s"
            clock.shift(10)
        assert not Alarm.objects.filter(kind="offline").exists()
        # Only the demo camera left silent on purpose (a camera that is down) is offline.
        assert (
            set(Device.objects.exclude(status="online").values_list("code", flat=True))
            == SILENT_DEMO_CAMERAS
        )
        gauge = Device.objects.get(code="tma-kasemen-01")
        bands = Alarm.objects.get(rule__name="Tingkat siaga banjir")
        assert bands.peak_level == "awas" and bands.status == "cleared"
        assert bands.incident_id or bands.incident_error
        assert Alarm.objects.filter(rule__name="Di atas siaga 10 menit").exists()
        assert max(levels) > 2.5 and levels[-1] < 1.5
        # a reading every 20 s on the gauge during the live part
        live = Reading.objects.filter(variable__device=gauge, time__gt=start + timedelta(minutes=2))
        assert abs(live.count() - FLOOD_CYCLE_SECONDS / 20) <= 6

        incidents = _sensor_incidents()
        assert incidents is None or incidents == 1  # once per wave

        # a pause of 10 minutes: the next call fills the gap (every 20 s), the devices
        # stay online, and the gap is already the rise of the next wave (a new episode)
        clock.shift(600)
        before = live.count()
        demo_tick()
        assert live.count() - before == 30
        offline_check()
        assert _offline() <= SILENT_DEMO_CAMERAS
        assert Alarm.objects.filter(rule__name="Tingkat siaga banjir").count() == 2
        incidents = _sensor_incidents()
        assert incidents is None or incidents == 2


def _sensor_incidents() -> int | None:
    try:
        from kendali.incidents.models import Incident
    except ImportError:
        return None
    return Incident.objects.filter(source="sensor").count()
