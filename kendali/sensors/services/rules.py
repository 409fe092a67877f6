"""Alarm rules: validation, create/update/delete, JSON export and import."""

from __future__ import annotations

import json
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.errors import Invalid, NotAllowed, NotFound
from kendali.core.models import Agency
from kendali.sensors import ingest
from kendali.sensors.choices import (
    MAX_RULE_SECONDS,
    PRIORITIES,
    AlarmStatus,
    Level,
    Operator,
    RuleKind,
)
from kendali.sensors.models import (
    Alarm,
    AlarmNote,
    Device,
    Rule,
    RuleState,
)
from kendali.sensors.services.alarms import _publish_alarm
from kendali.sensors.services.devices import can_see_device

RULE_FIELDS = [
    "name",
    "variable",
    "kind",
    "operator",
    "threshold",
    "duration_seconds",
    "window_seconds",
    "waspada",
    "siaga",
    "awas",
    "level",
    "open_incident",
    "incident_level",
    "incident_type",
    "incident_priority",
    "incident_agencies",
    "is_active",
]


NUMBER_FIELDS = ("threshold", "waspada", "siaga", "awas")
SECONDS_FIELDS = ("duration_seconds", "window_seconds")


def _clean_rule(device: Device, data: dict) -> dict:
    """Check every field of a rule (from a form, the API or an imported JSON document) and
    return the values to store; problems are reported per field."""
    errors: dict[str, list[str]] = {}
    fields = {k: data[k] for k in RULE_FIELDS if k in data}
    kind = fields.get("kind")
    if kind not in RuleKind.values:
        errors["kind"] = [_("Jenis aturan tidak dikenal.")]
    name = fields.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = [_("Wajib diisi.")]
    elif len(name) > 200:
        errors["name"] = [_("Paling banyak 200 karakter.")]
    fields["name"] = name
    for key in NUMBER_FIELDS:
        value = fields.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors[key] = [_("Harus berupa angka.")]
        elif not math.isfinite(float(value)) or abs(value) > ingest.MAX_ABS_VALUE:
            errors[key] = [_("Angka di luar batas.")]
        else:
            fields[key] = float(value)
    for key in SECONDS_FIELDS:
        value = fields.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int):
            errors[key] = [_("Harus berupa bilangan bulat detik.")]
        elif not 0 <= value <= MAX_RULE_SECONDS:
            errors[key] = [_("Antara 0 dan 30 hari (dalam detik).")]
    if kind == RuleKind.OFFLINE:
        fields["variable"] = ""  # offline rules watch the whole device
    elif (
        not isinstance(fields.get("variable"), str)
        or not device.variables.filter(name=fields["variable"]).exists()
    ):
        errors["variable"] = [_("Variabel tidak ada pada perangkat ini.")]
    if kind in (RuleKind.THRESHOLD, RuleKind.RATE_OF_RISE) and fields.get("threshold") is None:
        errors.setdefault("threshold", [_("Ambang wajib diisi.")])
    if kind == RuleKind.RATE_OF_RISE and not fields.get("window_seconds"):
        errors.setdefault("window_seconds", [_("Jendela waktu wajib diisi.")])
    if kind == RuleKind.BANDS:
        bands = [fields.get(k) for k in ("waspada", "siaga", "awas")]
        if any(not isinstance(b, float) for b in bands) or not bands[0] < bands[1] < bands[2]:
            errors["bands"] = [_("Isi batas waspada < siaga < awas.")]
    if fields.get("operator", Operator.ABOVE) not in Operator.values:
        errors["operator"] = [_("Operator tidak dikenal.")]
    for key in ("level", "incident_level"):
        if fields.get(key) and fields[key] not in Level.values:
            errors[key] = [_("Tingkat tidak dikenal.")]
    for key in ("open_incident", "is_active"):
        if key in fields and not isinstance(fields[key], bool):
            errors[key] = [_("Harus true atau false.")]
    if fields.get("incident_priority") and fields["incident_priority"] not in PRIORITIES:
        errors["incident_priority"] = [_("Prioritas: P1, P2, P3 atau P4.")]
    incident_type = fields.get("incident_type", "")
    if not isinstance(incident_type, str) or len(incident_type) > 40:
        errors["incident_type"] = [_("Kode jenis kejadian tidak valid.")]
    agencies = fields.get("incident_agencies", [])
    if not isinstance(agencies, list) or not all(isinstance(a, str) for a in agencies):
        errors["incident_agencies"] = [_("Daftar kode instansi.")]
    else:
        unknown = set(agencies) - set(
            Agency.objects.filter(code__in=agencies).values_list("code", flat=True)
        )
        if unknown:
            errors["incident_agencies"] = [
                _("Instansi tidak dikenal: %(c)s") % {"c": ", ".join(sorted(unknown))}
            ]
    if errors:
        raise Invalid(_("Aturan tidak valid."), errors=errors)
    return fields


