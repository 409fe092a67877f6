"""``kendali simulate sensors``: a flood wave rising through Kasemen.

The gauge's water level climbs through waspada → siaga → awas and recedes; the other demo
devices keep sending normal values. Directly through the services (default) or over HTTP
to a running server with the gauge's device token (``--url``, ``--token``).
"""

from __future__ import annotations

import json
import math
import random
import time
import urllib.request
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kendali.core.actors import Actor
from kendali.sensors.demo import normal_value
from kendali.sensors.models import Device, Variable
from kendali.sensors.services import readings_ingest


def wave(step: int, steps: int) -> float:
    """1.0 m → peak 2.9 m at two thirds of the run → back towards 1.6 m."""
    peak_at = steps * 2 / 3
    if step <= peak_at:
        return round(1.0 + 1.9 * math.sin(step / peak_at * math.pi / 2), 3)
    fall = (step - peak_at) / max(steps - peak_at, 1)
    return round(2.9 - 1.3 * fall, 3)


class Command(BaseCommand):
    help = "Simulasi banjir di Kasemen (sensor tinggi muka air) / flood wave simulator"

    def add_arguments(self, parser):
        parser.add_argument("--device", default="tma-kasemen-01")
        parser.add_argument("--steps", type=int, default=40)
        parser.add_argument(
            "--interval", type=float, default=1.0, help="detik antar kiriman (0 = secepatnya)"
        )
        parser.add_argument(
            "--spacing", type=int, default=60, help="detik antar waktu bacaan (riwayat grafik)"
        )
        parser.add_argument(
            "--url", help="kirim lewat HTTP ke server ini, mis. http://127.0.0.1:8000"
        )
        parser.add_argument("--token", help="token perangkat untuk --url")

    def handle(self, *args, device, steps, interval, spacing, url, token, **options):
        if url and not token:
            raise CommandError("--url memerlukan --token (token perangkat)")
        actor = Actor.system("simulator")
        rng = random.Random()
        others = list(Device.objects.exclude(code=device).prefetch_related("variables"))
        if not url and not Device.objects.filter(code=device).exists():
            raise CommandError(f"perangkat {device} tidak ada; jalankan `kendali demo` dahulu")
        end = timezone.now().replace(microsecond=0)
        start = end - timedelta(seconds=spacing * max(steps - 1, 0))
        if not url:
            # Start after the gauge's newest reading, so the wave never interleaves with
            # history already stored (a second run continues after the first).
            last = (
                Variable.objects.filter(device__code=device, name="currentLevel")
                .values_list("last_time", flat=True)
                .first()
            )
            if last is not None and last >= start:
                start = last + timedelta(seconds=1)
        step_seconds = (end - start).total_seconds() / max(steps - 1, 1)
        live = step_seconds < 1  # no room in the past: send with the current time
        for step in range(steps):
            at = timezone.now() if live else start + timedelta(seconds=step_seconds * step)
            level = wave(step, steps)
            item = {"variable": "currentLevel", "time": at.isoformat(), "value": level}
            if url:
                result = self._post(url, token, [item])
            else:
                result = readings_ingest(actor=actor, items=[{**item, "device": device}]).as_dict()
                extra = [
                    {
                        "device": d.code,
                        "variable": v.name,
                        "time": at.isoformat(),
                        "value": normal_value(v.name, at, rng),
                    }
                    for d in others
                    for v in d.variables.all()
                ]
                if extra:
                    readings_ingest(actor=actor, items=extra)
            alarms = result.get("alarms") or []
            self.stdout.write(
                f"{timezone.localtime(at):%H:%M:%S} {device} currentLevel={level:.2f} m"
                + (f"  alarm {alarms}" if alarms else "")
            )
            if interval:
                time.sleep(interval)

    def _post(self, url: str, token: str, items: list[dict]) -> dict:
        if not url.startswith(("http://", "https://")):
            raise CommandError("--url harus http(s)")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url.rstrip("/") + "/api/v1/sensors/readings",
            data=json.dumps(items).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - operator-given URL
            return json.load(response)
