"""Every write of the 112 calls module: telephony events, classification, incidents from
calls, the blocking policy. Keyword-only, authorized, audited, atomic, events on commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.calls.choices import CallSource, CallState, EventKind, NumberFlag, Outcome
from kendali.calls.models import BlockPolicy, Call, Caller, RetentionSetting, TelephonyEvent
from kendali.calls.numbers import mask, normalize
from kendali.calls.selectors import caller_summary, calls_visible
from kendali.core.actors import Actor
from kendali.core.audit import audit_personal_read, audit_record, diff, snapshot
from kendali.core.edge import MAX_YEAR, MIN_YEAR, escape_controls, has_controls
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.models import User
from kendali.incidents import selectors as incident_selectors
from kendali.incidents import services as incident_services

CALL_FIELDS = (
    "state",
    "answered_at",
    "ended_at",
    "call_taker",
    "outcome",
    "notes",
    "transferred_to",
    "incident",
)
POLICY_FIELDS = (
    "is_active",
    "block_threshold",
    "block_window_hours",
    "block_hours",
    "permanent_threshold",
    "permanent_window_days",
    "count_ghost",
)
SCREENPOP_PERM = "calls.view_caller_number"
PBX_CALL_ID_MAX = 100  # Call.pbx_call_id and TelephonyEvent.pbx_call_id

# Ending a call that is not one's own (a supervisor closing a call left open).
END_ANY_PERM = "calls.change_call"


def call_event_data(call: Call) -> dict:
    """Data for calls.call.* events: no full number (only the screen-pop carries it,
    addressed to the answering call-taker)."""
    return {
        "id": call.pk,
        "state": call.state,
        "number_masked": mask(call.number_e164 or call.number_raw),
        "number_flag": call.number_flag,
        "trunk": call.trunk,
        "source": call.source,
        "offered_at": call.offered_at.isoformat(),
        "answered_at": call.answered_at.isoformat() if call.answered_at else None,
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
        "extension": call.extension,
        "call_taker": call.call_taker.display_name if call.call_taker_id else "",
        "call_taker_id": call.call_taker_id,
        "outcome": call.outcome,
        "outcome_label": call.get_outcome_display() if call.outcome else "",
        "caller_blocked": call.caller_was_blocked,
        "incident_id": call.incident_id,
    }


def _publish_call(call: Call, verb: str) -> None:
    # Officers bound to an agency never receive call events (agency_ids empty).
    publish(f"calls.call.{verb}", call_event_data(call), perm="calls.view_call")


# ---------------------------------------------------------------- callers and policy


def _caller_for(number_key: str, *, valid: bool, at: datetime) -> Caller:
    # Race: two first calls from one number at once; the unique number plus
    # get_or_create (which retries the read on IntegrityError) keeps one profile.
    caller, _created = Caller.objects.get_or_create(
        number=number_key, defaults={"is_valid": valid, "first_call_at": at, "last_call_at": at}
    )
    if caller.last_call_at is None or caller.last_call_at < at:
        Caller.objects.filter(pk=caller.pk).update(last_call_at=at)
        caller.last_call_at = at
    return caller


def prank_counts(*, caller: Caller, policy: BlockPolicy, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    prank = Q(outcome__in=policy.prank_outcomes)
    return Call.objects.filter(caller=caller).aggregate(
        window=Count(
            "pk", filter=prank & Q(offered_at__gte=now - timedelta(hours=policy.block_window_hours))
        ),
        long_window=Count(
            "pk",
            filter=prank & Q(offered_at__gte=now - timedelta(days=policy.permanent_window_days)),
        ),
    )


@transaction.atomic
def caller_block_apply(*, actor: Actor, caller: Caller, now: datetime | None = None) -> Caller:
    """Evaluate the blocking policy for one caller (after a classification).

    More than ``block_threshold`` prank calls in the window: blocked for ``block_hours``.
    More than ``permanent_threshold`` in the long window: permanent block requested.
    The block is advisory: calls are still recorded, shown and answerable."""
    now = now or timezone.now()
    policy = BlockPolicy.current()
    if not policy.is_active:
        return caller
    # Race: two classifications of the same caller at once would both extend the block;
    # the row lock serializes them.
    caller = Caller.objects.select_for_update().get(pk=caller.pk)
    counts = prank_counts(caller=caller, policy=policy, now=now)
    before = snapshot(caller, ("blocked_until", "permanent_block_requested", "block_reason"))
    changed = False
    if counts["window"] > policy.block_threshold and not caller.is_blocked(now):
        caller.blocked_at = now
        caller.blocked_until = now + timedelta(hours=policy.block_hours)
        caller.block_reason = _(
            "Otomatis: %(n)d panggilan iseng dalam %(h)d jam (batas %(t)d)."
        ) % {"n": counts["window"], "h": policy.block_window_hours, "t": policy.block_threshold}
        changed = True
    if counts["long_window"] > policy.permanent_threshold and not caller.permanent_block_requested:
        caller.permanent_block_requested = True
        caller.permanent_requested_at = now
        caller.block_reason = _(
            "Otomatis: %(n)d panggilan iseng dalam %(d)d hari; blokir permanen diajukan ke operator."
        ) % {"n": counts["long_window"], "d": policy.permanent_window_days}
        changed = True
    if changed:
        caller.save()
        audit_record(
            actor=actor,
            action="caller.block",
            obj=caller,
            changes=diff(before, snapshot(caller, tuple(before))),
        )
        publish(
            "calls.caller.blocked",
            {
                "id": caller.pk,
                "blocked_until": caller.blocked_until.isoformat() if caller.blocked_until else None,
                "permanent_block_requested": caller.permanent_block_requested,
            },
            perm="calls.view_call",
        )
    return caller


@transaction.atomic
def caller_unblock(*, actor: Actor, caller: Caller, reason: str) -> Caller:
    if not actor.has_perm("calls.manage_blocking"):
        raise NotAllowed(_("Hanya supervisor yang dapat membuka blokir."))
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise Invalid(
            _("Alasan membuka blokir wajib diisi."),
            errors=[{"field": "reason", "message": _("Wajib diisi.")}],
        )
    caller = Caller.objects.select_for_update().get(pk=caller.pk)
    before = snapshot(caller, ("blocked_until", "permanent_block_requested", "block_reason"))
    caller.blocked_until = None
    caller.blocked_at = None
    caller.permanent_block_requested = False
    caller.permanent_requested_at = None
    caller.block_reason = ""
    caller.save()
    audit_record(
        actor=actor,
        action="caller.unblock",
        obj=caller,
        changes=diff(before, snapshot(caller, tuple(before))),
        note=reason,
    )
    publish("calls.caller.unblocked", {"id": caller.pk}, perm="calls.view_call")
    return caller


@transaction.atomic
def policy_update(*, actor: Actor, **fields) -> BlockPolicy:
    if not actor.has_perm("calls.manage_blocking"):
        raise NotAllowed(_("Hanya supervisor yang dapat mengubah kebijakan blokir."))
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise Invalid(_("Kolom tidak dikenal: %s") % ", ".join(sorted(unknown)))
    errors = []
    for name in POLICY_FIELDS[1:-1]:
        if name in fields and (not isinstance(fields[name], int) or fields[name] < 1):
            errors.append({"field": name, "message": _("Harus bilangan bulat ≥ 1.")})
    if errors:
        raise Invalid(_("Kebijakan blokir tidak valid."), errors=errors)
    BlockPolicy.current()
    # Race: two supervisors saving at once; the lock makes the audit diff exact.
    policy = BlockPolicy.objects.select_for_update().get(pk=1)
    before = snapshot(policy, POLICY_FIELDS)
    for name, value in fields.items():
        setattr(policy, name, value)
    if policy.permanent_threshold < policy.block_threshold:
        raise Invalid(
            _("Batas blokir permanen tidak boleh lebih kecil dari batas blokir sementara."),
            errors=[{"field": "permanent_threshold", "message": _("Terlalu kecil.")}],
        )
    policy.updated_by = actor.user
    policy.save()
    audit_record(
        actor=actor,
        action="calls.policy.update",
        obj=policy,
        changes=diff(before, snapshot(policy, POLICY_FIELDS)),
    )
    return policy


@transaction.atomic
def retention_update(*, actor: Actor, number_days: int) -> RetentionSetting:
    if not actor.has_perm("calls.manage_blocking"):
        raise NotAllowed(_("Hanya supervisor yang dapat mengubah masa simpan."))
    if not isinstance(number_days, int) or number_days < 30:
        raise Invalid(_("Masa simpan minimal 30 hari."))
    setting = RetentionSetting.current()
    before = snapshot(setting, ("number_days",))
    setting.number_days = number_days
    setting.save()
    audit_record(
        actor=actor,
        action="calls.retention.update",
        obj=setting,
        changes=diff(before, snapshot(setting, ("number_days",))),
    )
    return setting


def purge_personal_data() -> int:
    """Job: erase callers' personal data older than the supervisor's retention setting.

    * calls: number (raw and E.164), caller link and notes; the call stays (statistics)
      with its outcome and times;
    * telephony events of those calls: the payload as delivered (it holds the raw
      number and whatever else the PBX sent);
    * callers without calls left;
    * incidents opened from a call: reporter name and phone (copied from the call),
      through the incidents service; the incidents' own retention job leaves those to
      this setting.

    Returns the number of calls erased."""
    days = RetentionSetting.current().number_days
    cutoff = timezone.now() - timedelta(days=days)
    actor = Actor.system("retensi")
    with transaction.atomic():
        old = Call.objects.filter(offered_at__lt=cutoff).exclude(
            number_raw="", number_e164="", caller=None
        )
        count = old.update(number_raw="", number_e164="", caller=None, notes="")
        events = TelephonyEvent.objects.filter(
            Q(at__lt=cutoff) | Q(call__offered_at__lt=cutoff)
        ).exclude(payload={})
        event_count = events.update(payload={})
        Caller.objects.filter(calls__isnull=True, last_call_at__lt=cutoff).delete()
        if count or event_count:
            audit_record(
                actor=actor,
                action="calls.retention.purge",
                object_type="calls.call",
                object_repr=f"{count} panggilan, {event_count} peristiwa telepon > {days} hari",
                changes={"calls": count, "telephony_events": event_count, "days": days},
            )
    incident_services, _sel = _incidents()
    incident_services.incidents_blank_reporter_contact(actor=actor, days=days, source="call")
    return count


# ---------------------------------------------------------------- telephony events


@dataclass(frozen=True)
class EventResult:
    kind: str
    pbx_call_id: str
    status: str  # "applied" | "duplicate"
    call_id: int | None


def _user_for_extension(extension: str):
    if not extension:
        return None
    return User.objects.filter(extension=extension, is_active=True).first()


def _new_call(*, pbx_call_id: str, number: str, trunk: str, at: datetime, source: str) -> Call:
    parsed = normalize(number)
    caller = None
    if parsed.flag != NumberFlag.WITHHELD and parsed.key:
        caller = _caller_for(parsed.key, valid=parsed.flag == NumberFlag.VALID, at=at)
    return Call(
        pbx_call_id=pbx_call_id,
        source=source,
        number_raw=parsed.raw,
        number_e164=parsed.e164,
        number_flag=parsed.flag,
        caller=caller,
        trunk=trunk[:60],
        offered_at=at,
        caller_was_blocked=bool(caller and caller.is_blocked(at)),
    )


def _call_for_event(*, pbx_call_id: str, number: str, trunk: str, at: datetime) -> Call:
    # Race: "offered" and "answered" of one call arriving at once on two workers; the
    # unique pbx_call_id lets one insert win and the other re-read it, then the row lock
    # serializes their updates.
    call = Call.objects.select_for_update().filter(pbx_call_id=pbx_call_id).first()
    if call is not None:
        return call
    try:
        with transaction.atomic():
            call = _new_call(
                pbx_call_id=pbx_call_id, number=number, trunk=trunk, at=at, source=CallSource.PBX
            )
            call.save()
            return call
    except IntegrityError:
        return Call.objects.select_for_update().get(pbx_call_id=pbx_call_id)


def screenpop_data(call: Call) -> dict:
    return {
        **call_event_data(call),
        "number": call.number_e164 or call.number_raw,
        "caller": caller_summary(call.caller) if call.caller_id else None,
    }


def _screenpop(call: Call, user) -> None:
    """Push the screen-pop (full number, caller history, block state) to the console of
    the call-taker who answered, and to no one else: the event is addressed to that user
    (``user_ids``), so other consoles, supervisors and the wall never receive the number.
    Its delivery is a read of personal data, audited here for that user.

    Nobody to address (an extension no active account has, or a user without the
    number permission): nothing is pushed. The queue shows the call masked; whoever
    opens it reads the number through the call detail, which is audited."""
    if user is None or not user.has_perm(SCREENPOP_PERM):
        return
    if call.number_flag != NumberFlag.WITHHELD:
        audit_personal_read(
            actor=Actor(user=user),
            object_type="calls.call",
            object_id=call.pk,
            what="caller_number",
            note="screen-pop",
        )
    publish("calls.screenpop", screenpop_data(call), perm=SCREENPOP_PERM, user_ids=[user.pk])


def _clean_event_input(
    *, kind: str, pbx_call_id: str, at: datetime | None, number: str, trunk: str, extension: str
) -> tuple[str, datetime, str, str, str]:
    """The event's fields as stored: (pbx_call_id, at, number, trunk, extension)."""
    if kind not in EventKind.values:
        raise Invalid(_("Jenis peristiwa tidak dikenal: %s") % kind)
    pbx_call_id = (pbx_call_id or "").strip()
    if not pbx_call_id:
        raise Invalid(_("ID panggilan PBX wajib diisi."))
    if len(pbx_call_id) > PBX_CALL_ID_MAX or has_controls(pbx_call_id):
        # Never cut: two long ids sharing their first 100 characters would collide and
        # the second call would be dropped as a duplicate.
        raise Invalid(
            _("ID panggilan PBX paling banyak %(n)d karakter, tanpa karakter kendali.")
            % {"n": PBX_CALL_ID_MAX},
            errors=[{"field": "pbx_call_id", "message": _("Terlalu panjang atau tidak sah.")}],
        )
    # A garbled number is kept as delivered, control characters escaped (PostgreSQL stores
    # no NUL); it does not parse, so the call carries the "invalid" flag.
    number = escape_controls(number or "")
    trunk = escape_controls(trunk or "")
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at, timezone.get_current_timezone())
    if not MIN_YEAR <= at.year <= MAX_YEAR:
        raise Invalid(
            _("Waktu peristiwa di luar batas wajar."),
            errors=[{"field": "at", "message": _("Tahun harus antara 2000 dan 2100.")}],
        )
    return pbx_call_id, at, number, trunk, (extension or "").strip()[:20]


