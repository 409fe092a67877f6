"""Wall screens: registered by name, reporting that their page is up at most once a minute
per screen, and shown as live ICT assets (online/offline, last seen) through the registry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from kendali.control import services
from kendali.control.models import WallDisplay
from kendali.core.actors import Actor
from kendali.core.errors import NotFound
from kendali.core.models import AuditEntry
from kendali.core.registry import run_selector

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 7, 15, 3, 0, tzinfo=UTC)
STATES = "kendali.control.asset_sources.states"


@pytest.fixture(autouse=True)
def _fresh_memory():
    # The time each screen was last written is kept per process; every test starts clean.
    services._seen_written.clear()
    yield
    services._seen_written.clear()


@pytest.fixture
def screen(db):
    return services.wall_display_register(
        actor=Actor.system("test"), code="dinding-kiri", name="Layar dinding kiri"
    )


def test_register_through_the_api_is_audited(clients, users):
    response = clients["supervisor"].post(
        "/api/v1/control/displays",
        {"code": "dinding-1", "name": "Layar dinding 1"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "code": "dinding-1",
        "name": "Layar dinding 1",
        "last_seen": None,
        "online": None,
    }
    entry = AuditEntry.objects.get(action="control.display.register")
    assert entry.actor_label == users["supervisor"].username
    assert clients["viewer"].get("/api/v1/control/displays").json()[0]["code"] == "dinding-1"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"code": "Dinding 1", "name": "x"}, 422, "code"),
        ({"code": "-dinding", "name": "x"}, 422, "code"),
        ({"code": "dinding-2", "name": "  "}, 422, "name"),
    ],
)
def test_register_refuses_bad_input(clients, body, status, field):
    response = clients["admin"].post(
        "/api/v1/control/displays", body, content_type="application/json"
    )
    assert response.status_code == status
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not WallDisplay.objects.exists()


def test_register_twice_is_a_conflict_and_viewers_may_not(clients, screen):
    response = clients["admin"].post(
        "/api/v1/control/displays",
        {"code": "dinding-kiri", "name": "Lagi"},
        content_type="application/json",
    )
    assert response.status_code == 409 and "sudah terdaftar" in response.json()["detail"]
    response = clients["viewer"].post(
        "/api/v1/control/displays", {"code": "x1", "name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_seen_writes_at_most_once_a_minute(clients, screen):
    url = "/api/v1/control/displays/dinding-kiri/seen"
    with time_machine.travel(T0, tick=False):
        assert clients["viewer"].post(url).status_code == 204
    screen.refresh_from_db()
    assert screen.last_seen_at == T0
    with time_machine.travel(T0 + timedelta(seconds=40), tick=False):
        assert clients["viewer"].post(url).status_code == 204
    screen.refresh_from_db()
    assert screen.last_seen_at == T0  # not written again within the minute
    with time_machine.travel(T0 + timedelta(seconds=61), tick=False):
        assert clients["viewer"].post(url).status_code == 204
    screen.refresh_from_db()
    assert screen.last_seen_at == T0 + timedelta(seconds=61)


def test_another_process_does_not_write_within_the_minute(screen):
    actor = Actor.system("test")
    assert services.wall_display_seen(actor=actor, code="dinding-kiri", now=T0) is True
    services._seen_written.clear()  # a second process: its own memory is empty
    later = T0 + timedelta(seconds=30)
    assert services.wall_display_seen(actor=actor, code="dinding-kiri", now=later) is False
    screen.refresh_from_db()
    assert screen.last_seen_at == T0


def test_unknown_screen_is_404_and_outsiders_may_not_report(clients, screen):
    response = clients["viewer"].post("/api/v1/control/displays/tidak-ada/seen")
    assert response.status_code == 404 and "belum terdaftar" in response.json()["detail"]
    assert (
        clients["calltaker"].post("/api/v1/control/displays/dinding-kiri/seen").status_code == 403
    )
    screen.refresh_from_db()
    assert screen.last_seen_at is None
    with pytest.raises(NotFound):
        services.wall_display_seen(actor=Actor.system("t"), code="tidak-ada")


def test_live_state_online_then_offline_after_the_window(screen, settings):
    settings.WALL_OFFLINE_MINUTES = 5
    ref = f"control.display:{screen.pk}"
    with time_machine.travel(T0, tick=False):
        assert run_selector(STATES, refs=[ref])[ref]["online"] is None
        services.wall_display_seen(actor=Actor.system("t"), code=screen.code)
    with time_machine.travel(T0 + timedelta(minutes=4), tick=False):
        state = run_selector(STATES, refs=[ref])[ref]
        assert state["online"] is True and state["last_seen"] == T0
        assert "dinding-kiri" in state["summary"]
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        state = run_selector(STATES, refs=[ref])[ref]
        assert state["online"] is False and "5 menit" in state["summary"]
    devices = list(run_selector("kendali.control.asset_sources.devices", actor=Actor.system("t")))
    assert devices == [
        {
            "ref": ref,
            "name": "Layar dinding kiri",
            "kind": "wall_display",
            "serial": "dinding-kiri",
            "agency_id": None,
            "lat": None,
            "lon": None,
        }
    ]


def test_command_registers_a_screen(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("control_display", "dinding-tengah", "Layar tengah", stdout=out)
    assert "?layar=dinding-tengah" in out.getvalue()
    assert AuditEntry.objects.filter(action="control.display.register").count() == 1
