"""``kendali simulate city``: keep the demo city moving on demand (any server, any database).

Runs the demo ticks the modules registered in :mod:`kendali.core.demo_live` — calls arriving
and classified, genuine ones opened as incidents, units sent, driving, reporting and
closing, sensors feeding — every ``--interval`` seconds. Every write goes through the
services as the simulator actor (``simulasi-demo:…`` in the audit log).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from kendali.core import demo_live


class Command(BaseCommand):
    help = "Simulasikan kota demo: panggilan, kejadian, unit dan sensor bergerak."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="detik antar-langkah (5)")
        parser.add_argument(
            "--ticks", type=int, default=0, help="berhenti setelah N langkah (0: terus)"
        )

    def handle(self, *args, interval, ticks, **options):
        names = ", ".join(t.key for t in demo_live.ticks()) or "-"
        self.stdout.write(f"Simulasi kota berjalan ({names}); Ctrl+C untuk berhenti…")
        n = 0
        while True:
            results = demo_live.run_ticks()
            for key, result in results.items():
                if result not in ("ok", "tidak ada"):
                    self.stderr.write(f"{key}: {result}")
            n += 1
            if ticks and n >= ticks:
                return
            time.sleep(max(interval, 0.1))