def _fill_in_number(call: Call, *, pbx_call_id: str, number: str, trunk: str) -> None:
    """A later event carried the number (or the trunk) the first one lacked."""
    if (
        call.number_flag == NumberFlag.WITHHELD
        and number
        and normalize(number).flag != NumberFlag.WITHHELD
    ):
        fresh = _new_call(
            pbx_call_id=pbx_call_id,
            number=number,
            trunk=trunk,
            at=call.offered_at,
            source=call.source,
        )
        call.number_raw, call.number_e164, call.number_flag = (
            fresh.number_raw,
            fresh.number_e164,
            fresh.number_flag,
        )
        call.caller, call.caller_was_blocked = fresh.caller, fresh.caller_was_blocked
    if trunk and not call.trunk:
        call.trunk = trunk[:60]


# One handler per event kind: each applies its event to the call and returns the
# call-taker whose console pops the call up, if any.


def _on_offered(call: Call, *, at: datetime, extension: str):
    if at < call.offered_at:
        call.offered_at = at
    return None


def _picked_up(call: Call, user):
    """Answered or transferred: a call closed as abandoned before this late event was answered
    after all; a call still ringing is now answered."""
    if call.abandoned or (call.outcome == Outcome.TERPUTUS and call.classified_by_id is None):
        call.abandoned = False
        call.outcome = ""
        call.classified_at = None
    if call.state == CallState.ENDED:
        return None
    call.state = CallState.ANSWERED
    return user


