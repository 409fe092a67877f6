"""The live demo city's sensors: :func:`demo_tick` feeds the demo devices of
:mod:`kendali.sensors.demo` plausible readings, with a flood wave through Kasemen every
half hour, through the real ingest service (rollups, rules, alarms, the automatic BPBD
incident, events — exactly as a real gauge would).

Used by the `make demo` background loop (call it every few seconds); ``kendali simulate
sensors`` remains the one-off, hand-driven flood.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from django.utils import timezone

from kendali.core.actors import Actor
from kendali.sensors.demo import DEMO_DEVICES, SILENT_DEMO_CAMERAS, normal_value
from kendali.sensors.models import Device
from kendali.sensors.services import device_heartbeat, readings_ingest

FLOOD_GAUGE = "tma-kasemen-01"
# One flood wave per cycle, counted from the gauge's registration (so the first wave
# starts two minutes after `kendali demo`). Minutes into the cycle:
#   0–2 calm · 2–12 rise to the peak · 12–16 peak · 16–25 fall · 25–30 calm
FLOOD_CYCLE_SECONDS = 30 * 60
CALM_LEVEL = 1.0  # m, below "waspada" (FLOOD_BANDS)
PEAK_LEVEL = 2.9  # m, above "awas"
# Seconds between two readings of a device: the flood gauge often (a smooth rise on the
# chart, several readings inside its 60-second heartbeat), the others at half their
# heartbeat (never silent for the offline rules' 2 × heartbeat), at most every 5 minutes.
FLOOD_SAMPLE_SECONDS = 20
MAX_SAMPLE_SECONDS = 300
# After a pause (a laptop asleep, the loop stopped) the gap is filled, up to this far back.
MAX_CATCH_UP = timedelta(minutes=30)

_rng = random.Random()


def flood_level(seconds_into_cycle: float) -> float:
    """Water level (m) of the Kasemen gauge at this point of the flood cycle."""
    minute = (seconds_into_cycle % FLOOD_CYCLE_SECONDS) / 60
    if minute < 2 or minute >= 25:
        level = CALM_LEVEL
    elif minute < 12:  # rise, eased: slow start, fastest in the middle
        level = (
            CALM_LEVEL + (PEAK_LEVEL - CALM_LEVEL) * (1 - math.cos((minute - 2) / 10 * math.pi)) / 2
        )
    elif minute < 16:
        level = PEAK_LEVEL
    else:  # fall back to calm
        level = (
            PEAK_LEVEL - (PEAK_LEVEL - CALM_LEVEL) * (1 - math.cos((minute - 16) / 9 * math.pi)) / 2
        )
    return level


def sample_seconds(code: str, heartbeat_seconds: int) -> int:
    if code == FLOOD_GAUGE:
        return FLOOD_SAMPLE_SECONDS
    return max(FLOOD_SAMPLE_SECONDS, min(heartbeat_seconds // 2, MAX_SAMPLE_SECONDS))


def _due_times(last: datetime | None, now: datetime, every: int) -> list[datetime]:
    """Reading times after ``last`` up to ``now``, ``every`` seconds apart; the gap of a
    pause is filled back to MAX_CATCH_UP at most."""
    if last is None:
        return [now]
    at = max(last, now - MAX_CATCH_UP) + timedelta(seconds=every)
    times = []
    while at <= now:
        times.append(at)
        at += timedelta(seconds=every)
    return times


def demo_tick(now: datetime | None = None) -> dict:
    """Feed the demo devices the readings due since their last one, up to ``now``.

    Signature: ``demo_tick(now: datetime | None = None) -> dict``; ``now`` is an aware
    datetime (default: the current time). Call it every few seconds (any interval up to a
    minute keeps every device inside its heartbeat); calling it more often costs nothing,
    as a device gets a reading only when one is due (the Kasemen gauge every 20 s, the
    others every half heartbeat, at most every 5 min). Readings go through
    ``services.readings_ingest`` as the system actor "demo", so rules, alarms, the
    automatic BPBD incident and events follow as for a real device. The Kasemen gauge
    (``tma-kasemen-01``) follows :func:`flood_level`: a wave every 30 minutes from the
    gauge's registration — waspada → siaga → awas (an incident for BPBD opens by itself,
    once per wave) → back to normal (the alarm clears). Devices missing (no ``kendali
    demo`` yet) or deactivated are skipped. Safe to call from a background thread (it uses
    Django's database connection of that thread; close it as any thread would).

    Demo cameras (no variables) get a heartbeat (:func:`services.device_heartbeat`) when
    one is due, except the ones in ``SILENT_DEMO_CAMERAS``, which stay offline.

    Returns ``{"stored": int, "rejected": int, "alarms": [alarm ids], "flood_level": float
    | None}`` (the gauge's newest level sent this call, or None).
    """
    now = (now or timezone.now()).replace(microsecond=0)
    codes = [spec[0] for spec in DEMO_DEVICES]
    devices = Device.objects.filter(code__in=codes, is_active=True).prefetch_related("variables")
    items: list[dict] = []
    newest_flood = None
    for device in devices:
        every = sample_seconds(device.code, device.heartbeat_seconds)
        if not device.variables.all():
            # A camera only says it is alive; the demo keeps one silent, as a camera that
            # is down, so its BMD item gets a maintenance task.
            if device.code not in SILENT_DEMO_CAMERAS and _due_times(
                device.last_value_at, now, every
            ):
                device_heartbeat(actor=Actor.system("demo"), code=device.code, now=now)
            continue
        for at in _due_times(device.last_value_at, now, every):
            stamp = at.isoformat()
            for variable in device.variables.all():
                if device.code == FLOOD_GAUGE and variable.name == "currentLevel":
                    into = (at - device.created_at).total_seconds()
                    value = round(flood_level(into) + _rng.gauss(0, 0.01), 3)
                    newest_flood = value
                else:
                    value = normal_value(variable.name, at, _rng)
                items.append(
                    {
                        "device": device.code,
                        "variable": variable.name,
                        "time": stamp,
                        "value": value,
                    }
                )
    if not items:
        return {"stored": 0, "rejected": 0, "alarms": [], "flood_level": None}
    result = readings_ingest(actor=Actor.system("demo"), items=items, now=now)
    return {
        "stored": result.stored,
        "rejected": len(result.rejected),
        "alarms": result.alarms,
        "flood_level": newest_flood,
    }
