"""`kendali simulate calls`: a Serang-like stream of 112 calls arriving on the console.

Events go through the services (default) or the HTTP telephony API (--url and --token,
exactly like a PBX bridge). Call-takers on the console see calls ring, get answered on their
extension (screen-pop), and classify them.
"""

from __future__ import annotations

import heapq
import json
import time
import urllib.request
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kendali.calls import services
from kendali.calls.simulation import events_for, serang_stream
from kendali.core.actors import Actor
from kendali.core.models import User


class Command(BaseCommand):
    help = "Simulasikan panggilan 112 ala Kota Serang (iseng berulang, ghost, darurat langka)."

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=int, default=20, help="jumlah panggilan (20)")
        parser.add_argument("--minutes", type=float, default=5.0, help="sebar selama N menit (5)")
        parser.add_argument("--extensions", default="", help="ekstensi penerima, mis. 2101,2102")
        parser.add_argument("--hold", type=float, default=1.0, help="skala lama bicara (1.0)")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--url", default="", help="kirim lewat HTTP ke Kendali ini")
        parser.add_argument("--token", default="", help="token mesin cakupan telephony")
        parser.add_argument("--no-wait", action="store_true", help="kirim semua tanpa menunggu")

    def handle(self, *args, **opts):
        extensions = [e for e in opts["extensions"].split(",") if e] or list(
            User.objects.filter(groups__name="call_taker_112", is_active=True)
            .exclude(extension="")
            .values_list("extension", flat=True)
        )
        if not extensions:
            raise CommandError("Tidak ada ekstensi penerima panggilan (--extensions).")
        if opts["url"] and not opts["token"]:
            raise CommandError("--url memerlukan --token (token mesin cakupan telephony).")
        calls = serang_stream(
            opts["calls"],
            duration_s=opts["minutes"] * 60,
            seed=opts["seed"] if opts["seed"] is not None else int(time.time()),
        )
        start = timezone.now()
        queue: list = []
        for n, call in enumerate(calls):
            for offset, event in events_for(
                call,
                start=start,
                extension=extensions[n % len(extensions)],
                hold_scale=opts["hold"],
            ):
                heapq.heappush(queue, (offset, n, event))
        send = self._http(opts["url"], opts["token"]) if opts["url"] else self._direct()
        t0 = time.monotonic()
        sent = 0
        while queue:
            offset, _n, event = heapq.heappop(queue)
            if not opts["no_wait"]:
                delay = offset - (time.monotonic() - t0)
                if delay > 0:
                    time.sleep(delay)
                event["at"] = timezone.now().isoformat()
            send(event)
            sent += 1
            if event["kind"] == "offered":
                self.stdout.write(
                    f"→ {event['pbx_call_id']} {event.get('number') or '(tersembunyi)'}"
                )
        genuine = sum(1 for c in calls if c.intent == "darurat")
        self.stdout.write(
            self.style.SUCCESS(f"{len(calls)} panggilan, {sent} peristiwa, {genuine} darurat.")
        )

    def _direct(self):
        actor = Actor.system("simulator")

        def send(event):
            fields = dict(event)
            services.telephony_event(
                actor=actor,
                kind=fields.pop("kind"),
                pbx_call_id=fields.pop("pbx_call_id"),
                at=datetime.fromisoformat(fields.pop("at")),
                **fields,
            )

        return send

    def _http(self, url, token):
        endpoint = url.rstrip("/") + "/api/v1/telephony/events"
        if not endpoint.startswith(("http://", "https://")):
            raise CommandError("--url harus http(s)://")

        def send(event):
            request = urllib.request.Request(  # noqa: S310 - scheme checked above
                endpoint,
                data=json.dumps(event).encode(),
                method="POST",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                response.read()

        return send
