"""Demo data: a day of past 112 calls with repeat pranksters (one blocked by the policy),
ghosts, wrong numbers, a few information calls and a rare emergency. Through services."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from kendali.calls import services
from kendali.calls.models import Call
from kendali.core.actors import Actor
from kendali.core.models import User

PRANKSTERS = ["081298765001", "085711223344", "089612340000"]


def seed(*, actor: Actor) -> None:
    if Call.objects.exists():
        return
    rng = random.Random(112)
    takers = list(User.objects.filter(groups__name="call_taker_112", extension__gt="")) or [None]
    now = timezone.now()
    start = now - timedelta(hours=24)
    plan = []
    # The repeat prankster of the demo: 7 prank calls in the last day -> blocked 24 h.
    for i in range(7):
        plan.append(
            (start + timedelta(hours=2 + i * 2, minutes=rng.randint(0, 50)), PRANKSTERS[0], "iseng")
        )
    for i in range(4):
        plan.append(
            (start + timedelta(hours=3 + i * 4, minutes=rng.randint(0, 50)), PRANKSTERS[1], "iseng")
        )
    for i in range(3):
        plan.append((start + timedelta(hours=5 + i * 5), PRANKSTERS[2], "ghost"))
    outcomes = (
        ["iseng"] * 40
        + ["ghost"] * 25
        + ["salah_sambung"] * 10
        + ["informasi"] * 8
        + ["uji"] * 2
        + ["terputus"] * 15
    )
    for _i in range(86):
        at = start + timedelta(minutes=rng.randint(0, 24 * 60 - 30))
        number = rng.choice(["08", "+628", "628"]) + "".join(
            rng.choice("0123456789") for _ in range(10)
        )
        if rng.random() < 0.05:
            number = "anonymous"
        plan.append((at, number, rng.choice(outcomes)))
    plan.sort()
    for n, (at, number, outcome) in enumerate(plan, start=1):
        taker = rng.choice(takers)
        call_id = f"demo-{at:%Y%m%d}-{n:04d}"
        services.telephony_event(
            actor=actor,
            kind="offered",
            pbx_call_id=call_id,
            at=at,
            number=number,
            trunk="SIP-TELKOM-1",
        )
        if outcome == "terputus":
            services.telephony_event(
                actor=actor,
                kind="abandoned",
                pbx_call_id=call_id,
                at=at + timedelta(seconds=rng.randint(5, 40)),
            )
            continue
        answered = at + timedelta(seconds=rng.choice([3, 5, 6, 8, 9, 11, 12, 14, 18, 25]))
        services.telephony_event(
            actor=actor,
            kind="answered",
            pbx_call_id=call_id,
            at=answered,
            extension=taker.extension if taker else "",
        )
        services.telephony_event(
            actor=actor,
            kind="ended",
            pbx_call_id=call_id,
            at=answered + timedelta(seconds=rng.randint(10, 120)),
        )
        call = Call.objects.get(pbx_call_id=call_id)
        classifier = Actor(user=taker) if taker else actor
        services.call_classify(actor=classifier, call=call, outcome=outcome)
    # The rare genuine one: a fire reported by phone, turned into an incident.
    at = now - timedelta(hours=3)
    taker = takers[0]
    services.telephony_event(
        actor=actor, kind="offered", pbx_call_id="demo-darurat-1", at=at, number="081380001112"
    )
    services.telephony_event(
        actor=actor,
        kind="answered",
        pbx_call_id="demo-darurat-1",
        at=at + timedelta(seconds=6),
        extension=taker.extension if taker else "",
    )
    services.call_open_incident(
        actor=Actor(user=taker) if taker else actor,
        call=Call.objects.get(pbx_call_id="demo-darurat-1"),
        type_code="kebakaran",
        lat=-6.1201,
        lon=106.1502,
        address="Jl. Ahmad Yani, depan pertokoan",
        description="Asap tebal dari rumah warga, penghuni sudah keluar.",
    )
    services.telephony_event(
        actor=actor, kind="ended", pbx_call_id="demo-darurat-1", at=at + timedelta(seconds=95)
    )
