"""Demo: gauges in Kasemen and sensors elsewhere in Kota Serang, a day of history, and the
flood rules (bands with an automatic BPBD incident at "awas"). The live readings that follow
come from :func:`kendali.sensors.simulation.demo_tick`."""

from __future__ import annotations

import math
import random
from datetime import timedelta

from django.utils import timezone

from kendali.core.actors import Actor
from kendali.core.models import Agency
from kendali.sensors.models import Device
from kendali.sensors.services import device_create, device_heartbeat, readings_ingest, rule_save

FLOOD_BANDS = {"waspada": 1.5, "siaga": 2.0, "awas": 2.5}

# (code, name, kind, agency, lat, lon, heartbeat seconds)
DEMO_DEVICES = [
    (
        "tma-kasemen-01",
        "Pos TMA Sungai Cibanten, Kasemen",
        "water_level",
        "bpbd",
        -6.0770,
        106.1532,
        60,
    ),
    ("tma-kasemen-02", "Pos TMA Muara Kasemen", "water_level", "bpbd", -6.0591, 106.1851, 1800),
    ("arr-serang-01", "Penakar hujan Kota Serang", "rain_gauge", "bpbd", -6.1200, 106.1500, 900),
    ("aqi-cipocok-01", "Kualitas udara Cipocok Jaya", "air_quality", "dlh", -6.1300, 106.1700, 900),
    (
        "lalin-alunalun-01",
        "Penghitung lalu lintas Alun-alun",
        "traffic_counter",
        "dishub",
        -6.1150,
        106.1540,
        300,
    ),
    ("pju-ciceri-01", "Lampu jalan Ciceri", "streetlight", "dishub", -6.1230, 106.1610, 900),
    (
        "cctv-pisangan-01",
        "CCTV Simpang Pisangan",
        "cctv_status",
        "diskominfo",
        -6.1180,
        106.1480,
        300,
    ),
    # Cameras send no readings, only a heartbeat (no video passes through Kendali).
    (
        "cam-alunalun-01",
        "Kamera CCTV Alun-alun Kota Serang",
        "camera",
        "diskominfo",
        -6.1203,
        106.1503,
        300,
    ),
    ("cam-pasarrau-01", "Kamera CCTV Pasar Rau", "camera", "diskominfo", -6.1032, 106.1605, 300),
]
# A demo camera that is down: it sends nothing, goes offline, and its item gets a task.
SILENT_DEMO_CAMERAS = {"cam-pasarrau-01"}

BASELINES = {
    "currentLevel": (0.9, 0.25),
    "precipitation": (0.2, 0.3),
    "pm25": (35, 12),
    "pm10": (55, 15),
    "no2": (25, 8),
    "co": (600, 150),
    "o3": (40, 15),
    "airQualityIndex": (70, 20),
    "temperature": (29, 3),
    "relativeHumidity": (75, 10),
    "intensity": (120, 80),
    "averageVehicleSpeed": (32, 10),
    "occupancy": (30, 20),
    "powerState": (0.5, 0.5),
    "illuminanceLevel": (60, 30),
    "status": (1, 0),
}


def normal_value(variable: str, at, rng: random.Random) -> float:
    mean, swing = BASELINES.get(variable, (1, 0.5))
    hour = timezone.localtime(at).hour + timezone.localtime(at).minute / 60
    daily = math.sin((hour - 8) / 24 * 2 * math.pi)
    if variable == "powerState":
        return 1.0 if hour >= 18 or hour < 6 else 0.0
    if variable == "status":
        return 1.0
    value = mean + swing * daily + rng.gauss(0, swing * 0.1)
    return round(max(value, 0.0), 3)


def seed(*, actor: Actor) -> None:
    rng = random.Random(2026)
    agencies = {a.code: a for a in Agency.objects.all()}
    now = timezone.now().replace(second=0, microsecond=0)
    for code, name, kind, agency, lat, lon, heartbeat in DEMO_DEVICES:
        if Device.objects.filter(code=code).exists() or agency not in agencies:
            continue
        device, _token = device_create(
            actor=actor,
            code=code,
            name=name,
            kind=kind,
            agency=agencies[agency],
            lat=lat,
            lon=lon,
            heartbeat_seconds=heartbeat,
        )
        items = []
        # A day of history up to now, every 5 minutes: every device is inside its
        # heartbeat from the start (no false "tidak mengirim data" alarm), and the live
        # demo loop (kendali.sensors.simulation.demo_tick) carries on from the newest
        # reading — the Kasemen flood wave starts two minutes after registration.
        for variable in device.variables.all():
            for step in range(24 * 12):  # a day, every 5 minutes
                at = now - timedelta(minutes=5 * step)
                items.append(
                    {
                        "device": code,
                        "variable": variable.name,
                        "time": at.isoformat(),
                        "value": normal_value(variable.name, at, rng),
                    }
                )
        for start in range(0, len(items), 10_000):
            readings_ingest(actor=actor, items=items[start : start + 10_000])
        if kind == "camera" and code not in SILENT_DEMO_CAMERAS:
            device_heartbeat(actor=actor, code=code, now=now)
        if kind == "water_level":
            rule_save(
                actor=actor,
                device=device,
                name="Tingkat siaga banjir",
                variable="currentLevel",
                kind="bands",
                **FLOOD_BANDS,
                open_incident=True,
                incident_level="awas",
                incident_type="banjir",
                incident_priority="P1",
                incident_agencies=["bpbd"],
            )
            rule_save(
                actor=actor,
                device=device,
                name="Di atas siaga 10 menit",
                variable="currentLevel",
                kind="threshold",
                operator="above",
                threshold=FLOOD_BANDS["siaga"],
                duration_seconds=600,
                level="siaga",
            )
            rule_save(
                actor=actor,
                device=device,
                name="Naik cepat (0,3 m / 10 menit)",
                variable="currentLevel",
                kind="rate_of_rise",
                threshold=0.3,
                window_seconds=600,
                level="waspada",
            )
        rule_save(
            actor=actor, device=device, name="Tidak mengirim data", kind="offline", level="waspada"
        )
