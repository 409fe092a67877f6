"""Devices: registration locates the kelurahan, gives FIWARE variables and one token; a new
token revokes the old one."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from kendali.core.models import MachineToken
from kendali.sensors.services import device_token_issue
from tests.sensors.conftest import KASEMEN, T0, readings


def test_operator_registers_a_device_and_its_token_works(clients, regions_loaded, agencies):
    response = clients["operator"].post(
        "/api/v1/sensors/devices",
        data=json.dumps(
            {
                "code": "aqi-kasemen",
                "name": "Udara Kasemen",
                "kind": "air_quality",
                "agency": "dpupr",
                "latitude": KASEMEN[0],
                "longitude": KASEMEN[1],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["device"]["kelurahan"] == "36.73.02.1001"  # Kasemen
    assert {"pm25", "pm10", "no2", "airQualityIndex"} <= {
        v["name"] for v in body["device"]["variables"]
    }
    token = body["token"]
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        ok = Client().post(
            "/api/v1/sensors/readings",
            data=json.dumps(readings("aqi-kasemen", [12.0], variable="pm25")),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert ok.status_code == 200 and ok.json()["stored"] == 1
    [listed] = clients["viewer"].get("/api/v1/sensors/devices").json()
    assert listed["dateLastValueReported"] == listed["last_value_at"]
    assert listed["dateLastValueReported"].startswith("2026-11-28T02:00:00")


def test_new_token_revokes_the_old(make_device, system):
    device, old = make_device()
    new = device_token_issue(actor=system, device=device)
    active = MachineToken.objects.filter(subject_id=str(device.pk), revoked_at__isnull=True)
    assert active.count() == 1
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        body = json.dumps(readings(device.code, [1.0]))
        refused = Client().post(
            "/api/v1/sensors/readings",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {old}",
        )
        accepted = Client().post(
            "/api/v1/sensors/readings",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {new}",
        )
    assert refused.status_code == 401 and accepted.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_coordinates_rename_keeps_every_device_where_it_was(device):
    """0002 renames latitude/longitude to lat/lon: going back and forward keeps the values."""
    executor = MigrationExecutor(connection)
    executor.migrate([("sensors", "0001_initial")])
    executor.loader.build_graph()
    old = executor.loader.project_state([("sensors", "0001_initial")]).apps
    assert old.get_model("sensors", "Device").objects.values_list(
        "latitude", "longitude"
    ).get() == pytest.approx(KASEMEN)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    device.refresh_from_db()
    assert (device.lat, device.lon) == pytest.approx(KASEMEN)
