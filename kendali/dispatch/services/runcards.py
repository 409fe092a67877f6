"""Run cards: which units an incident type and priority calls for."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff
from kendali.core.errors import Invalid
from kendali.core.events import publish
from kendali.core.models import Agency
from kendali.dispatch.choices import (
    UnitKind,
)
from kendali.dispatch.models import (
    RunCard,
    RunCardLine,
)
from kendali.dispatch.services.base import (
    require,
)
from kendali.incidents.choices import Priority
from kendali.incidents.models import IncidentType


@transaction.atomic
def runcard_save(
    *, actor: Actor, type_code: str, priority: str, lines: list[dict], note: str = ""
) -> RunCard:
    """Replace the run card of a type and priority. lines: [{"kind", "count", "agency_id"}]."""
    require(
        actor, "dispatch.change_runcard", _("Peran Anda tidak berhak mengubah kartu pengerahan.")
    )
    incident_type = IncidentType.objects.filter(code=type_code).first()
    if incident_type is None:
        raise Invalid(_("Jenis kejadian tidak dikenal."))
    if priority not in Priority.values:
        raise Invalid(_("Prioritas tidak dikenal."))
    clean = []
    for line in lines:
        kind = line.get("kind")
        if kind not in UnitKind.values:
            raise Invalid(_("Jenis unit tidak dikenal: %(k)s") % {"k": kind})
        try:
            count = int(line.get("count", 1))
        except (TypeError, ValueError):
            raise Invalid(_("Jumlah unit harus angka."))
        if not 1 <= count <= 20:
            raise Invalid(_("Jumlah unit 1–20."))
        agency_id = line.get("agency_id") or None
        if agency_id is not None:
            try:
                agency_id = int(agency_id)
            except (TypeError, ValueError):
                raise Invalid(_("Instansi tidak dikenal."))
            if not Agency.objects.filter(pk=agency_id).exists():
                raise Invalid(_("Instansi tidak dikenal."))
        clean.append(RunCardLine(kind=kind, count=count, agency_id=agency_id))
    card, _created = RunCard.objects.select_for_update().get_or_create(
        incident_type=incident_type, priority=priority
    )
    before = {
        "lines": [(line.kind, line.count, line.agency_id) for line in card.lines.all()],
        "note": card.note,
    }
    card.lines.all().delete()
    for line in clean:
        line.run_card = card
    RunCardLine.objects.bulk_create(clean)
    card.note = (note or "").strip()[:300]
    card.save()
    after = {
        "lines": [(line.kind, line.count, line.agency_id) for line in clean],
        "note": card.note,
    }
    audit_record(actor=actor, action="runcard.save", obj=card, changes=diff(before, after))
    publish("dispatch.runcard.updated", {"id": card.pk, "type": type_code, "priority": priority})
    return card
