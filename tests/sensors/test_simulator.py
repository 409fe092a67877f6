"""The demo path: seeded devices with a day of history, then the flood simulation raises
the alarm in Kasemen and one BPBD incident opens by itself."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from kendali.sensors.demo import seed
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
