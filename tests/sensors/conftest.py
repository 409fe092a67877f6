from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kendali.core.actors import Actor

KASEMEN = (-6.0770, 106.1532)
T0 = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


@pytest.fixture
def system():
    return Actor.system("test")


@pytest.fixture
def make_device(db, agencies, regions_loaded, system):
    from kendali.sensors.services import device_create

    def make(code="tma-kasemen-01", kind="water_level", agency="bpbd", **kwargs):
        kwargs.setdefault("lat", KASEMEN[0])
        kwargs.setdefault("lon", KASEMEN[1])
        return device_create(
            actor=system,
            code=code,
            name=kwargs.pop("name", f"Sensor {code}"),
            kind=kind,
            agency=agencies[agency],
            **kwargs,
        )

    return make


@pytest.fixture
def device(make_device):
    return make_device()[0]


def readings(device_code, values, start=T0, step=60, variable="currentLevel"):
    """[{device, variable, time, value}] one every `step` seconds from `start`."""
    from datetime import timedelta

    return [
        {
            "device": device_code,
            "variable": variable,
            "time": (start + timedelta(seconds=i * step)).isoformat(),
            "value": v,
        }
        for i, v in enumerate(values)
    ]