def _on_answered(call: Call, *, at: datetime, extension: str):
    user = _user_for_extension(extension)
    if call.answered_at is None or at < call.answered_at:
        call.answered_at = max(at, call.offered_at)
    if not call.extension or call.call_taker_id is None:
        call.extension, call.call_taker = extension, user
    return _picked_up(call, user)


def _on_transferred(call: Call, *, at: datetime, extension: str):
    user = _user_for_extension(extension)
    call.transferred_to = extension
    call.extension, call.call_taker = extension, user
    if call.answered_at is None:
        call.answered_at = max(at, call.offered_at)
    return _picked_up(call, user)


def _hang_up(call: Call, at: datetime) -> None:
    call.state = CallState.ENDED
    if call.answered_at is None and not call.outcome:
        # Ended before anyone answered: abandoned.
        call.abandoned = True
        call.outcome = Outcome.TERPUTUS
        call.classified_at = at


def _mark_ended(call: Call, at: datetime) -> None:
    call.ended_at = max(at, call.offered_at)
    _hang_up(call, at)


def _on_ended(call: Call, *, at: datetime, extension: str):
    _mark_ended(call, at)  # "ended" is the PBX's final word on the time
    return None


def _on_abandoned(call: Call, *, at: datetime, extension: str):
    if call.ended_at is None:
        call.ended_at = max(at, call.offered_at)
    _hang_up(call, at)
    return None


