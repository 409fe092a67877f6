"""Small builders of module data for the indicator and open-data tests (setup only: the
behaviour under test is the figures and data sets read from it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from kendali.core.actors import Actor

SYSTEM = Actor.system("test")
# Kasemen (36.73.02) and Serang (36.73.01) centres.
KASEMEN = (-6.0770, 106.1532)
SERANG = (-6.1196, 106.1537)


def call(at: datetime, outcome: str, *, answer_s: float = 8, talk_s: float = 90, **extra):
    from kendali.calls.models import Call

    return Call.objects.create(
        number_raw=extra.pop("number_raw", "081234567890"),
        number_e164=extra.pop("number_e164", "+6281234567890"),
        offered_at=at,
        answered_at=at + timedelta(seconds=answer_s),
        ended_at=at + timedelta(seconds=answer_s + talk_s),
        state="ended",
        outcome=outcome,
        notes=extra.pop("notes", ""),
        **extra,
    )


def incident(type_code: str, where=KASEMEN, **extra):
    from kendali.incidents.services import incident_create

    return incident_create(actor=SYSTEM, type_code=type_code, lat=where[0], lon=where[1], **extra)


def device(code: str, kind: str, agency, where=KASEMEN):
    from kendali.sensors.services import device_create

    return device_create(
        actor=SYSTEM,
        code=code,
        name=f"Sensor {code}",
        kind=kind,
        agency=agency,
        lat=where[0],
        lon=where[1],
        with_token=False,
    )[0]


def rollups(device, variable: str, start: datetime, hours: int, value: float = 1.0):
    from kendali.sensors.models import RollupHour

    var = device.variables.get(name=variable)
    RollupHour.objects.bulk_create(
        RollupHour(
            variable=var,
            bucket=start + timedelta(hours=h),
            count=60,
            total=value * 60,
            minimum=value,
            maximum=value,
        )
        for h in range(hours)
    )
