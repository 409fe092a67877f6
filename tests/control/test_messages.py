"""Wall messages: posted by supervisors and dispatchers, shown until they expire,
published to every wall."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kendali.control.services import wall_message_post
from kendali.core.errors import Invalid, NotAllowed
from kendali.core.models import AuditEntry, Event

pytestmark = pytest.mark.django_db(transaction=True)


def test_post_publishes_audits_and_shows(clients):
    response = clients["dispatcher"].post(
        "/api/v1/control/messages",
        {"text": "Banjir Kasemen: tutup Jl. Raya", "level": "warn", "minutes": 30},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["by"] == "dispatcher"
    event = Event.objects.get(topic="control.message.posted")
    assert event.data["text"] == "Banjir Kasemen: tutup Jl. Raya"
    assert event.perm == "control.view_control"
    assert AuditEntry.objects.filter(action="control.message.post").exists()
    shown = clients["viewer"].get("/api/v1/control/messages").json()
    assert [m["text"] for m in shown] == ["Banjir Kasemen: tutup Jl. Raya"]
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert clients["viewer"].get("/api/v1/control/messages").json() == []


def test_viewer_cannot_post(actor_of):
    with pytest.raises(NotAllowed):
        wall_message_post(actor=actor_of("viewer"), text="x")


@pytest.mark.parametrize(
    "text,minutes", [("", 10), ("   ", 10), ("x" * 201, 10), ("ok", 0), ("ok", 1441)]
)
def test_invalid_messages(actor_of, text, minutes):
    with pytest.raises(Invalid):
        wall_message_post(actor=actor_of("supervisor"), text=text, minutes=minutes)
    assert not Event.objects.filter(topic="control.message.posted").exists()


def test_api_rejects_bad_level(clients):
    response = clients["supervisor"].post(
        "/api/v1/control/messages", {"text": "x", "level": "panik"}, content_type="application/json"
    )
    assert response.status_code == 422


def test_event_reaches_only_control_roles():
    from kendali.core.events.sse import Audience
    from kendali.core.events.stores import StoredEvent

    event = StoredEvent(
        id="1",
        topic="control.message.posted",
        data={},
        perm="control.view_control",
        agency_ids=("*",),
    )
    viewer = Audience(
        perms=frozenset({"control.view_control"}),
        superuser=False,
        agency_id=None,
        agency_scoped=False,
        topics=(),
    )
    calltaker = Audience(
        perms=frozenset(), superuser=False, agency_id=None, agency_scoped=False, topics=()
    )
    assert viewer.wants(event) and not calltaker.wants(event)