EVENT_HANDLERS = {
    EventKind.OFFERED: _on_offered,
    EventKind.ANSWERED: _on_answered,
    EventKind.TRANSFERRED: _on_transferred,
    EventKind.ENDED: _on_ended,
    EventKind.ABANDONED: _on_abandoned,
}


@transaction.atomic
def telephony_event(
    *,
    actor: Actor,
    kind: str,
    pbx_call_id: str,
    at: datetime | None = None,
    number: str = "",
    trunk: str = "",
    extension: str = "",
    payload: dict | None = None,
) -> EventResult:
    """Apply one PBX event. Idempotent on (call id, kind); any order is reconciled:
    "ended" before "answered" closes the call and a late "answered" fills in its time."""
    if not (actor.has_scope("telephony") or actor.has_perm("calls.add_call")):
        raise NotAllowed(_("Tidak berhak mengirim peristiwa telepon."))
    pbx_call_id, at, number, trunk, extension = _clean_event_input(
        kind=kind, pbx_call_id=pbx_call_id, at=at, number=number, trunk=trunk, extension=extension
    )
    # Idempotency: the unique (call id, kind) constraint decides; a duplicate insert
    # fails inside its savepoint and the event is ignored.
    try:
        with transaction.atomic():
            record = TelephonyEvent.objects.create(
                pbx_call_id=pbx_call_id,
                kind=kind,
                at=at,
                # The event as delivered (raw number included), for reconciliation disputes.
                payload={
                    "number": number,
                    "trunk": trunk,
                    "extension": extension,
                    **(payload or {}),
                },
            )
    except IntegrityError:
        existing = TelephonyEvent.objects.filter(pbx_call_id=pbx_call_id, kind=kind).first()
        return EventResult(kind, pbx_call_id, "duplicate", existing.call_id if existing else None)

    call = _call_for_event(pbx_call_id=pbx_call_id, number=number, trunk=trunk, at=at)
    record.call = call
    record.save(update_fields=["call"])
    _fill_in_number(call, pbx_call_id=pbx_call_id, number=number, trunk=trunk)
    before = snapshot(call, CALL_FIELDS)
    popped_user = EVENT_HANDLERS[EventKind(kind)](call, at=at, extension=extension)
    call.save()
    audit_record(
        actor=actor,
        action=f"call.telephony.{kind}",
        obj=call,
        changes=diff(before, snapshot(call, CALL_FIELDS)),
    )
    _publish_call(call, kind)
    if popped_user is not None:
        _screenpop(call, popped_user)
    return EventResult(kind, pbx_call_id, "applied", call.pk)


