"""Referrals: an incident handed to an agency that sends no unit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Conflict, Invalid, NotAllowed
from kendali.core.events import publish
from kendali.core.models import Agency
from kendali.core.notifiers import Message, notify_agency
from kendali.dispatch import scope
from kendali.dispatch.choices import (
    ReferralStatus,
)
from kendali.dispatch.models import (
    Referral,
)
from kendali.dispatch.services.base import (
    INBOX_URL,
    require,
    timeline,
)
from kendali.incidents import services as incident_services


def referral_create(*, actor: Actor, incident, agency: Agency, note: str = "") -> Referral:
    require(actor, "dispatch.add_referral", _("Peran Anda tidak berhak merujuk kejadian."))
    if Referral.objects.filter(incident=incident, agency=agency).exists():
        raise Conflict(_("Kejadian ini sudah dirujuk ke %(a)s.") % {"a": agency.short_name})
    referral = Referral.objects.create(
        incident=incident, agency=agency, note=(note or "").strip(), created_by=actor.user
    )
    incident_services.incident_add_responding_agency(
        actor=actor.acting_for(incident_services.REFER),
        incident=incident,
        agency=agency,
        note=_("rujukan"),
    )
    timeline(
        actor,
        incident,
        _("Dirujuk ke %(a)s") % {"a": agency.short_name},
        {"referral_id": referral.pk},
        capability=incident_services.REFER,
    )
    audit_record(
        actor=actor, action="referral.create", obj=referral, changes={"agency": [None, agency.pk]}
    )
    notify_agency(
        agency=agency,
        message=Message(
            title=_("Rujukan kejadian %(n)s") % {"n": incident.number},
            body=f"{incident.type.name}: {incident.address or ''}\n{referral.note}".strip(),
            url=INBOX_URL,
            ref=referral.ref,
        ),
    )
    publish(
        "dispatch.referral.created",
        {"id": referral.pk, "incident_id": incident.pk, "agency_id": agency.pk},
        agency_ids=[agency.pk],
    )
    return referral


def _locked_referral(actor: Actor, referral: Referral) -> Referral:
    if not (
        actor.has_perm("dispatch.acknowledge_assignment") or actor.has_perm("dispatch.add_referral")
    ):
        raise NotAllowed(_("Peran Anda tidak berhak menindaklanjuti rujukan."))
    scope.require_agency(actor, referral.agency_id, _("Rujukan tidak ditemukan."))
    return (
        Referral.objects.select_for_update()
        .select_related("incident", "agency")
        .get(pk=referral.pk)
    )


@transaction.atomic
def referral_acknowledge(*, actor: Actor, referral: Referral) -> Referral:
    r = _locked_referral(actor, referral)
    if r.acknowledged_at is None:
        r.acknowledged_at, r.acknowledged_by = timezone.now(), actor.user
        r.status = ReferralStatus.DITERIMA
        r.save()
        timeline(
            actor,
            r.incident,
            _("%(a)s menerima rujukan") % {"a": r.agency.short_name},
            {"referral_id": r.pk},
        )
        audit_record(
            actor=actor,
            action="referral.acknowledge",
            obj=r,
            changes={"status": ["dikirim", "diterima"]},
        )
        publish(
            "dispatch.referral.updated",
            {"id": r.pk, "incident_id": r.incident_id, "status": r.status},
            agency_ids=[r.agency_id],
        )
    return r


@transaction.atomic
def referral_resolve(*, actor: Actor, referral: Referral, resolution: str) -> Referral:
    r = _locked_referral(actor, referral)
    if not (resolution or "").strip():
        raise Invalid(_("Uraian penyelesaian wajib diisi."))
    if r.status == ReferralStatus.SELESAI:
        raise Conflict(_("Rujukan ini sudah selesai."))
    now = timezone.now()
    before = r.status
    r.acknowledged_at = r.acknowledged_at or now
    r.acknowledged_by = r.acknowledged_by or actor.user
    r.status, r.resolved_at, r.resolution = ReferralStatus.SELESAI, now, resolution.strip()
    r.save()
    timeline(
        actor,
        r.incident,
        _("%(a)s menyelesaikan rujukan: %(r)s")
        % {"a": r.agency.short_name, "r": r.resolution[:200]},
        {"referral_id": r.pk},
    )
    audit_record(
        actor=actor, action="referral.resolve", obj=r, changes={"status": [before, "selesai"]}
    )
    publish(
        "dispatch.referral.updated",
        {"id": r.pk, "incident_id": r.incident_id, "status": r.status},
        agency_ids=[r.agency_id],
    )
    return r
