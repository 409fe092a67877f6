"""Every write of the dispatch module, one file per sub-domain: units and their positions, run
cards and SLA targets, assignments, field reports, closing incidents, referrals and shift
handover. The public names are all importable from here (``kendali.dispatch.services``), and
the dotted paths registered in ``apps.py`` point here."""

from kendali.dispatch.services.assignments import (
    assignment_acknowledge,
    assignment_create,
    assignment_release,
    on_notification_acknowledged,
)
from kendali.dispatch.services.base import (
    INBOX_URL,
    RECORD,
    assignment_event_data,
    media_root,
    unit_event_data,
)
from kendali.dispatch.services.closing import (
    incident_close,
    incident_close_guard,
    on_incident_merge,
)
from kendali.dispatch.services.field_reports import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    PHOTO_TYPES,
    field_report_create,
)
from kendali.dispatch.services.positions import (
    MAX_POSITION_BATCH,
    MAX_SPEED_MS,
    SERVICE_AREA,
    unit_report_positions,
)
from kendali.dispatch.services.referrals import (
    referral_acknowledge,
    referral_create,
    referral_resolve,
)
from kendali.dispatch.services.runcards import runcard_save
from kendali.dispatch.services.shifts import (
    WIB_SHIFTS,
    current_shift,
    shift_handover,
    shift_receive,
)
from kendali.dispatch.services.sla_targets import sla_target_set
from kendali.dispatch.services.units import (
    UNIT_FIELDS,
    unit_create,
    unit_delete,
    unit_set_status,
    unit_update,
)

__all__ = [
    "INBOX_URL",
    "MAX_PHOTOS",
    "MAX_PHOTO_BYTES",
    "MAX_POSITION_BATCH",
    "MAX_SPEED_MS",
    "PHOTO_TYPES",
    "RECORD",
    "SERVICE_AREA",
    "UNIT_FIELDS",
    "WIB_SHIFTS",
    "assignment_acknowledge",
    "assignment_create",
    "assignment_event_data",
    "assignment_release",
    "current_shift",
    "field_report_create",
    "incident_close",
    "incident_close_guard",
    "media_root",
    "on_incident_merge",
    "on_notification_acknowledged",
    "referral_acknowledge",
    "referral_create",
    "referral_resolve",
    "runcard_save",
    "shift_handover",
    "shift_receive",
    "sla_target_set",
    "unit_create",
    "unit_delete",
    "unit_event_data",
    "unit_report_positions",
    "unit_set_status",
    "unit_update",
]