def call_offered(*, actor: Actor, pbx_call_id: str, **fields) -> EventResult:
    return telephony_event(actor=actor, kind=EventKind.OFFERED, pbx_call_id=pbx_call_id, **fields)


def call_answered(*, actor: Actor, pbx_call_id: str, **fields) -> EventResult:
    return telephony_event(actor=actor, kind=EventKind.ANSWERED, pbx_call_id=pbx_call_id, **fields)


def call_transferred(*, actor: Actor, pbx_call_id: str, **fields) -> EventResult:
    return telephony_event(
        actor=actor, kind=EventKind.TRANSFERRED, pbx_call_id=pbx_call_id, **fields
    )


def call_ended(*, actor: Actor, pbx_call_id: str, **fields) -> EventResult:
    return telephony_event(actor=actor, kind=EventKind.ENDED, pbx_call_id=pbx_call_id, **fields)


def call_abandoned(*, actor: Actor, pbx_call_id: str, **fields) -> EventResult:
    return telephony_event(actor=actor, kind=EventKind.ABANDONED, pbx_call_id=pbx_call_id, **fields)


# ---------------------------------------------------------------- console actions


@transaction.atomic
def call_manual_create(
    *, actor: Actor, number: str = "", trunk: str = "", notes: str = "", at: datetime | None = None
) -> Call:
    """A call taken without a PBX: recorded as answered by the actor now."""
    if not actor.has_perm("calls.add_call"):
        raise NotAllowed(_("Tidak berhak mencatat panggilan."))
    at = at or timezone.now()
    call = _new_call(pbx_call_id="", number=number, trunk=trunk, at=at, source=CallSource.MANUAL)
    call.answered_at = at
    call.state = CallState.ANSWERED
    call.call_taker = actor.user
    call.extension = getattr(actor.user, "extension", "") or ""
    call.notes = notes
    call.save()
    audit_record(actor=actor, action="call.manual_create", obj=call)
    _publish_call(call, "offered")
    _screenpop(call, actor.user)
    return call


