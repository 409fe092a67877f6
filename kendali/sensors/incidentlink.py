"""Opening a 112 incident from an alarm, through the incidents services."""

from __future__ import annotations

import logging

from django.db import transaction

from kendali.core.actors import Actor
from kendali.incidents.services import incident_create

logger = logging.getLogger(__name__)

# What sensors may ask of incidents: an incident for an alarm whose rule says so.
OPEN_INCIDENT = "sensors.open_incident"


def open_incident(*, actor: Actor, alarm, rule) -> tuple[int | None, str, str]:
    """Return (incident id, number, error). Never raises: an alarm must not be lost because
    the incident could not be opened; the error is kept on the alarm and shown.

    ``actor`` is who brought the reading (a device's token, the MQTT consumer) or the job
    that found the condition; the incident is created on their behalf and the audit says so."""
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
                actor=actor.acting_for(OPEN_INCIDENT),
                type_code=rule.incident_type or "banjir",
                priority=rule.incident_priority or None,
                lat=device.lat,
                lon=device.lon,
                address=device.name,
                description=description,
                source="sensor",
                agency_codes=list(rule.incident_agencies or ["bpbd"]),
            )
    except Exception as exc:  # noqa: BLE001 - recorded on the alarm, shown to operators
        logger.exception("auto-incident for alarm %s failed", alarm.pk)
        return None, "", f"{type(exc).__name__}: {exc}"[:300]
    return incident.pk, incident.number, ""
