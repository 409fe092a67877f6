"""Alarm rules: validation, create/update/delete, JSON export and import."""

from __future__ import annotations

import json
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
BAND_FIELDS = ("waspada", "siaga", "awas")


class _Bad(Exception):
    """One field's problem, in the words the form or the API client is shown (messages
    built at import time are lazy: translated in the language of the request)."""


def _name(value):
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise _Bad(_("Wajib diisi."))
    if len(name) > 200:
        raise _Bad(_("Paling banyak 200 karakter."))
    return name


def _finite_number(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(_("Harus berupa angka."))
    if not math.isfinite(float(value)) or abs(value) > ingest.MAX_ABS_VALUE:
        raise _Bad(_("Angka di luar batas."))
    return float(value)


def _seconds(value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(_("Harus berupa bilangan bulat detik."))
    if not 0 <= value <= MAX_RULE_SECONDS:
        raise _Bad(_("Antara 0 dan 30 hari (dalam detik)."))
    return value


def _one_of(values, message, *, blank: bool = False):
    def check(value):
        if (blank and not value) or value in values:
            return value
        raise _Bad(message)

    return check


def _boolean(value):
    if not isinstance(value, bool):
        raise _Bad(_("Harus true atau false."))
    return value


def _incident_type(value):
    if not isinstance(value, str) or len(value) > 40:
        raise _Bad(_("Kode jenis kejadian tidak valid."))
    return value


def _agency_codes(value):
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise _Bad(_("Daftar kode instansi."))
    known = set(Agency.objects.filter(code__in=value).values_list("code", flat=True))
    if unknown := set(value) - known:
        raise _Bad(_("Instansi tidak dikenal: %(c)s") % {"c": ", ".join(sorted(unknown))})
    return value


_OPTIONAL = object()  # an absent field that needs no check

# Each field's check, and the value it is checked as when absent (_OPTIONAL: not checked).
# A check returns the value to store, or raises _Bad.
FIELD_CHECKS = (
    ("kind", _one_of(RuleKind.values, gettext_lazy("Jenis aturan tidak dikenal.")), None),
    ("name", _name, None),
    *((key, _finite_number, _OPTIONAL) for key in NUMBER_FIELDS),
    *((key, _seconds, 0) for key in SECONDS_FIELDS),
    ("operator", _one_of(Operator.values, gettext_lazy("Operator tidak dikenal.")), _OPTIONAL),
    ("level", _one_of(Level.values, gettext_lazy("Tingkat tidak dikenal."), blank=True), _OPTIONAL),
    (
        "incident_level",
        _one_of(Level.values, gettext_lazy("Tingkat tidak dikenal."), blank=True),
        _OPTIONAL,
    ),
    ("open_incident", _boolean, _OPTIONAL),
    ("is_active", _boolean, _OPTIONAL),
    (
        "incident_priority",
        _one_of(PRIORITIES, gettext_lazy("Prioritas: P1, P2, P3 atau P4."), blank=True),
        _OPTIONAL,
    ),
    ("incident_type", _incident_type, ""),
    ("incident_agencies", _agency_codes, []),
)


def _variable_on_device(fields: dict, device: Device):
    if fields.get("kind") == RuleKind.OFFLINE:
        return None  # offline rules watch the whole device
    variable = fields.get("variable")
    if isinstance(variable, str) and device.variables.filter(name=variable).exists():
        return None
    return _("Variabel tidak ada pada perangkat ini.")


def _threshold_needed(fields: dict, device: Device):
    needs = fields.get("kind") in (RuleKind.THRESHOLD, RuleKind.RATE_OF_RISE)
    return _("Ambang wajib diisi.") if needs and fields.get("threshold") is None else None


def _window_needed(fields: dict, device: Device):
    needs = fields.get("kind") == RuleKind.RATE_OF_RISE
    return _("Jendela waktu wajib diisi.") if needs and not fields.get("window_seconds") else None


def _bands_ascending(fields: dict, device: Device):
    if fields.get("kind") != RuleKind.BANDS:
        return None
    bands = [fields.get(key) for key in BAND_FIELDS]
    if all(isinstance(b, float) for b in bands) and bands[0] < bands[1] < bands[2]:
        return None
    return _("Isi batas waspada < siaga < awas.")


# What depends on more than one field (or on the device); a field's own problem comes first.
RULE_CHECKS = (
    ("variable", _variable_on_device),
    ("threshold", _threshold_needed),
    ("window_seconds", _window_needed),
    ("bands", _bands_ascending),
)


def _clean_rule(device: Device, data: dict) -> dict:
    """Check every field of a rule (from a form, the API or an imported JSON document) and
    return the values to store; problems are reported per field."""
    errors: dict[str, list[str]] = {}
    fields = {k: data[k] for k in RULE_FIELDS if k in data}
    for key, check, absent in FIELD_CHECKS:
        value = fields.get(key, absent)
        if value is _OPTIONAL:
            continue
        try:
            cleaned = check(value)
        except _Bad as bad:
            errors[key] = [str(bad)]
            continue
        if key in fields:
            fields[key] = cleaned
    if fields.get("kind") == RuleKind.OFFLINE:
        fields["variable"] = ""
    for key, rule_check in RULE_CHECKS:
        if key not in errors and (message := rule_check(fields, device)):
            errors[key] = [message]
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
