"""Reads of the calls module, scoped to what the actor may see."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.calls.choices import GENUINE_OUTCOMES, CallState, Outcome
from kendali.calls.models import BlockPolicy, Call, Caller
from kendali.core.actors import Actor
from kendali.core.formatting import Percent
from kendali.core.scope import scope_queryset


def calls_visible(*, actor: Actor) -> QuerySet[Call]:
    """Calls the actor may see. Agency officers: only calls linked to an incident of
    their agency."""
    qs = Call.objects.select_related("call_taker", "caller")
    if not (
        actor.has_scope("telephony")
        or actor.has_scope("calls:read")
        or actor.has_perm("calls.view_call")
    ):
        return qs.none()
    # A token bound to an agency sees that agency's calls like an officer (core.scope).
    return scope_queryset(qs, actor, "incident__agencies")


def may_see_number(*, actor: Actor, call: Call | None = None) -> bool:
    """Caller numbers: holders of view_caller_number; agency officers only on calls of
    their agency's incidents (calls_visible already scopes those)."""
    if actor.is_system:
        return True
    return actor.has_perm("calls.view_caller_number")


def may_see_number_in_queue(*, actor: Actor, call: Call) -> bool:
    """The live queue is on every console: a full number appears there only for the
    call-taker who took the call (the one the screen-pop was addressed to). Others see
    it masked and open the call (an audited read) when they must."""
    return (
        actor.user is not None
        and call.call_taker_id == actor.user.pk
        and may_see_number(actor=actor, call=call)
    )


def counts_for(caller: Caller, now: datetime | None = None) -> dict:
    """Counts by outcome over 24 h, 30 days and all time: one aggregate query on the
    (caller, offered_at) index."""
    now = now or timezone.now()
    day, month = now - timedelta(hours=24), now - timedelta(days=30)
    aggregates = {}
    for outcome in [*Outcome.values, ""]:
        key = outcome or "belum"
        match = Q(outcome=outcome)
        aggregates[f"d_{key}"] = Count("pk", filter=match & Q(offered_at__gte=day))
        aggregates[f"m_{key}"] = Count("pk", filter=match & Q(offered_at__gte=month))
        aggregates[f"a_{key}"] = Count("pk", filter=match)
    row = Call.objects.filter(caller=caller).aggregate(**aggregates)
    result = {}
    for window, prefix in (("24h", "d_"), ("30d", "m_"), ("all", "a_")):
        per = {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}
        per["total"] = sum(per.values())
        result[window] = per
    return result


def caller_summary(caller: Caller, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    counts = counts_for(caller, now)
    last = list(
        Call.objects.filter(caller=caller)
        .order_by("-offered_at")
        .values("id", "offered_at", "outcome")[:5]
    )
    labels = dict(Outcome.choices)
    return {
        "id": caller.pk,
        "number": caller.number,
        "is_valid": caller.is_valid,
        "blocked": caller.is_blocked(now),
        "blocked_until": caller.blocked_until.isoformat() if caller.blocked_until else None,
        "permanent_block_requested": caller.permanent_block_requested,
        "block_reason": caller.block_reason,
        "counts": counts,
        "last_calls": [
            {
                "id": c["id"],
                "offered_at": c["offered_at"].isoformat(),
                "outcome": c["outcome"],
                "outcome_label": str(labels.get(c["outcome"], "")),
            }
            for c in last
        ],
    }


def callers_blocked(*, actor: Actor, now: datetime | None = None) -> QuerySet[Caller]:
    now = now or timezone.now()
    if not (actor.has_perm("calls.manage_blocking") or actor.has_scope("calls:read")):
        return Caller.objects.none()
    return Caller.objects.filter(
        Q(blocked_until__gt=now) | Q(permanent_block_requested=True)
    ).order_by("-permanent_block_requested", "-blocked_at")


def calls_queue(*, actor: Actor, now: datetime | None = None) -> QuerySet[Call]:
    """The live queue: ringing and answered calls, plus the last hour's unclassified ones."""
    now = now or timezone.now()
    return (
        calls_visible(actor=actor)
        .filter(
            Q(state__in=[CallState.RINGING, CallState.ANSWERED])
            | Q(outcome="", offered_at__gte=now - timedelta(hours=1))
        )
        .filter(offered_at__gte=now - timedelta(hours=12))
        .order_by("offered_at")[:100]
    )


def shift_start(now: datetime | None = None) -> datetime:
    """Three shifts of eight hours in WIB: 07-15, 15-23, 23-07."""
    local = timezone.localtime(now or timezone.now())
    for hour in (23, 15, 7):
        start = local.replace(hour=hour, minute=0, second=0, microsecond=0)
        if local >= start:
            return start
    return (local - timedelta(days=1)).replace(hour=23, minute=0, second=0, microsecond=0)


def shift_counters(*, actor: Actor, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    start = shift_start(now)
    rows = (
        Call.objects.filter(call_taker=actor.user, offered_at__gte=start)
        .values("outcome")
        .annotate(n=Count("pk"))
    )
    per = {r["outcome"] or "belum": r["n"] for r in rows}
    return {"since": start.isoformat(), "total": sum(per.values()), "by_outcome": per}


def calls_today_tile(*, actor: Actor) -> dict:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    row = Call.objects.filter(offered_at__gte=start).aggregate(
        total=Count("pk"),
        genuine=Count("pk", filter=Q(outcome__in=list(GENUINE_OUTCOMES))),
        classified=Count("pk", filter=~Q(outcome="")),
    )
    share = (row["genuine"] / row["classified"] * 100) if row["classified"] else 0.0
    return {
        "value": row["total"],
        "unit": _("panggilan"),
        "detail": _("%(g)d asli (%(s)s)") % {"g": row["genuine"], "s": Percent(share)},
        "level": "ok",
    }


def policy() -> BlockPolicy:
    return BlockPolicy.current()
