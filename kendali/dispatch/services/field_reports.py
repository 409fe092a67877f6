"""Field reports: what a responding agency did, with its photos."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Invalid, NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.models import Agency
from kendali.core.scope import sees_every_agency
from kendali.dispatch.choices import (
    Outcome,
)
from kendali.dispatch.models import (
    FieldReport,
    FieldReportPhoto,
)
from kendali.dispatch.services.base import (
    require,
    responding_agency_ids,
    timeline,
)

PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 6


def _sniff_photo(upload) -> str:
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type in PHOTO_TYPES.items():
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise Invalid(_("Foto harus berupa JPEG, PNG atau WebP."))


@transaction.atomic
def field_report_create(
    *,
    actor: Actor,
    incident,
    outcome: str,
    actions: str,
    casualties_dead: int = 0,
    casualties_injured: int = 0,
    notes: str = "",
    agency: Agency | None = None,
    photos: list | None = None,
) -> FieldReport:
    require(
        actor, "dispatch.add_fieldreport", _("Peran Anda tidak berhak membuat laporan lapangan.")
    )
    bound = not sees_every_agency(actor)  # an officer reports for their own agency
    if bound:
        if actor.agency_id is None:
            raise NotAllowed(_("Akun Anda tidak terikat instansi."))
        agency = Agency.objects.get(pk=actor.agency_id)
    if agency is None:
        raise Invalid(_("Pilih instansi pelapor."))
    if agency.pk not in responding_agency_ids(incident):
        if bound:
            raise NotFound(_("Kejadian tidak ditemukan."))
        raise Invalid(_("Instansi ini tidak menangani kejadian tersebut."))
    if outcome not in Outcome.values:
        raise Invalid(_("Hasil penanganan tidak dikenal."))
    if not (actions or "").strip():
        raise Invalid(_("Tindakan yang dilakukan wajib diisi."))
    try:
        dead, injured = int(casualties_dead or 0), int(casualties_injured or 0)
    except (TypeError, ValueError):
        raise Invalid(_("Jumlah korban harus angka."))
    if dead < 0 or injured < 0 or dead > 10000 or injured > 10000:
        raise Invalid(_("Jumlah korban tidak masuk akal."))
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise Invalid(_("Paling banyak %(n)s foto.") % {"n": MAX_PHOTOS})
    checked = []
    for upload in photos:
        if upload.size > MAX_PHOTO_BYTES:
            raise Invalid(_("Foto terlalu besar (maks. 8 MB)."))
        checked.append((upload, _sniff_photo(upload)))
    report = FieldReport.objects.create(
        incident=incident,
        agency=agency,
        author=actor.user,
        outcome=outcome,
        actions=actions.strip(),
        casualties_dead=dead,
        casualties_injured=injured,
        notes=(notes or "").strip(),
    )
    for number, (upload, content_type) in enumerate(checked, start=1):
        ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[content_type]
        photo = FieldReportPhoto(report=report, content_type=content_type, size=upload.size)
        # The stored name is ours, never the uploader's file name.
        photo.image.save(f"laporan-{report.pk}-{number}.{ext}", upload, save=False)
        photo.save()
    timeline(
        actor,
        incident,
        _("Laporan lapangan %(agency)s: %(outcome)s")
        % {"agency": agency.short_name, "outcome": Outcome(outcome).label},
        {"field_report_id": report.pk},
    )
    audit_record(
        actor=actor,
        action="fieldreport.create",
        obj=report,
        changes={"outcome": [None, outcome], "incident": [None, incident.pk]},
    )
    publish(
        "dispatch.fieldreport.created",
        {"id": report.pk, "incident_id": incident.pk, "agency_id": agency.pk},
        agency_ids=[agency.pk],
    )
    return report