def _lock_call(call: Call) -> Call:
    return Call.objects.select_for_update().get(pk=call.pk)


# Outcomes after which a manual call stays open: the call-taker is still on the line.
OUTCOMES_KEEPING_MANUAL_CALL_OPEN = frozenset({Outcome.DARURAT})


@transaction.atomic
def call_end(*, actor: Actor, call: Call, at: datetime | None = None) -> Call:
    """End a call by hand: a manual call (no PBX will say it ended) or a PBX call whose
    "ended" event never came. Allowed to the call's own call-taker and to supervisors
    (``calls.change_call``). Ending an ended call changes nothing and says so (409)."""
    if not (actor.has_perm("calls.classify_call") or actor.has_perm(END_ANY_PERM)):
        raise NotAllowed(_("Peran Anda tidak berhak mengakhiri panggilan."))
    # Race: the PBX's "ended" and the call-taker's key at the same moment (or two
    # presses); the row lock makes the second one find the call already ended.
    call = _lock_call(call)
    own = actor.user is not None and call.call_taker_id == actor.user.pk
    if not (own or actor.has_perm(END_ANY_PERM)):
        raise NotAllowed(
            _("Hanya penerima panggilan ini atau supervisor yang dapat mengakhirinya.")
        )
    if call.state == CallState.ENDED:
        raise Conflict(
            _("Panggilan #%(id)s sudah selesai pukul %(time)s WIB.")
            % {
                "id": call.pk,
                "time": timezone.localtime(call.ended_at).strftime("%H:%M:%S")
                if call.ended_at
                else "—",
            },
            code="call-already-ended",
        )
    before = snapshot(call, CALL_FIELDS)
    _mark_ended(call, at or timezone.now())
    call.save()
    audit_record(
        actor=actor,
        action="call.end",
        obj=call,
        changes=diff(before, snapshot(call, CALL_FIELDS)),
    )
    _publish_call(call, "ended")
    return call


