"""The blocking policy: Serang's "more than 5 pranks -> 24 h block, more than 10 ->
permanent block requested", its expiry, and that a block never loses a call."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from kendali.calls import services
from kendali.calls.models import BlockPolicy, Call, Caller
from kendali.core.errors import Invalid, NotAllowed
from kendali.core.models import AuditEntry
from tests.calls.conftest import answered_call, prank_calls

NUMBER = "081298765001"
E164 = "+6281298765001"

pytestmark = pytest.mark.django_db


def caller():
    return Caller.objects.get(number=E164)


def test_five_pranks_do_not_block_the_sixth_does(users, actor_of, pbx, t0):
    prank_calls(pbx, actor_of("calltaker"), NUMBER, 5, t0)
    assert not caller().is_blocked(t0 + timedelta(hours=3))
    prank_calls(pbx, actor_of("calltaker"), NUMBER, 1, t0 + timedelta(hours=3))
    c = caller()
    assert c.is_blocked(t0 + timedelta(hours=3, minutes=1))
    assert c.blocked_until == t0 + timedelta(hours=3, seconds=10) + timedelta(hours=24)
    assert "6 panggilan iseng" in c.block_reason
    assert not c.permanent_block_requested
    assert AuditEntry.objects.filter(action="caller.block", object_id=str(c.pk)).exists()


def test_block_expires_after_24_hours(users, actor_of, pbx, t0):
    prank_calls(pbx, actor_of("calltaker"), NUMBER, 6, t0)
    blocked_at = t0 + timedelta(hours=2, minutes=30, seconds=10)
    with time_machine.travel(blocked_at + timedelta(hours=23, minutes=59), tick=False):
        assert caller().is_blocked()
    with time_machine.travel(blocked_at + timedelta(hours=24, seconds=1), tick=False):
        assert not caller().is_blocked()
        # The next call after expiry is no longer flagged as blocked.
        call = answered_call(pbx, NUMBER, blocked_at + timedelta(hours=24))
        assert not call.caller_was_blocked


def test_more_than_ten_requests_a_permanent_block(users, actor_of, pbx, t0):
    prank_calls(pbx, actor_of("calltaker"), NUMBER, 10, t0, step=timedelta(hours=6))
    assert not caller().permanent_block_requested
    prank_calls(pbx, actor_of("calltaker"), NUMBER, 1, t0 + timedelta(days=3))
    c = caller()
    assert c.permanent_block_requested
    assert c.is_blocked(t0 + timedelta(days=20))


def test_ghost_counts_only_when_the_policy_says_so(users, actor_of, pbx, t0):
    prank_calls(pbx, actor_of("calltaker"), NUMBER, 6, t0, outcome="ghost")
    assert not caller().is_blocked(t0 + timedelta(hours=4))
    services.policy_update(actor=actor_of("supervisor"), count_ghost=True)
    prank_calls(pbx, actor_of("calltaker"), NUMBER, 1, t0 + timedelta(hours=3), outcome="ghost")
    assert caller().is_blocked(t0 + timedelta(hours=4))


def test_block_is_advisory_an_emergency_from_a_blocked_number_is_kept(
    users, actor_of, pbx, t0, regions_loaded
):
    prank_calls(pbx, actor_of("calltaker"), NUMBER, 6, t0)
    at = t0 + timedelta(hours=4)
    with time_machine.travel(at + timedelta(seconds=20), tick=False):
        call = answered_call(pbx, NUMBER, at)
        # Recorded, flagged, answered, and escalated to an incident like any other call.
        assert call.caller_was_blocked
        assert call.answered_at is not None and call.call_taker == users["calltaker"]
        incident = services.call_open_incident(
            actor=actor_of("calltaker"),
            call=call,
            type_code="kebakaran",
            lat=-6.1185,
            lon=106.1525,
            description="Rumah terbakar",
        )
    call.refresh_from_db()
    assert call.incident_id == incident.pk and call.outcome == "darurat"
    assert incident.reporter_phone == E164
    entry = incident.timeline.get(kind="call")
    # The answer time travels on the timeline: dispatch starts the processing timer there.
    assert entry.data["answered_at"] == call.answered_at.isoformat()


def test_unblock_needs_a_supervisor_and_a_reason(users, actor_of, pbx, t0):
    prank_calls(pbx, actor_of("calltaker"), NUMBER, 6, t0)
    with pytest.raises(NotAllowed):
        services.caller_unblock(actor=actor_of("calltaker"), caller=caller(), reason="salah")
    with pytest.raises(Invalid):
        services.caller_unblock(actor=actor_of("supervisor"), caller=caller(), reason=" ")
    services.caller_unblock(
        actor=actor_of("supervisor"), caller=caller(), reason="Warga mengonfirmasi HP dipinjam"
    )
    assert not caller().is_blocked(t0 + timedelta(hours=4))
    entry = AuditEntry.objects.get(action="caller.unblock")
    assert entry.actor == users["supervisor"] and "dipinjam" in entry.note


def test_policy_update_is_supervisor_only_and_validated(users, actor_of):
    with pytest.raises(NotAllowed):
        services.policy_update(actor=actor_of("calltaker"), block_threshold=3)
    with pytest.raises(Invalid):
        services.policy_update(actor=actor_of("supervisor"), block_threshold=0)
    with pytest.raises(Invalid):
        services.policy_update(actor=actor_of("supervisor"), block_threshold=20)
    services.policy_update(actor=actor_of("supervisor"), block_threshold=3, block_hours=12)
    policy = BlockPolicy.current()
    assert (policy.block_threshold, policy.block_hours) == (3, 12)
    assert AuditEntry.objects.filter(action="calls.policy.update").exists()


def test_inactive_policy_blocks_nobody(users, actor_of, pbx, t0):
    services.policy_update(actor=actor_of("supervisor"), is_active=False)
    prank_calls(pbx, actor_of("calltaker"), NUMBER, 8, t0)
    assert not caller().is_blocked(t0 + timedelta(hours=5))
    assert Call.objects.filter(caller__number=E164).count() == 8
