"""Every write of the sensors module, by sub-domain: devices, readings, rules, rule
evaluation, alarms, notifications and the background jobs.

Keyword-only, authorized, one transaction each, events published on commit. The public names
are importable from here (``kendali.sensors.services.rule_save``), whatever file holds them.
"""

from __future__ import annotations

from kendali.sensors.services.alarms import (
    alarm_acknowledge,
    alarm_assign,
    alarm_clear,
    alarm_event,
    alarm_note_add,
    on_incident_close,
    on_incident_merge,
)
from kendali.sensors.services.devices import (
    DEVICE_AUDIT_FIELDS,
    DEVICE_SUBJECT,
    DEVICE_SUMMARIES,
    VARIABLE_NAME,
    can_see_device,
    device_create,
    device_event,
    device_token_issue,
    variable_add,
)
from kendali.sensors.services.evaluation import (
    OFFLINE_JOB,
    RULES_JOB,
    level_of,
    offline_check,
    rules_tick,
)
from kendali.sensors.services.jobs import (
    job_offline,
    job_retention,
    job_rules,
)
from kendali.sensors.services.notifications import (
    subscription_save,
)
from kendali.sensors.services.readings import (
    IngestResult,
    device_heartbeat,
    readings_import_csv,
    readings_ingest,
    readings_purge,
)
from kendali.sensors.services.rules import (
    NUMBER_FIELDS,
    RULE_FIELDS,
    SECONDS_FIELDS,
    rule_delete,
    rule_save,
    rules_export,
    rules_import,
)

__all__ = [
    "DEVICE_AUDIT_FIELDS",
    "DEVICE_SUBJECT",
    "DEVICE_SUMMARIES",
    "IngestResult",
    "NUMBER_FIELDS",
    "OFFLINE_JOB",
    "RULES_JOB",
    "RULE_FIELDS",
    "SECONDS_FIELDS",
    "VARIABLE_NAME",
    "alarm_acknowledge",
    "alarm_assign",
    "alarm_clear",
    "alarm_event",
    "alarm_note_add",
    "device_heartbeat",
    "can_see_device",
    "device_create",
    "device_event",
    "device_token_issue",
    "job_offline",
    "on_incident_close",
    "on_incident_merge",
    "job_retention",
    "job_rules",
    "level_of",
    "offline_check",
    "readings_import_csv",
    "readings_ingest",
    "readings_purge",
    "rule_delete",
    "rule_save",
    "rules_export",
    "rules_import",
    "rules_tick",
    "subscription_save",
    "variable_add",
]