@transaction.atomic
def call_classify(*, actor: Actor, call: Call, outcome: str, notes: str | None = None) -> Call:
    if not actor.has_perm("calls.classify_call"):
        raise NotAllowed(_("Peran Anda tidak berhak mengklasifikasikan panggilan."))
    if outcome not in Outcome.values:
        raise Invalid(
            _("Hasil panggilan tidak dikenal."),
            errors=[{"field": "outcome", "message": _("Pilih salah satu hasil.")}],
        )
    # Race: two call-takers classifying the same call; the lock makes the last write win
    # with a correct audit diff and a single policy evaluation each.
    call = _lock_call(call)
    if call.incident_id and outcome != Outcome.DARURAT:
        raise Invalid(_("Panggilan ini sudah terkait kejadian; hasilnya tetap darurat."))
    before = snapshot(call, CALL_FIELDS)
    call.outcome = outcome
    if notes is not None:
        call.notes = notes
    call.classified_at = timezone.now()
    call.classified_by = actor.user
    if call.call_taker_id is None and actor.user is not None:
        call.call_taker = actor.user
    if (
        call.source == CallSource.MANUAL
        and call.state != CallState.ENDED
        and outcome not in OUTCOMES_KEEPING_MANUAL_CALL_OPEN
    ):
        # No PBX will ever say that a manual call ended. Classifying it as anything but
        # an emergency is the call-taker's last act on it (the prankster is hung up on,
        # the information given), so it ends here and leaves the live queue; an
        # emergency call stays open while the call-taker guides the caller (E ends it).
        _mark_ended(call, call.classified_at)
    call.save()
    audit_record(
        actor=actor,
        action="call.classify",
        obj=call,
        changes=diff(before, snapshot(call, CALL_FIELDS)),
    )
    _publish_call(call, "classified")
    # Only a prank outcome can push a caller over a threshold; skip the count otherwise.
    if call.caller_id and outcome in BlockPolicy.current().prank_outcomes:
        # The policy acts because of this person's classification: the audit names them.
        caller_block_apply(actor=actor.acting_for("calls.block_policy"), caller=call.caller)
    return call


def _incidents():
    return incident_services, incident_selectors


@transaction.atomic
def call_open_incident(
    *,
    actor: Actor,
    call: Call,
    type_code: str,
    priority: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    address: str = "",
    description: str = "",
    reporter_name: str = "",
    callback_number: str = "",
):
    """The emergency path: an incident from this call, linked, with a timeline entry."""
    if not actor.has_perm("calls.classify_call"):
        raise NotAllowed(_("Peran Anda tidak berhak membuka kejadian dari panggilan."))
    incident_services, _sel = _incidents()
    call = _lock_call(call)
    if call.incident_id:
        raise Invalid(_("Panggilan ini sudah terkait kejadian."))
    phone = callback_number or call.number_e164 or call.number_raw
    incident = incident_services.incident_create(
        actor=actor,
        type_code=type_code,
        priority=priority or None,
        lat=lat,
        lon=lon,
        address=address,
        description=description,
        reporter_name=reporter_name,
        reporter_phone=phone,
        source="call",
    )
    _attach(actor=actor, call=call, incident=incident, kind="call", verb="membuka")
    return incident


@transaction.atomic
def call_link_incident(*, actor: Actor, call: Call, incident):
    """Join an existing incident (a duplicate report of the same event)."""
    if not actor.has_perm("calls.classify_call"):
        raise NotAllowed(_("Peran Anda tidak berhak menautkan panggilan."))
    call = _lock_call(call)
    if call.incident_id == incident.pk:
        return incident
    if call.incident_id:
        raise Invalid(_("Panggilan ini sudah terkait kejadian lain."))
    _attach(actor=actor, call=call, incident=incident, kind="call", verb="bergabung ke")
    return incident


def _attach(*, actor: Actor, call: Call, incident, kind: str, verb: str) -> None:
    incident_services, _sel = _incidents()
    before = snapshot(call, CALL_FIELDS)
    call.incident = incident
    call.outcome = Outcome.DARURAT
    call.classified_at = timezone.now()
    call.classified_by = actor.user
    if call.call_taker_id is None and actor.user is not None:
        call.call_taker = actor.user
    call.save()
    incident_services.incident_timeline_add(
        actor=actor,
        incident=incident,
        kind=kind,
        summary=_("Panggilan 112 #%(id)s %(verb)s kejadian ini.") % {"id": call.pk, "verb": verb},
        # answered_at starts the SLA processing timer in dispatch (answer → first dispatch).
        data={
            "call_id": call.pk,
            "offered_at": call.offered_at.isoformat(),
            "answered_at": call.answered_at.isoformat() if call.answered_at else None,
        },
    )
    audit_record(
        actor=actor,
        action="call.incident",
        obj=call,
        changes=diff(before, snapshot(call, CALL_FIELDS)),
    )
    _publish_call(call, "classified")


def call_get(*, actor: Actor, call_id: int) -> Call:
    call = calls_visible(actor=actor).filter(pk=call_id).first()
    if call is None:
        raise NotFound(_("Panggilan tidak ditemukan."))
    return call
