"""Opening a 112 incident from an alarm, through the incidents services."""

from __future__ import annotations

import logging

from django.db import transaction

from kendali.core.actors import Actor

logger = logging.getLogger(__name__)


def open_incident(*, alarm, rule) -> tuple[int | None, str, str]:
    """Return (incident id, number, error). Never raises: an alarm must not be lost because
    the incident could not be opened; the error is kept on the alarm and shown."""
    try:
        from kendali.incidents.services import incident_create
    except ImportError as exc:
        return None, "", f"modul kejadian belum tersedia: {exc}"[:300]
    device = alarm.device
    description = (
        f"{alarm.message}. Perangkat {device.name} ({device.code}), "
        f"nilai {alarm.value}. Alarm sensor #{alarm.pk}."
    )
    try:
        # A savepoint: a failure inside incident_create must not poison the ingest
        # transaction that raised the alarm.
        with transaction.atomic():
            incident = incident_create(
                actor=Actor.system("sensors"),
                type_code=rule.incident_type or "banjir",
                priority=rule.incident_priority or None,
                lat=device.latitude,
                lon=device.longitude,
                address=device.name,
                description=description,
                source="sensor",
                agency_codes=list(rule.incident_agencies or ["bpbd"]),
            )
    except Exception as exc:  # noqa: BLE001 - recorded on the alarm, shown to operators
        logger.exception("auto-incident for alarm %s failed", alarm.pk)
        return None, "", f"{type(exc).__name__}: {exc}"[:300]
    return incident.pk, getattr(incident, "number", ""), ""
