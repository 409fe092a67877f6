"""Cameras: devices with no readings, alive by their heartbeat, offline when it stops."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from kendali.core.errors import Invalid, NotFound
from kendali.sensors.choices import DeviceStatus
from kendali.sensors.services import device_heartbeat, offline_check
from tests.sensors.conftest import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def camera(make_device):
    with time_machine.travel(T0, tick=False):
        return make_device(code="cam-alunalun-01", kind="camera", agency="diskominfo")


def _beat(code: str, token: str):
    return Client().post(
        f"/api/v1/sensors/devices/{code}/heartbeat", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_camera_has_no_variables_and_its_heartbeat_keeps_it_online(camera):
    device, token = camera
    assert not device.variables.exists()
    at = T0 + timedelta(minutes=2)
    with time_machine.travel(at, tick=False):
        assert _beat(device.code, token).status_code == 204
    device.refresh_from_db()
    assert device.status == DeviceStatus.ONLINE and device.last_value_at == at
    # Silent for twice its heartbeat (300 s): offline; the next heartbeat brings it back.
    assert offline_check(now=at + timedelta(seconds=599)) == 0
    assert offline_check(now=at + timedelta(seconds=601)) == 1
    device.refresh_from_db()
    assert device.status == DeviceStatus.OFFLINE
    back = at + timedelta(minutes=11)
    with time_machine.travel(back, tick=False):
        assert _beat(device.code, token).status_code == 204
    device.refresh_from_db()
    assert device.status == DeviceStatus.ONLINE and device.last_value_at == back


def test_a_device_token_beats_only_for_its_own_device(camera, make_device):
    device, _token = camera
    _other, other_token = make_device(code="cam-pasarrau-01", kind="camera", agency="diskominfo")
    response = _beat(device.code, other_token)
    assert response.status_code == 403
    device.refresh_from_db()
    assert device.last_value_at is None


def test_heartbeat_refused_for_a_measuring_device_and_an_unknown_one(device, system):
    with pytest.raises(Invalid, match="bacaannya"):
        device_heartbeat(actor=system, code=device.code)
    with pytest.raises(NotFound):
        device_heartbeat(actor=system, code="tidak-ada")
    device.refresh_from_db()
    assert device.last_value_at is None


def test_a_person_with_the_ingest_permission_may_beat_for_a_camera(camera, clients):
    device, _token = camera
    # A probe run under an operator's account (ping/ONVIF check) instead of a device token.
    assert (
        clients["operator"].post(f"/api/v1/sensors/devices/{device.code}/heartbeat").status_code
        == 204
    )
    assert (
        clients["viewer"].post(f"/api/v1/sensors/devices/{device.code}/heartbeat").status_code
        == 403
    )
    device.refresh_from_db()
    assert device.status == DeviceStatus.ONLINE


def test_camera_live_state_on_its_asset(camera):
    from kendali.core.registry import run_selector

    device, token = camera
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        _beat(device.code, token)
    ref = f"sensors.device:{device.pk}"
    state = run_selector("kendali.sensors.asset_sources.states", refs=[ref])[ref]
    assert state["online"] is True and state["summary"].startswith("Kamera cam-alunalun-01")
    assert state["last_seen"] == T0 + timedelta(minutes=1)
