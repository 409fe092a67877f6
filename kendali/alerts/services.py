"""Writes of public warnings: drafting, submission, four-eyes approval, publishing,
updates, cancellations and expiry. Every step is authorized, audited and announced."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.alerts import cap
from kendali.alerts.choices import LANG_EN, LANG_ID, AlertState, AreaKind, MsgType
from kendali.alerts.models import Alert, AlertArea, AlertInfo
from kendali.alerts.validation import DraftInput, draft_errors, publish_errors
from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.errors import Conflict, Invalid, NotAllowed
from kendali.core.events import ALL_AGENCIES, publish
from kendali.regions.choices import Level
from kendali.regions.models import Region

PERM_VIEW = "alerts.view_alert"
PERM_DRAFT = "alerts.draft_alert"
PERM_APPROVE = "alerts.approve_alert"

AUDITED = [
    "identifier",
    "state",
    "msg_type",
    "status",
    "categories",
    "urgency",
    "severity",
    "certainty",
    "effective",
    "onset",
    "expires",
    "sender_name",
    "contact",
    "web",
    "note",
    "approver",
]

_TOPIC_OF = {
    MsgType.ALERT: "alerts.alert.published",
    MsgType.UPDATE: "alerts.alert.updated",
    MsgType.CANCEL: "alerts.alert.cancelled",
}


def cap_sender() -> str:
    return getattr(settings, "KENDALI_CAP_SENDER", "peringatan@serangkota.go.id")


def default_sender_name() -> str:
    return getattr(settings, "KENDALI_CAP_SENDER_NAME", "Pemerintah Kota Serang")


def _require(actor: Actor, perm: str, message: str) -> None:
    if not actor.has_perm(perm):
        raise NotAllowed(message)


def _validate(data: DraftInput) -> None:
    errors = draft_errors(
        data,
        known_kelurahan=set(
            Region.objects.filter(level=Level.KELURAHAN, kode__in=data.kelurahan).values_list(
                "kode", flat=True
            )
        ),
        known_kecamatan=set(
            Region.objects.filter(level=Level.KECAMATAN, kode__in=data.kecamatan).values_list(
                "kode", flat=True
            )
        ),
    )
    if errors:
        raise Invalid(_("Draf peringatan belum lengkap atau tidak sah."), errors=errors)


def _apply(alert: Alert, data: DraftInput) -> None:
    for name in (
        "categories",
        "urgency",
        "severity",
        "certainty",
        "effective",
        "onset",
        "expires",
        "contact",
        "web",
        "status",
        "source",
        "note",
    ):
        setattr(alert, name, getattr(data, name))
    alert.categories = list(dict.fromkeys(data.categories))
    alert.sender_name = data.sender_name.strip() or default_sender_name()


def _write_children(alert: Alert, data: DraftInput) -> None:
    alert.infos.all().delete()
    alert.areas.all().delete()
    AlertInfo.objects.create(
        alert=alert,
        language=LANG_ID,
        event=data.event.strip(),
        headline=data.headline.strip(),
        description=data.description.strip(),
        instruction=data.instruction.strip(),
    )
    if data.has_english:
        AlertInfo.objects.create(
            alert=alert,
            language=LANG_EN,
            event=data.event_en.strip(),
            headline=data.headline_en.strip(),
            description=data.description_en.strip(),
            instruction=data.instruction_en.strip(),
        )
    for kode in dict.fromkeys(data.kecamatan):
        AlertArea.objects.create(alert=alert, kind=AreaKind.KECAMATAN, region_id=kode)
    for kode in dict.fromkeys(data.kelurahan):
        AlertArea.objects.create(alert=alert, kind=AreaKind.KELURAHAN, region_id=kode)
    if data.has_circle:
        AlertArea.objects.create(
            alert=alert,
            kind=AreaKind.CIRCLE,
            lat=data.circle_lat,
            lon=data.circle_lon,
            radius_km=data.circle_radius_km,
            description=data.circle_description.strip(),
        )


def draft_input_of(alert: Alert) -> DraftInput:
    """The form values of an existing message (to edit it, or to start an update from it)."""
    info_id = alert.info(LANG_ID)
    info_en = alert.info(LANG_EN)
    circle = next((a for a in alert.areas.all() if a.kind == AreaKind.CIRCLE), None)
    return DraftInput(
        event=info_id.event if info_id else "",
        headline=info_id.headline if info_id else "",
        description=info_id.description if info_id else "",
        instruction=info_id.instruction if info_id else "",
        categories=list(alert.categories),
        urgency=alert.urgency,
        severity=alert.severity,
        certainty=alert.certainty,
        effective=alert.effective,
        onset=alert.onset,
        expires=alert.expires,
        sender_name=alert.sender_name,
        contact=alert.contact,
        web=alert.web,
        status=alert.status,
        source=alert.source,
        note=alert.note,
        kelurahan=[a.region_id for a in alert.areas.all() if a.kind == AreaKind.KELURAHAN],
        kecamatan=[a.region_id for a in alert.areas.all() if a.kind == AreaKind.KECAMATAN],
        circle_lat=circle.lat if circle else None,
        circle_lon=circle.lon if circle else None,
        circle_radius_km=circle.radius_km if circle else None,
        circle_description=circle.description if circle else "",
        event_en=info_en.event if info_en else "",
        headline_en=info_en.headline if info_en else "",
        description_en=info_en.description if info_en else "",
        instruction_en=info_en.instruction if info_en else "",
    )


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


@transaction.atomic
def alert_draft_create(
    *,
    actor: Actor,
    data: DraftInput,
    msg_type: str = MsgType.ALERT,
    replaces: Alert | None = None,
) -> Alert:
    _require(actor, PERM_DRAFT, _("Peran Anda tidak berhak menyusun peringatan publik."))
    _validate(data)
    alert = Alert(
        identifier=f"draft-{uuid.uuid4().hex}",  # replaced once the primary key is known
        sender=cap_sender(),
        msg_type=msg_type,
        replaces=replaces,
        author=actor.user,
    )
    _apply(alert, data)
    alert.save()
    # Unique by construction (the primary key); CAP forbids spaces, commas, "<" and "&".
    alert.identifier = f"serangkota-peringatan-{alert.created_at:%Y}-{alert.pk:06d}"
    alert.save(update_fields=["identifier"])
    _write_children(alert, data)
    audit_record(
        actor=actor,
        action="alert.draft_create",
        obj=alert,
        changes=diff({}, snapshot(alert, AUDITED)),
        note=alert.headline,
    )
    return alert


@transaction.atomic
def alert_draft_update(*, actor: Actor, alert: Alert, data: DraftInput) -> Alert:
    _require(actor, PERM_DRAFT, _("Peran Anda tidak berhak menyusun peringatan publik."))
    # Race: a supervisor may be approving while the author edits; the row lock makes the
    # edit wait and then see that the draft has left the draft stage.
    alert = _locked(alert)
    if alert.author_id is not None and (actor.user is None or actor.user.pk != alert.author_id):
        # Only the author edits a draft: otherwise an approver could rewrite it and then
        # approve words no second person has read (four eyes).
        raise NotAllowed(_("Hanya penyusunnya yang dapat mengubah draf ini."))
    if alert.state != AlertState.DRAFT:
        raise Conflict(
            _("Hanya draf yang dapat diubah; peringatan ini sudah %(state)s.")
            % {"state": alert.get_state_display().lower()}
        )
    _validate(data)
    before = snapshot(alert, AUDITED)
    _apply(alert, data)
    alert.save()
    _write_children(alert, data)
    audit_record(
        actor=actor,
        action="alert.draft_update",
        obj=alert,
        changes=diff(before, snapshot(alert, AUDITED)),
    )
    return alert


@transaction.atomic
def alert_submit(*, actor: Actor, alert: Alert, now: datetime | None = None) -> Alert:
    _require(actor, PERM_DRAFT, _("Peran Anda tidak berhak mengajukan peringatan publik."))
    alert = _locked(alert)
    if alert.state != AlertState.DRAFT:
        raise Conflict(_("Hanya draf yang dapat diajukan untuk disetujui."))
    _validate(draft_input_of(alert))
    now = now or timezone.now()
    errors = publish_errors(expires=alert.expires, now=now)
    if errors:
        raise Invalid(_("Draf tidak dapat diajukan."), errors=errors)
    before = snapshot(alert, AUDITED)
    alert.state = AlertState.SUBMITTED
    alert.submitted_at = now
    alert.review_note = ""
    alert.save(update_fields=["state", "submitted_at", "review_note", "updated_at"])
    audit_record(
        actor=actor,
        action="alert.submit",
        obj=alert,
        changes=diff(before, snapshot(alert, AUDITED)),
    )
    publish(
        "alerts.alert.submitted",
        {"id": alert.pk, "identifier": alert.identifier, "headline": alert.headline},
        perm=PERM_APPROVE,
    )
    return alert


def _check_reviewer(actor: Actor, alert: Alert) -> None:
    _require(actor, PERM_APPROVE, _("Hanya supervisor atau administrator yang dapat menyetujui."))
    if actor.user is None:
        raise NotAllowed(_("Persetujuan harus diberikan oleh seorang petugas, bukan token mesin."))
    if alert.author_id == actor.user.pk:
        # Four-eyes: nobody approves a warning they wrote themselves.
        raise NotAllowed(
            _("Penyusun tidak boleh menyetujui peringatannya sendiri (prinsip empat mata).")
        )


@transaction.atomic
def alert_reject(*, actor: Actor, alert: Alert, reason: str) -> Alert:
    _check_reviewer(actor, alert)
    alert = _locked(alert)
    if alert.state != AlertState.SUBMITTED:
        raise Conflict(_("Hanya peringatan yang menunggu persetujuan dapat dikembalikan."))
    if not reason.strip():
        raise Invalid(_("Tuliskan alasan pengembalian."), errors={"reason": _("Wajib diisi.")})
    before = snapshot(alert, AUDITED)
    alert.state = AlertState.DRAFT
    alert.review_note = reason.strip()
    alert.save(update_fields=["state", "review_note", "updated_at"])
    audit_record(
        actor=actor,
        action="alert.reject",
        obj=alert,
        changes=diff(before, snapshot(alert, AUDITED)),
        note=alert.review_note,
    )
    return alert


@transaction.atomic
def alert_approve(*, actor: Actor, alert: Alert, now: datetime | None = None) -> Alert:
    """Four-eyes approval; an approved message is published at once. ``now`` lets the demo
    seed record a past message; people always act at the present time."""
    _check_reviewer(actor, alert)
    # Race: two supervisors pressing "Setujui" together; the lock lets one through and the
    # other finds the message no longer waiting.
    alert = _locked(alert)
    if alert.state != AlertState.SUBMITTED:
        raise Conflict(_("Peringatan ini tidak sedang menunggu persetujuan."))
    before = snapshot(alert, AUDITED)
    alert.approver = actor.user
    alert.approved_at = now or timezone.now()
    alert.save(update_fields=["approver", "approved_at", "updated_at"])
    audit_record(
        actor=actor,
        action="alert.approve",
        obj=alert,
        changes=diff(before, snapshot(alert, AUDITED)),
    )
    return alert_publish(actor=actor, alert=alert, now=now)


def event_data(alert: Alert) -> dict:
    return {
        "id": alert.pk,
        "identifier": alert.identifier,
        "msg_type": alert.msg_type,
        "severity": alert.severity,
        "urgency": alert.urgency,
        "event": alert.event,
        "headline": alert.headline,
        "expires": alert.expires.isoformat(),
        "references": alert.replaces.identifier if alert.replaces_id else None,
        "kelurahan": [a.region_id for a in alert.areas.all() if a.region_id],
    }


@transaction.atomic
def alert_publish(*, actor: Actor, alert: Alert, now: datetime | None = None) -> Alert:
    """Publish an approved message: render it, refuse it unless the OASIS schema accepts it,
    and close the message it updates or cancels."""
    _require(actor, PERM_APPROVE, _("Hanya supervisor atau administrator yang dapat menerbitkan."))
    alert = _locked(alert)
    if alert.state != AlertState.SUBMITTED or alert.approver_id is None:
        raise Conflict(_("Hanya peringatan yang sudah disetujui dapat diterbitkan."))
    if alert.approver_id == alert.author_id:
        raise NotAllowed(
            _("Penyusun tidak boleh menyetujui peringatannya sendiri (prinsip empat mata).")
        )
    now = now or timezone.now()
    errors = publish_errors(expires=alert.expires, now=now)
    if errors:
        raise Invalid(_("Peringatan tidak dapat diterbitkan."), errors=errors)
    original = None
    if alert.replaces_id:
        # Race: an update and a cancellation of the same warning approved at once; locking
        # the original lets only the first one close it.
        original = Alert.objects.select_for_update().get(pk=alert.replaces_id)
        if original.state != AlertState.PUBLISHED:
            raise Conflict(
                _(
                    "Peringatan asal sudah %(state)s; pembaruan atau pembatalan ini tidak berlaku lagi."
                )
                % {"state": original.get_state_display().lower()}
            )
    before = snapshot(alert, AUDITED)
    alert.sent = now.replace(microsecond=0)
    alert.state = AlertState.PUBLISHED
    document = cap.render(alert, base_url=cap.base_url())
    problems = cap.problems(document)
    if problems:
        raise Invalid(_("Dokumen CAP tidak sah dan tidak diterbitkan."), errors={"cap": problems})
    alert.save(update_fields=["sent", "state", "updated_at"])
    if original is not None:
        original_before = snapshot(original, AUDITED)
        original.state = (
            AlertState.CANCELLED if alert.msg_type == MsgType.CANCEL else AlertState.SUPERSEDED
        )
        original.closed_at = now
        original.save(update_fields=["state", "closed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="alert.close",
            obj=original,
            changes=diff(original_before, snapshot(original, AUDITED)),
            note=alert.identifier,
        )
    audit_record(
        actor=actor,
        action="alert.publish",
        obj=alert,
        changes=diff(before, snapshot(alert, AUDITED)),
    )
    publish(_TOPIC_OF[alert.msg_type], event_data(alert), agency_ids=[ALL_AGENCIES])
    return alert


def _followup_source(actor: Actor, original: Alert, what: str) -> Alert:
    _require(actor, PERM_DRAFT, _("Peran Anda tidak berhak menyusun peringatan publik."))
    # Race: the expiry job or another follow-up may close the original meanwhile.
    original = _locked(original)
    if original.state != AlertState.PUBLISHED or original.msg_type == MsgType.CANCEL:
        raise Conflict(_("Hanya peringatan yang sedang terbit dapat %(what)s.") % {"what": what})
    return original


@transaction.atomic
def alert_update(*, actor: Actor, original: Alert, data: DraftInput) -> Alert:
    """A draft of msgType Update that replaces ``original`` once approved."""
    original = _followup_source(actor, original, _("diperbarui"))
    update = alert_draft_create(actor=actor, data=data, msg_type=MsgType.UPDATE, replaces=original)
    audit_record(actor=actor, action="alert.update_draft", obj=original, note=update.identifier)
    return update


@transaction.atomic
def alert_cancel(*, actor: Actor, original: Alert, reason: str) -> Alert:
    """A Cancel message for ``original`` with the reason as its note, submitted for approval
    at once (the words and area are the original's, as CAP receivers expect)."""
    original = _followup_source(actor, original, _("dibatalkan"))
    if not reason.strip():
        raise Invalid(
            _("Tuliskan alasan pembatalan."), errors={"reason": _("Alasan pembatalan wajib diisi.")}
        )
    data = draft_input_of(original)
    data.note = reason.strip()
    data.source = original.source
    cancel = alert_draft_create(actor=actor, data=data, msg_type=MsgType.CANCEL, replaces=original)
    audit_record(actor=actor, action="alert.cancel_draft", obj=original, note=cancel.identifier)
    return alert_submit(actor=actor, alert=cancel)


def alerts_expire(*, actor: Actor | None = None, now: datetime | None = None) -> int:
    """Published messages past their expiry leave the feed and stay in the archive."""
    actor = actor or Actor.system("alerts.expire")
    now = now or timezone.now()
    count = 0
    for pk in Alert.objects.filter(state=AlertState.PUBLISHED, expires__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            # Conditional UPDATE: an approval closing the same message concurrently wins or
            # loses cleanly, never both.
            changed = Alert.objects.filter(pk=pk, state=AlertState.PUBLISHED).update(
                state=AlertState.EXPIRED, closed_at=now, updated_at=now
            )
            if not changed:
                continue
            alert = Alert.objects.prefetch_related("infos", "areas").get(pk=pk)
            audit_record(
                actor=actor,
                action="alert.expire",
                obj=alert,
                changes={"state": [AlertState.PUBLISHED, AlertState.EXPIRED]},
            )
            publish("alerts.alert.expired", event_data(alert), agency_ids=[ALL_AGENCIES])
            count += 1
    return count


def expire_job() -> None:
    alerts_expire()
