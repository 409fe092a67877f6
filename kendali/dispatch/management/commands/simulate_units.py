"""``kendali simulate units``: crews drive toward their incident, work on scene, return.

Every move goes through the services (status changes and position batches), exactly as a
crew phone would send them, so the board, the map and the SLA timers react live.
"""

from __future__ import annotations

import math
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from kendali.core.actors import Actor
from kendali.core.geo import distance_m
from kendali.dispatch import services
from kendali.dispatch.choices import KIND_SPEED_KMH, UnitKind, UnitStatus
from kendali.dispatch.models import Unit

ARRIVED_M = 60


def step_toward(lat, lon, to_lat, to_lon, metres):
    dist = distance_m(lat, lon, to_lat, to_lon)
    if dist <= metres or dist == 0:
        return to_lat, to_lon, True
    f = metres / dist
    return lat + (to_lat - lat) * f, lon + (to_lon - lon) * f, False


class Command(BaseCommand):
    help = "Simulate unit crews: en route, on scene, cleared and back to station."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=3.0, help="seconds between steps")
        parser.add_argument(
            "--speedup",
            type=float,
            default=4.0,
            help="driving speed multiplier (max 5: faster would look like a GPS jump and be rejected)",
        )
        parser.add_argument(
            "--on-scene", type=float, default=600.0, help="simulated seconds on scene"
        )
        parser.add_argument(
            "--steps", type=int, default=0, help="stop after N steps (0: run forever)"
        )

    def handle(self, *args, interval, speedup, on_scene, steps, **options):
        actor = Actor.system("simulasi-kru")
        self.speedup = max(0.1, min(speedup, 5.0))
        n = 0
        self.stdout.write("Simulasi unit berjalan (Ctrl+C untuk berhenti)…")
        while True:
            self.step(actor, interval * self.speedup, on_scene)
            n += 1
            if steps and n >= steps:
                return
            time.sleep(interval)

    speedup = 4.0

    def step(self, actor, sim_seconds: float, on_scene: float) -> None:
        now = timezone.now()
        busy = (
            Unit.objects.filter(is_active=True)
            .exclude(status__in=[UnitStatus.TERSEDIA, UnitStatus.TIDAK_SIAGA])
            .select_related("current_assignment__incident")
        )
        for unit in busy:
            try:
                self.move(actor, unit, sim_seconds, on_scene, now)
            except Exception as exc:  # noqa: BLE001 - one unit's hiccup must not stop the rest
                self.stderr.write(f"{unit.callsign}: {exc}")

    def move(self, actor, unit, sim_seconds, on_scene, now):
        speed = KIND_SPEED_KMH[UnitKind(unit.kind)] / 3.6
        lat, lon = unit.cur_lat, unit.cur_lon
        incident = unit.current_assignment.incident if unit.current_assignment_id else None
        if unit.status == UnitStatus.DITUGASKAN:
            services.unit_set_status(actor=actor, unit=unit, status=UnitStatus.MENUJU)
            self.stdout.write(f"{unit.callsign} menuju {incident.number if incident else ''}")
        elif unit.status == UnitStatus.MENUJU and incident and incident.lat is not None:
            lat, lon, arrived = step_toward(
                lat, lon, incident.lat, incident.lon, speed * sim_seconds
            )
            services.unit_report_positions(
                actor=actor, unit=unit, positions=[{"lat": lat, "lon": lon, "at": now}]
            )
            if arrived or distance_m(lat, lon, incident.lat, incident.lon) < ARRIVED_M:
                services.unit_set_status(actor=actor, unit=unit, status=UnitStatus.DI_LOKASI)
                self.stdout.write(f"{unit.callsign} tiba di {incident.number}")
        elif unit.status == UnitStatus.DI_LOKASI:
            if (now - unit.status_changed_at).total_seconds() * self.speedup >= on_scene:
                services.unit_set_status(actor=actor, unit=unit, status=UnitStatus.KEMBALI)
                self.stdout.write(f"{unit.callsign} selesai, kembali ke markas")
        elif unit.status == UnitStatus.KEMBALI:
            lat, lon, arrived = step_toward(
                lat, lon, unit.home_lat, unit.home_lon, speed * sim_seconds
            )
            services.unit_report_positions(
                actor=actor, unit=unit, positions=[{"lat": lat, "lon": lon, "at": now}]
            )
            if arrived or math.isclose(lat, unit.home_lat) and math.isclose(lon, unit.home_lon):
                services.unit_set_status(actor=actor, unit=unit, status=UnitStatus.TERSEDIA)
                self.stdout.write(f"{unit.callsign} tersedia di markas")
