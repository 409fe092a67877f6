"""The video wall stays logged in for weeks (rolling session of the viewer-only account);
every other account keeps the shift-long session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

SHIFT = 12 * 3600


def _age(client) -> float:
    return client.session.get_expiry_age()


def test_wall_account_session_is_long_and_rolling(clients, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    wall = clients["viewer"]
    assert _age(wall) <= SHIFT  # as logged in: one shift
    assert wall.get("/ruang-kendali/dinding/").status_code == 200
    assert _age(wall) == pytest.approx(30 * 86400, abs=5)

    # Two days later (long past a shift) the wall still gets its data …
    time_machine.move_to(start + timedelta(days=2), tick=False)
    assert wall.get("/api/v1/control/tiles").status_code == 200
    # … and a wall left running for two months never falls out: each request in the
    # second half of the lifetime renews it.
    for day in range(10, 61, 10):
        time_machine.move_to(start + timedelta(days=day), tick=False)
        response = wall.get("/api/v1/control/tiles/jobs")
        assert response.status_code == 200, day
    assert _age(wall) > 14 * 86400


def test_renewal_writes_the_session_only_when_half_is_used(clients, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    wall = clients["viewer"]
    wall.get("/api/v1/control/tiles")
    expiry = wall.session.get_expiry_date()
    time_machine.move_to(start + timedelta(days=3), tick=False)
    response = wall.get("/api/v1/control/tiles")
    assert "sessionid" not in response.cookies  # not renewed: no session write
    assert wall.session.get_expiry_date() == expiry


@pytest.mark.parametrize("role", ["dispatcher", "supervisor", "admin", "operator"])
def test_other_roles_keep_the_shift_session(clients, time_machine, role):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    client = clients[role]
    assert client.get("/ruang-kendali/dinding/").status_code == 200
    assert client.get("/api/v1/control/tiles").status_code == 200
    assert _age(client) <= SHIFT
    time_machine.move_to(start + timedelta(hours=13), tick=False)
    assert client.get("/api/v1/control/tiles").status_code == 401


@override_settings(WALL_SESSION_DAYS=3)
def test_wall_session_length_is_configurable(clients, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    wall = clients["viewer"]
    wall.get("/api/v1/control/tiles")
    assert _age(wall) == pytest.approx(3 * 86400, abs=5)
    time_machine.move_to(start + timedelta(days=4), tick=False)
    assert wall.get("/api/v1/control/tiles").status_code == 401


def test_wall_shows_session_ended_state(client):
    page = client.get("/ruang-kendali/dinding/", follow=True)
    assert page.status_code == 200  # the login page
    from django.contrib.staticfiles import finders

    script = open(finders.find("kendali/kendali.js"), encoding="utf-8").read()
    assert "SESI BERAKHIR — masuk lagi" in script and "/api/v1/me" in script
