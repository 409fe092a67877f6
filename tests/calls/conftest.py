from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from kendali.core.actors import Actor

T0 = datetime.fromisoformat("2026-03-02T08:00:00+07:00")


@pytest.fixture
def bridge_token(db):
    """A machine token with the telephony and calls:read scopes: (token, plain)."""
    from kendali.core import services as core_services

    return core_services.token_create(
        actor=Actor.system("test"), name="pbx", scopes=["telephony", "calls:read"]
    )


@pytest.fixture
def pbx(db, bridge_token):
    """Send events as the PBX bridge through the service."""
    from kendali.calls import services

    actor = Actor(token=bridge_token[0], ip="127.0.0.1")

    def send(kind, call_id, at, **fields):
        return services.telephony_event(
            actor=actor, kind=kind, pbx_call_id=call_id, at=at, **fields
        )

    return send


@pytest.fixture
def t0():
    return T0


def answered_call(pbx, number, at, extension="2101"):
    from kendali.calls.models import Call

    cid = f"{number}-{at.timestamp()}"
    pbx("offered", cid, at, number=number)
    pbx("answered", cid, at + timedelta(seconds=4), extension=extension)
    return Call.objects.get(pbx_call_id=cid)


def prank_calls(pbx, actor, number, count, start, outcome="iseng", step=timedelta(minutes=30)):
    """``count`` answered calls from ``number`` classified as ``outcome``, each at its own
    moment (the clock travels with them)."""
    from kendali.calls import services

    calls = []
    for i in range(count):
        at = start + i * step
        with time_machine.travel(at + timedelta(seconds=10), tick=False):
            call = answered_call(pbx, number, at)
            calls.append(services.call_classify(actor=actor, call=call, outcome=outcome))
    return calls