@transaction.atomic
def rule_save(*, actor: Actor, device: Device, rule_id: int | None = None, **data) -> Rule:
    """Create or update an alarm rule: the rule ``rule_id`` of the device when given (it
    may then be renamed), else the device's rule of that name. Fields not given keep their
    current value (or the model default for a new rule)."""
    if not actor.has_perm("sensors.change_rule"):
        raise NotAllowed(_("Peran Anda tidak berhak mengubah aturan alarm."))
    if not can_see_device(actor, device):
        raise NotAllowed(_("Perangkat ini bukan milik instansi Anda."))
    rules = Rule.objects.select_for_update().filter(device=device)
    if rule_id is not None:
        rule = rules.filter(pk=rule_id).first()
        if rule is None:
            raise NotFound(_("Aturan tidak ditemukan."))
    else:
        name = data.get("name")
        rule = rules.filter(name=name.strip()).first() if isinstance(name, str) else None
    before = snapshot(rule, RULE_FIELDS) if rule else {}
    fields = _clean_rule(device, {**before, **data})
    if rules.filter(name=fields["name"]).exclude(pk=rule.pk if rule else None).exists():
        raise Invalid(
            _("Perangkat ini sudah punya aturan bernama %(n)s.") % {"n": fields["name"]},
            errors={"name": [_("Nama sudah dipakai.")]},
        )
    if rule is None:
        rule = Rule(device=device)
    elif (before["kind"], before["variable"]) != (fields["kind"], fields["variable"]):
        _close_rule_alarm(rule, actor, _("Aturan alarm diubah; alarm selesai."))
    for key, value in fields.items():
        setattr(rule, key, value)
    rule.save()
    RuleState.objects.get_or_create(rule=rule)
    changes = diff(before, snapshot(rule, RULE_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            action="sensors.rule.update" if before else "sensors.rule.create",
            obj=rule,
            changes=changes,
        )
    return rule


def _close_rule_alarm(rule: Rule, actor: Actor, text: str) -> None:
    """The rule no longer watches what its open alarm was about: clear that alarm and
    start the rule afresh."""
    alarm = (
        Alarm.objects.select_for_update()
        .select_related("device")
        .filter(rule=rule)
        .exclude(status=AlarmStatus.CLEARED)
        .first()
    )
    if alarm is not None:
        alarm.status = AlarmStatus.CLEARED
        alarm.cleared_at = timezone.now()
        alarm.save(update_fields=["status", "cleared_at"])
        AlarmNote.objects.create(
            alarm=alarm, author=actor.user, author_label=actor.label, text=text
        )
        _publish_alarm(alarm, "cleared")
    RuleState.objects.filter(rule=rule).update(
        condition_since=None, condition_level="", last_time=None, last_value=None, in_episode=False
    )


@transaction.atomic
def rule_delete(*, actor: Actor, rule_id: int) -> None:
    """Delete a rule; its open alarm (which no rule could clear any more) is cleared."""
    if not actor.has_perm("sensors.change_rule"):
        raise NotAllowed(_("Peran Anda tidak berhak mengubah aturan alarm."))
    rule = Rule.objects.select_for_update().select_related("device").filter(pk=rule_id).first()
    if rule is None or not can_see_device(actor, rule.device):
        raise NotFound(_("Aturan tidak ditemukan."))
    _close_rule_alarm(rule, actor, _("Aturan alarm dihapus; alarm selesai."))
    audit_record(
        actor=actor,
        action="sensors.rule.delete",
        obj=rule,
        changes=diff(snapshot(rule, RULE_FIELDS), {}),
    )
    rule.delete()


def rules_export(*, actor: Actor, rules) -> dict:
    return {
        "format": "kendali.sensors.rules",
        "version": 1,
        "rules": [{"device": r.device.code, **snapshot(r, RULE_FIELDS)} for r in rules],
    }


@transaction.atomic
def rules_import(*, actor: Actor, data) -> list[Rule]:
    """Import rules exported by :func:`rules_export`: all or nothing, errors per rule."""
    if not actor.has_perm("sensors.change_rule"):
        raise NotAllowed(_("Peran Anda tidak berhak mengubah aturan alarm."))
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError:
            raise Invalid(_("Berkas bukan JSON yang valid."))
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise Invalid(_("Format aturan tidak dikenal: diperlukan objek dengan daftar 'rules'."))
    codes = {r.get("device") for r in data["rules"] if isinstance(r, dict)}
    devices = {d.code: d for d in Device.objects.filter(code__in=[c for c in codes if c])}
    saved, errors = [], {}
    for index, item in enumerate(data["rules"]):
        device = devices.get(item.get("device")) if isinstance(item, dict) else None
        if device is None:
            errors[str(index)] = [_("Perangkat tidak dikenal.")]
            continue
        fields = {k: v for k, v in item.items() if k in RULE_FIELDS}
        try:
            saved.append(rule_save(actor=actor, device=device, **fields))
        except Invalid as exc:
            errors[str(index)] = exc.errors or [exc.detail]
    if errors:
        raise Invalid(_("Sebagian aturan tidak valid; tidak ada yang diimpor."), errors=errors)
    return saved
