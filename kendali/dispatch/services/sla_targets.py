"""SLA targets: how long each step of a response may take."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Invalid
from kendali.dispatch.choices import (
    SlaKind,
)
from kendali.dispatch.models import (
    SlaTarget,
)
from kendali.dispatch.services.base import (
    require,
)
from kendali.incidents.choices import Priority
from kendali.incidents.models import IncidentType


@transaction.atomic
def sla_target_set(
    *, actor: Actor, kind: str, seconds: int, type_code: str = "", priority: str = ""
):
    """Set a target (seconds) for all incidents, a type, a priority or a type + priority."""
    require(actor, "dispatch.change_runcard", _("Hanya supervisor yang dapat mengubah target SLA."))
    if kind not in SlaKind.values:
        raise Invalid(_("Jenis timer tidak dikenal."))
    if priority and priority not in Priority.values:
        raise Invalid(_("Prioritas tidak dikenal."))
    incident_type = None
    if type_code:
        incident_type = IncidentType.objects.filter(code=type_code).first()
        if incident_type is None:
            raise Invalid(_("Jenis kejadian tidak dikenal."))
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        raise Invalid(_("Target harus berupa jumlah detik."))
    if not 10 <= seconds <= 7 * 24 * 3600:
        raise Invalid(_("Target antara 10 detik dan 7 hari."))
    target, created = SlaTarget.objects.select_for_update().get_or_create(
        kind=kind, incident_type=incident_type, priority=priority, defaults={"seconds": seconds}
    )
    before = None if created else target.seconds
    target.seconds = seconds
    target.save()
    audit_record(
        actor=actor, action="sla_target.set", obj=target, changes={"seconds": [before, seconds]}
    )
    return target
