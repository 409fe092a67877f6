"""Telephony events: idempotency, out-of-order reconciliation, numbers as delivered,
the HTTP bridge endpoint and the screen-pop."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from kendali.calls.models import Call, TelephonyEvent
from kendali.core.models import AuditEntry, Event

pytestmark = pytest.mark.django_db


def test_duplicate_events_are_ignored(users, pbx, t0):
    first = pbx("offered", "c1", t0, number="081234567890")
    again = pbx("offered", "c1", t0, number="081234567890")
    assert (first.status, again.status) == ("applied", "duplicate")
    assert again.call_id == first.call_id
    assert Call.objects.count() == 1 and TelephonyEvent.objects.count() == 1
    assert TelephonyEvent.objects.get().payload["number"] == "081234567890"


def test_normal_sequence(users, pbx, t0):
    pbx("offered", "c1", t0, number="0812-3456-7890", trunk="SIP-TELKOM-1")
    pbx("answered", "c1", t0 + timedelta(seconds=7), extension="2101")
    pbx("ended", "c1", t0 + timedelta(seconds=70))
    call = Call.objects.get()
    assert call.number_e164 == "+6281234567890" and call.number_raw == "0812-3456-7890"
    assert call.trunk == "SIP-TELKOM-1"
    assert call.call_taker == users["calltaker"]
    assert call.answer_seconds == 7
    assert call.state == "ended" and not call.abandoned and call.outcome == ""


def test_ended_before_answered_is_reconciled(users, pbx, t0):
    pbx("offered", "c1", t0, number="081234567890")
    pbx("ended", "c1", t0 + timedelta(seconds=60))
    call = Call.objects.get()
    assert call.state == "ended" and call.outcome == "terputus"
    # The late "answered" fills in the time: the call was answered after all.
    pbx("answered", "c1", t0 + timedelta(seconds=9), extension="2101")
    call.refresh_from_db()
    assert call.state == "ended"
    assert call.answer_seconds == 9
    assert call.outcome == "" and not call.abandoned
    assert call.call_taker == users["calltaker"]


def test_answered_before_offered_creates_the_call_and_keeps_the_earliest_time(users, pbx, t0):
    pbx("answered", "c1", t0 + timedelta(seconds=5), extension="2101", number="081234567890")
    pbx("offered", "c1", t0, number="081234567890")
    call = Call.objects.get()
    assert call.offered_at == t0 and call.answer_seconds == 5 and call.state == "answered"


def test_abandoned_before_answer(users, pbx, t0):
    pbx("offered", "c1", t0, number="081234567890")
    pbx("abandoned", "c1", t0 + timedelta(seconds=25))
    call = Call.objects.get()
    assert call.abandoned and call.outcome == "terputus" and call.answered_at is None


@pytest.mark.parametrize(
    ("raw", "flag", "e164"),
    [
        ("anonymous", "withheld", ""),
        ("", "withheld", ""),
        ("12#??x", "invalid", ""),
        ("+62 254 200112", "", "+62254200112"),
    ],
)
def test_numbers_are_never_rejected(users, pbx, t0, raw, flag, e164):
    pbx("offered", "c1", t0, number=raw)
    call = Call.objects.get()
    assert (call.number_raw, call.number_flag, call.number_e164) == (raw, flag, e164)
    assert (call.caller is None) == (flag == "withheld")


def test_transfer_moves_the_call_to_the_other_call_taker(users, pbx, t0):
    pbx("offered", "c1", t0, number="081234567890")
    pbx("answered", "c1", t0 + timedelta(seconds=3), extension="2101")
    pbx("transferred", "c1", t0 + timedelta(seconds=30), extension="2001")
    call = Call.objects.get()
    assert call.call_taker == users["supervisor"] and call.transferred_to == "2001"
    assert call.answer_seconds == 3


def _post(client, token, body):
    return client.post(
        "/api/v1/telephony/events",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_http_batch_and_screenpop(
    users, clients, bridge_token, t0, django_capture_on_commit_callbacks
):
    _token, plain = bridge_token
    body = {
        "events": [
            {
                "kind": "offered",
                "pbx_call_id": "x1",
                "number": "081234567890",
                "at": t0.isoformat(),
            },
            {
                "kind": "offered",
                "pbx_call_id": "x1",
                "number": "081234567890",
                "at": t0.isoformat(),
            },
            {
                "kind": "answered",
                "pbx_call_id": "x1",
                "extension": "2101",
                "at": (t0 + timedelta(seconds=6)).isoformat(),
            },
        ]
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(clients["anonymous"], plain, body)
    assert response.status_code == 200, response.content
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["applied", "duplicate", "applied"]
    pop = Event.objects.filter(topic="calls.screenpop").get()
    assert pop.perm == "calls.view_caller_number"
    # Addressed to the call-taker who answered, and to nobody else.
    assert pop.user_ids == [users["calltaker"].pk]
    assert pop.data["extension"] == "2101" and pop.data["number"] == "+6281234567890"
    assert pop.data["caller"]["counts"]["all"]["total"] == 1
    assert pop.data["caller"]["blocked"] is False
    # The queue events never carry the full number.
    offered = Event.objects.get(topic="calls.call.offered")
    assert "+6281234567890" not in json.dumps(offered.data)
    # The call-taker who got the pop is recorded as having seen the number.
    assert AuditEntry.objects.filter(
        action="read:caller_number", actor=users["calltaker"], note="screen-pop"
    ).exists()


def test_screenpop_reaches_only_call_taking_roles(users):
    from kendali.core.choices import Role

    holders = {
        name
        for name, user in users.items()
        if user.has_perm("calls.view_caller_number")
        and not user.has_role(Role.AGENCY_OFFICER, Role.ASSET_MANAGER)
    }
    assert holders == {"admin", "supervisor", "calltaker"}
    # Agency officers hold the perm for their own incidents' calls but are agency-bound:
    # a screen-pop has no agency, so the stream never delivers it to them.
    from kendali.core.events.sse import _load_user_audience
    from kendali.core.events.stores import StoredEvent

    event = StoredEvent(id="1", topic="calls.screenpop", data={}, perm="calls.view_caller_number")
    for name in ("officer", "dispatcher", "viewer", "operator"):
        assert not _load_user_audience(users[name], (), True).wants(event), name
    assert _load_user_audience(users["calltaker"], (), True).wants(event)


def test_wrong_tokens_and_people_are_refused(users, clients, t0):
    from kendali.core import services as core_services
    from kendali.core.actors import Actor

    _t, other = core_services.token_create(
        actor=Actor.system("t"), name="sensor", scopes=["device"]
    )
    body = {"kind": "offered", "pbx_call_id": "x1", "at": t0.isoformat()}
    assert _post(clients["anonymous"], other, body).status_code == 403
    assert _post(clients["anonymous"], "knd_nonsense", body).status_code == 401
    assert (
        clients["calltaker"]
        .post("/api/v1/telephony/events", json.dumps(body), content_type="application/json")
        .status_code
        == 403
    )
    assert Call.objects.count() == 0


def test_named_event_services(users, bridge_token, t0):
    from kendali.calls import services
    from kendali.core.actors import Actor

    actor = Actor(token=bridge_token[0])
    services.call_offered(actor=actor, pbx_call_id="n1", at=t0, number="081234567890")
    services.call_answered(
        actor=actor, pbx_call_id="n1", at=t0 + timedelta(seconds=2), extension="2101"
    )
    services.call_transferred(
        actor=actor, pbx_call_id="n1", at=t0 + timedelta(seconds=9), extension="2001"
    )
    services.call_ended(actor=actor, pbx_call_id="n1", at=t0 + timedelta(seconds=60))
    services.call_offered(actor=actor, pbx_call_id="n2", at=t0)
    services.call_abandoned(actor=actor, pbx_call_id="n2", at=t0 + timedelta(seconds=20))
    first, second = Call.objects.get(pbx_call_id="n1"), Call.objects.get(pbx_call_id="n2")
    assert first.state == "ended" and first.call_taker == users["supervisor"]
    assert second.outcome == "terputus" and second.number_flag == "withheld"


@pytest.fixture
def second_taker(users):
    """Another call-taker on shift (extension 2102)."""
    from django.contrib.auth.models import Group

    from kendali.core.choices import Role
    from kendali.core.models import User

    user = User.objects.create(username="calltaker2", full_name="Calltaker Dua", extension="2102")
    user.groups.add(Group.objects.get(name=Role.CALL_TAKER))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def test_screenpop_goes_only_to_the_answering_call_taker(
    users, second_taker, pbx, t0, django_capture_on_commit_callbacks
):
    from kendali.core.events.sse import _load_user_audience
    from kendali.core.events.stores import _from_row

    with django_capture_on_commit_callbacks(execute=True):
        pbx("offered", "c1", t0, number="081234567890")
        pbx("answered", "c1", t0 + timedelta(seconds=4), extension="2101")
    pop = _from_row(Event.objects.get(topic="calls.screenpop"))
    audience = {
        name: _load_user_audience(user, (), True)
        for name, user in {**users, "calltaker2": second_taker}.items()
    }
    receivers = {name for name, a in audience.items() if a is not None and a.wants(pop)}
    assert receivers == {"calltaker"}
    # Everyone else follows the call through the queue events, which carry no number.
    for row in Event.objects.exclude(topic="calls.screenpop"):
        assert "+6281234567890" not in json.dumps(row.data), row.topic
        assert "081234567890" not in json.dumps(row.data), row.topic
    reads = AuditEntry.objects.filter(action="read:caller_number", note="screen-pop")
    assert [r.actor_id for r in reads] == [users["calltaker"].pk]


def test_unknown_extension_pushes_no_number_and_nothing_unaudited(
    users, pbx, t0, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pbx("offered", "c1", t0, number="081234567890")
        pbx("answered", "c1", t0 + timedelta(seconds=4), extension="2999")
    call = Call.objects.get()
    assert call.state == "answered" and call.call_taker is None
    assert not Event.objects.filter(topic="calls.screenpop").exists()
    assert "+6281234567890" not in json.dumps(list(Event.objects.values_list("data", flat=True)))
    assert not AuditEntry.objects.filter(action="read:caller_number").exists()


def test_queue_shows_the_number_only_to_the_call_taker_who_answered(
    users, clients, second_taker, pbx
):
    from django.utils import timezone

    from tests.conftest import login_client

    now = timezone.now()
    pbx("offered", "mine", now - timedelta(seconds=30), number="081234567890")
    pbx("answered", "mine", now - timedelta(seconds=25), extension="2101")
    pbx("offered", "ringing", now - timedelta(seconds=5), number="085711223344")
    own = {c["id"]: c["number"] for c in clients["calltaker"].get("/api/v1/calls/queue").json()}
    other = {
        c["id"]: c["number"] for c in login_client(second_taker).get("/api/v1/calls/queue").json()
    }
    mine, ringing = Call.objects.get(pbx_call_id="mine"), Call.objects.get(pbx_call_id="ringing")
    assert own[mine.pk] == "+6281234567890"
    assert own[ringing.pk] != "+6285711223344" and "•" in own[ringing.pk]
    assert other[mine.pk] != "+6281234567890" and "•" in other[mine.pk]
    assert "•" in other[ringing.pk]
    # The one full number shown is audited, for the one who saw it.
    reads = AuditEntry.objects.filter(action="read:caller_number", note__startswith="antrean")
    assert [(r.actor_id, r.object_id) for r in reads] == [(users["calltaker"].pk, str(mine.pk))]


@pytest.mark.django_db(transaction=True)
def test_other_call_takers_stream_never_carries_the_number(users, second_taker, settings):
    """Over real SSE: the answering call-taker's stream gets the screen-pop with the
    number; a second call-taker's stream gets the call masked, and no screen-pop."""
    import asyncio

    from asgiref.sync import sync_to_async
    from django.test import AsyncClient

    from kendali.calls import services
    from kendali.core.actors import Actor
    from kendali.core.events import publish_now
    from kendali.core.events.stores import reset_store
    from tests.conftest import login_client
    from tests.core.test_events import SSEReader

    settings.REDIS_URL = None
    reset_store()

    def pbx_events():
        actor = Actor.system("pbx-uji")
        services.telephony_event(
            actor=actor, kind="offered", pbx_call_id="s1", number="081234567890"
        )
        services.telephony_event(actor=actor, kind="answered", pbx_call_id="s1", extension="2101")
        publish_now("calls.uji.selesai", {})  # sentinel: everything before it was delivered

    async def read_until_sentinel(reader):
        seen = []
        while not seen or seen[-1]["topic"] != "calls.uji.selesai":
            seen.extend(await reader.events(1))
        return seen

    async def scenario():
        readers = {}
        for name, user in (("calltaker", users["calltaker"]), ("calltaker2", second_taker)):
            client = AsyncClient()
            client.cookies = (await sync_to_async(login_client)(user)).cookies
            readers[name] = SSEReader(await client.get("/api/v1/events/stream?topics=calls."))
            await readers[name].until_ready()
        await sync_to_async(pbx_events)()
        return {name: await read_until_sentinel(r) for name, r in readers.items()}

    try:
        seen = asyncio.run(scenario())
    finally:
        reset_store()
    own, other = seen["calltaker"], seen["calltaker2"]
    assert [e["topic"] for e in own] == [
        "calls.call.offered",
        "calls.call.answered",
        "calls.screenpop",
        "calls.uji.selesai",
    ]
    assert own[2]["data"]["number"] == "+6281234567890"
    assert [e["topic"] for e in other] == [
        "calls.call.offered",
        "calls.call.answered",
        "calls.uji.selesai",
    ]
    assert "6281234567890" not in json.dumps(other)
    assert "081234567890" not in json.dumps(other)
    assert other[1]["data"]["number_masked"].startswith("+6281")
