"""Every write of the sensors module: devices, readings, rules, alarms, subscriptions.

Keyword-only, authorized, one transaction each, events published on commit. Readings
(telemetry) are not written to the audit log one by one: the audit log records who
changed devices, rules and alarms; readings themselves are the record.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.choices import TokenScope
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.models import Agency, MachineToken, User
from kendali.core.scope import may_see_agency
from kendali.sensors import conf, incidentlink, ingest
from kendali.sensors.choices import (
    DEFAULT_VARIABLES,
    LEVEL_ORDER,
    MAX_RULE_SECONDS,
    PRIORITIES,
    VARIABLE_LABELS,
    AlarmStatus,
    DeviceKind,
    DeviceStatus,
    Level,
    Operator,
    RuleKind,
)
from kendali.sensors.models import (
    Alarm,
    AlarmNote,
    AlarmSubscription,
    Device,
    Reading,
    Rule,
    RuleState,
    Variable,
)

# The jobs that raise alarms with no reading (and no person) behind them, by name.
RULES_JOB = Actor.system("sensors.rules")
OFFLINE_JOB = Actor.system("sensors.offline")
DEVICE_SUBJECT = "sensors.device"
DEVICE_AUDIT_FIELDS = [
    "code",
    "name",
    "kind",
    "latitude",
    "longitude",
    "agency",
    "heartbeat_seconds",
    "is_active",
]
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


def can_see_device(actor: Actor, device: Device) -> bool:
    return may_see_agency(actor, device.agency_id)


# --- devices -------------------------------------------------------------------------------


def _locate(device: Device) -> None:
    from kendali.regions.locate import InvalidCoordinate, locate
    from kendali.regions.models import Region

    device.kelurahan = device.kecamatan = None
    if device.latitude is None or device.longitude is None:
        return
    try:
        where = locate(device.latitude, device.longitude)
    except InvalidCoordinate as exc:
        raise Invalid(str(exc), errors={"latitude": [str(exc)]})
    if where.inside:
        regions = Region.objects.in_bulk([where.kelurahan_kode, where.kecamatan_kode])
        device.kelurahan = regions.get(where.kelurahan_kode)
        device.kecamatan = regions.get(where.kecamatan_kode)


@transaction.atomic
def device_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    agency: Agency,
    latitude: float | None = None,
    longitude: float | None = None,
    heartbeat_seconds: int = 300,
    variables: list[tuple[str, str]] | None = None,
    with_token: bool = True,
) -> tuple[Device, str]:
    """Register a device with its variables and issue its one token. Returns (device,
    plain token or "")."""
    if not actor.has_perm("sensors.add_device"):
        raise NotAllowed(_("Peran Anda tidak berhak mendaftarkan perangkat sensor."))
    if not may_see_agency(actor, agency.pk):
        raise NotAllowed(_("Anda hanya boleh mendaftarkan perangkat instansi Anda."))
    if kind not in DeviceKind.values:
        raise Invalid(_("Jenis perangkat tidak dikenal."), errors={"kind": [kind]})
    if Device.objects.filter(code=code).exists():
        raise Invalid(_("Kode perangkat %(c)s sudah dipakai.") % {"c": code})
    if heartbeat_seconds < 10:
        raise Invalid(_("Interval kirim minimal 10 detik."))
    device = Device(
        code=code,
        name=name,
        kind=kind,
        agency=agency,
        latitude=latitude,
        longitude=longitude,
        heartbeat_seconds=heartbeat_seconds,
    )
    _locate(device)
    try:
        device.full_clean(exclude=["kelurahan", "kecamatan"])
    except Exception as exc:  # ValidationError -> 422 with field messages
        raise Invalid(_("Data perangkat tidak valid."), errors=getattr(exc, "message_dict", None))
    device.save()
    wanted = variables if variables is not None else DEFAULT_VARIABLES.get(kind, [])
    Variable.objects.bulk_create(
        [Variable(device=device, name=vname, unit=unit) for vname, unit in wanted]
    )
    audit_record(
        actor=actor,
        action="sensors.device.create",
        obj=device,
        changes={
            **diff({}, snapshot(device, DEVICE_AUDIT_FIELDS)),
            "variables": [None, [f"{n} [{u}]" for n, u in wanted]],
        },
    )
    plain = device_token_issue(actor=actor, device=device) if with_token else ""
    publish(
        "sensors.device.created",
        device_event(device, "created"),
        perm="sensors.view_device",
        agency_ids=[device.agency_id],
    )
    return device, plain


VARIABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,59}")


@transaction.atomic
def variable_add(*, actor: Actor, device: Device, name: str, unit: str = "") -> Variable:
    """Add a measured variable (FIWARE attribute name) with its unit to a device."""
    if not actor.has_perm("sensors.change_device"):
        raise NotAllowed(_("Peran Anda tidak berhak mengubah perangkat sensor."))
    if not can_see_device(actor, device):
        raise NotAllowed(_("Perangkat ini bukan milik instansi Anda."))
    name, unit = (name or "").strip(), (unit or "").strip()
    if not VARIABLE_NAME.fullmatch(name):
        raise Invalid(
            _("Nama variabel: huruf, angka dan garis bawah, diawali huruf (maks. 60)."),
            errors={"name": [name[:60]]},
        )
    if len(unit) > 20:
        raise Invalid(_("Satuan paling banyak 20 karakter."), errors={"unit": [unit[:20]]})
    try:
        # The unique constraint decides, also when two people add the same name at once.
        with transaction.atomic():
            variable = Variable.objects.create(device=device, name=name, unit=unit)
    except IntegrityError:
        raise Invalid(
            _("Variabel %(n)s sudah ada pada perangkat ini.") % {"n": name},
            errors={"name": [_("Sudah ada.")]},
        )
    audit_record(
        actor=actor,
        action="sensors.variable.add",
        obj=device,
        changes={"variable": [None, f"{name} [{unit}]"]},
    )
    return variable


@transaction.atomic
def device_token_issue(*, actor: Actor, device: Device) -> str:
    """One token per device: issuing a new one revokes the previous ones."""
    from kendali.core.services import token_create, token_revoke

    for old in MachineToken.objects.filter(
        subject_type=DEVICE_SUBJECT, subject_id=str(device.pk), revoked_at__isnull=True
    ):
        token_revoke(actor=actor, token_id=old.pk)
    _token, plain = token_create(
        actor=actor,
        name=f"Sensor {device.code}",
        scopes=[TokenScope.DEVICE],
        agency=device.agency,
        subject_type=DEVICE_SUBJECT,
        subject_id=str(device.pk),
    )
    return plain


def _number(value: float) -> str:
    """1.82 -> "1,82" (the active language's decimal separator), 182.0 -> "182"."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def _place(device: Device) -> str:
    """ " · Kel. Kasemen" unless the device's name already says where it is."""
    name = device.kelurahan.nama if device.kelurahan_id else ""
    if not name or name.lower() in device.name.lower():
        return ""
    return " · " + _("Kel. %(k)s") % {"k": name}


DEVICE_SUMMARIES = {
    "created": _("Sensor baru terdaftar — %(device)s (%(kind)s)"),
    "offline": _("Sensor tidak mengirim data — %(device)s"),
    "online": _("Sensor kembali mengirim data — %(device)s"),
}


def device_event(device: Device, verb: str = "", *, quiet: bool = False) -> dict:
    """Event data of a device; ``summary`` is the sentence the control-room wall shows.
    ``quiet``: the change refreshes maps and lists but is not a ticker line of its own (a
    device going offline or back whose offline rule raises or clears an alarm: one line,
    the alarm's)."""
    kind = DeviceKind(device.kind).label if device.kind in DeviceKind.values else device.kind
    summary = DEVICE_SUMMARIES.get(verb, _("Sensor %(device)s"))
    return {
        "id": device.pk,
        "code": device.code,
        "name": device.name,
        "device_name": device.name,
        "kind": device.kind,
        "kind_label": str(kind),
        "status": device.status,
        "status_label": str(DeviceStatus(device.status).label),
        "lat": device.latitude,
        "lon": device.longitude,
        "kelurahan": device.kelurahan_id,
        "kelurahan_name": device.kelurahan.nama if device.kelurahan_id else "",
        "agency_id": device.agency_id,
        "summary": (summary % {"device": device.name, "kind": kind}) + _place(device),
        **({"quiet": True} if quiet else {}),
    }


# --- readings ------------------------------------------------------------------------------


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)
    alarms: list[int] = field(default_factory=list)
    # history older than the raw retention counted into the rollups only (CSV import)
    summarized: int = 0

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "alarms": self.alarms,
        }


def _ingest_device_of(actor: Actor) -> Device | None:
    """The one device a device token may write; None for people and the system."""
    if actor.token is not None:
        token = actor.token
        if not actor.has_scope(TokenScope.DEVICE) or token.subject_type != DEVICE_SUBJECT:
            raise NotAllowed(_("Token ini bukan token perangkat sensor."))
        device = Device.objects.filter(pk=token.subject_id).first()
        if device is None:
            raise NotAllowed(_("Perangkat token ini sudah tidak ada."))
        return device
    if not actor.has_perm("sensors.ingest_reading"):
        raise NotAllowed(_("Peran Anda tidak berhak mengirim data sensor."))
    return None


def readings_ingest(
    *, actor: Actor, items: list, now: datetime | None = None, history: bool = False
) -> IngestResult:
    """Store a batch of readings; each item is accepted or rejected with a reason.

    Idempotent on (device, variable, time). Rollups, latest values, device status and
    alarm rules are updated in the same transaction; alarm events go out on commit.
    ``history`` (history import): readings older than the raw retention are counted into
    the rollups only, by whole minutes (:func:`ingest.store_history`), instead of being
    refused; they touch no latest value, device status or rule.
    """
    only_device = _ingest_device_of(actor)
    if not isinstance(items, list):
        raise Invalid(_("Isi permintaan harus berupa daftar bacaan."))
    if len(items) > conf.MAX_BATCH:
        raise Invalid(
            _("Satu kiriman paling banyak %(n)d bacaan.") % {"n": conf.MAX_BATCH},
            code="batch-too-large",
        )
    if only_device is not None:
        for item in items:
            code = item.get("device") if isinstance(item, dict) else None
            if code is not None and code != only_device.code:
                # A device token writes its own device only; a whole batch that tries
                # another device is refused, not silently filtered.
                raise NotAllowed(_("Token perangkat hanya boleh mengirim data perangkatnya."))
    now = now or timezone.now()
    devices, variables = ingest.lookup(items, only_device)
    prepared = ingest.prepare(
        items,
        devices=devices,
        variables=variables,
        only_device=only_device,
        now=now,
        keep_old=history,
    )
    result = IngestResult(received=len(items), rejected=prepared.rejected)
    if prepared.old_rows:
        with transaction.atomic():
            summarized = ingest.store_history(prepared.old_rows)
        result.summarized = len(summarized)
        prepared.duplicates_in_batch += len(prepared.old_rows) - len(summarized)
    if not prepared.rows:
        result.duplicates = prepared.duplicates_in_batch
        return result
    by_id = {v.pk: v for v in variables.values()}
    with transaction.atomic():
        new_rows = ingest.store(prepared.rows)
        ingest.update_rollups(new_rows)
        ingest.update_latest(new_rows)
        _devices_seen(new_rows, by_id, now)
        result.alarms = _evaluate_rules(ingest.group_by_variable(new_rows), by_id, now, actor)
    result.stored = len(new_rows)
    result.duplicates = prepared.duplicates_in_batch + len(prepared.rows) - len(new_rows)
    return result


def _devices_seen(new_rows: list[tuple], variables: dict[int, Variable], now: datetime) -> None:
    newest: dict[int, float] = {}
    for variable_id, _t, _v, ts in new_rows:
        device_id = variables[variable_id].device_id
        if ts > newest.get(device_id, 0):
            newest[device_id] = ts
    moved: dict[int, datetime] = {}
    for device_id, ts in newest.items():
        at = datetime.fromtimestamp(ts, tz=UTC)
        # Conditional UPDATE: only moves forward, whatever order batches commit in.
        if (
            Device.objects.filter(pk=device_id)
            .filter(Q(last_value_at__isnull=True) | Q(last_value_at__lt=at))
            .update(last_value_at=at)
        ):
            moved[device_id] = at
    if not moved:
        return  # only older readings (history, a late burst): the device status stays
    back = list(
        Device.objects.select_for_update(of=("self",))
        .filter(pk__in=moved)
        .exclude(status=DeviceStatus.ONLINE)
        .select_related("kelurahan")
    )
    for device in back:
        was_offline = device.status == DeviceStatus.OFFLINE
        if was_offline and (now - moved[device.pk]).total_seconds() > 2 * device.heartbeat_seconds:
            # Newer, but still older than the offline window: offline_check would mark it
            # offline again at its next run, so it stays offline (no alarm flapping).
            continue
        device.status = DeviceStatus.ONLINE
        device.save(update_fields=["status"])
        if was_offline:
            watched = list(device.rules.filter(kind=RuleKind.OFFLINE, is_active=True))
            publish(
                "sensors.device.online",
                device_event(device, "online", quiet=bool(watched)),
                perm="sensors.view_device",
                agency_ids=[device.agency_id],
            )
            for rule in watched:
                state = _locked_state(rule)
                if state.in_episode:
                    _episode_off(rule, state, now)
                    state.save()


@transaction.atomic
def readings_import_csv(*, actor: Actor, text: str, batch: int = conf.MAX_BATCH) -> IngestResult:
    """CSV history: header ``device,variable,time,value[,unit]``; rejected lines carry
    their line number. Lines older than the raw retention go into the rollups only."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise Invalid(_("Berkas CSV rusak: %(e)s") % {"e": exc})
    missing = {"device", "variable", "time", "value"} - set(fieldnames or [])
    if missing:
        raise Invalid(_("Kolom CSV kurang: %(c)s") % {"c": ", ".join(sorted(missing))})
    total = IngestResult()
    chunk: list[dict] = []
    lines: list[int] = []

    def flush():
        result = readings_ingest(actor=actor, items=chunk, history=True)
        total.received += result.received
        total.stored += result.stored
        total.summarized += result.summarized
        total.duplicates += result.duplicates
        total.alarms += result.alarms
        for rejected in result.rejected:
            total.rejected.append({**rejected, "line": lines[rejected["index"]]})
        chunk.clear()
        lines.clear()

    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field over the csv module's size limit
            raise Invalid(
                _("Berkas CSV rusak pada baris %(n)d: %(e)s") % {"n": reader.line_num, "e": exc}
            )
        item = {k: (v or "").strip() for k, v in row.items() if k}
        try:
            item["value"] = float(item["value"])
        except ValueError:
            pass  # kept as text: rejected with a reason by the ingest checks
        if not item.get("unit"):
            item.pop("unit", None)
        chunk.append(item)
        lines.append(reader.line_num)
        if len(chunk) >= batch:
            flush()
    if chunk:
        flush()
    return total


@transaction.atomic
def readings_purge(*, now: datetime | None = None) -> int:
    """Retention: delete raw readings older than the configured days (rollups stay)."""
    cutoff = (now or timezone.now()) - timedelta(days=conf.RAW_RETENTION_DAYS)
    deleted, _ = Reading.objects.filter(time__lt=cutoff).delete()
    return deleted


# --- rules -----------------------------------------------------------------------------------


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


# --- rule evaluation -------------------------------------------------------------------------


def _locked_state(rule: Rule) -> RuleState:
    # Race: two ingest batches (or a batch and the rules job) evaluating the same rule at
    # once would both see "no episode" and raise twice; the row lock serializes them.
    state = RuleState.objects.select_for_update().filter(rule=rule).first()
    if state is None:
        state, _ = RuleState.objects.get_or_create(rule=rule)
        state = RuleState.objects.select_for_update().get(rule=rule)
    return state


def level_of(rule: Rule, value: float) -> str:
    if rule.kind == RuleKind.BANDS:
        if value >= rule.awas:
            return Level.AWAS
        if value >= rule.siaga:
            return Level.SIAGA
        if value >= rule.waspada:
            return Level.WASPADA
        return Level.NORMAL
    hit = value > rule.threshold if rule.operator != Operator.BELOW else value < rule.threshold
    return rule.level if hit else Level.NORMAL


def _evaluate_rules(
    new_by_variable: dict[int, list[tuple[float, float]]],
    variables: dict[int, Variable],
    now: datetime,
    actor: Actor,
) -> list[int]:
    if not new_by_variable:
        return []
    wanted = {(variables[v].device_id, variables[v].name): v for v in new_by_variable}
    rules = [
        r
        for r in Rule.objects.filter(
            is_active=True,
            device_id__in={d for d, _ in wanted},
            kind__in=[RuleKind.THRESHOLD, RuleKind.BANDS, RuleKind.RATE_OF_RISE],
        ).select_related("device", "device__kelurahan")
        if (r.device_id, r.variable) in wanted
    ]
    touched: list[int] = []
    for rule in rules:
        variable_id = wanted[(rule.device_id, rule.variable)]
        state = _locked_state(rule)
        after = state.last_time.timestamp() if state.last_time else None
        # Readings older than the newest one already evaluated are history (an
        # out-of-order burst): they are stored and rolled up but do not move the state.
        readings = [r for r in new_by_variable[variable_id] if after is None or r[0] > after]
        if not readings:
            continue
        if rule.kind == RuleKind.RATE_OF_RISE:
            readings = readings[-1:]
        for ts, value in readings:
            at = datetime.fromtimestamp(ts, tz=UTC)
            if rule.kind == RuleKind.RATE_OF_RISE:
                base = (
                    Reading.objects.filter(
                        variable_id=variable_id,
                        time__gte=at - timedelta(seconds=rule.window_seconds),
                        time__lte=at,
                    )
                    .order_by("time")
                    .values_list("value", flat=True)
                    .first()
                )
                rise = value - (base if base is not None else value)
                level = rule.level if rise >= rule.threshold else Level.NORMAL
            else:
                level = level_of(rule, value)
            alarm = _step(rule, state, at, value, level, now, actor)
            if alarm is not None:
                touched.append(alarm.pk)
        state.save()
    return sorted(set(touched))


def _step(
    rule: Rule,
    state: RuleState,
    at: datetime,
    value: float,
    level: str,
    now: datetime,
    actor: Actor,
) -> Alarm | None:
    state.last_time, state.last_value = at, value
    if level == Level.NORMAL:
        state.condition_since, state.condition_level = None, ""
        if state.in_episode:
            return _episode_off(rule, state, now)
        return None
    if state.condition_since is None:
        state.condition_since = at
    state.condition_level = level
    if (at - state.condition_since).total_seconds() >= rule.duration_seconds:
        return _episode_on(rule, state, level, value, now, actor)
    return None


def _message(rule: Rule, level: str, value: float | None) -> str:
    device = rule.device
    if rule.kind == RuleKind.OFFLINE:
        return _("%(d)s tidak mengirim data") % {"d": device.name}
    label = Level(level).label
    return _("%(level)s: %(rule)s — %(var)s %(value)s") % {
        "level": label,
        "rule": rule.name,
        "var": rule.variable,
        "value": f"{value:g}" if value is not None else "—",
    }


def _alarm_summary(alarm: Alarm, verb: str) -> str:
    """The wall's sentence: "Awas — Pos TMA Kasemen: tinggi muka air 2,9 m"."""
    device = alarm.device
    level = Level(alarm.level).label
    if alarm.kind == RuleKind.OFFLINE:
        what = _("tidak mengirim data")
    else:
        name = alarm.rule.variable if alarm.rule is not None else ""
        unit = (
            device.variables.filter(name=name).values_list("unit", flat=True).first() or ""
            if name
            else ""
        )
        what = str(VARIABLE_LABELS.get(name, name))
        if alarm.value is not None:
            what = f"{what} {_number(alarm.value)} {unit}".strip()
    values = {"level": level, "device": device.name, "what": what}
    if verb == "acknowledged":
        text = _("Alarm diterima — %(device)s: %(what)s (%(level)s)") % values
    elif verb == "cleared":
        values["level"] = Level(alarm.peak_level).label
        text = _("Alarm %(level)s selesai — %(device)s") % values
    else:
        text = _("%(level)s — %(device)s: %(what)s") % values
        if alarm.incident_number:
            text += " · " + _("kejadian 112 %(n)s dibuka") % {"n": alarm.incident_number}
    return text + _place(device)


def alarm_event(alarm: Alarm, verb: str = "raised") -> dict:
    """Event data of an alarm (no personal data: who acknowledged is not in it);
    ``summary`` is the sentence the control-room wall shows."""
    device = alarm.device
    return {
        "id": alarm.pk,
        "device": device.code,
        "device_name": device.name,
        "kind": alarm.kind,
        "level": alarm.level,
        "level_label": str(Level(alarm.level).label),
        "peak_level": alarm.peak_level,
        "status": alarm.status,
        "message": alarm.message,
        "value": alarm.value,
        "lat": device.latitude,
        "lon": device.longitude,
        "kelurahan": device.kelurahan_id,
        "kelurahan_name": device.kelurahan.nama if device.kelurahan_id else "",
        "agency_id": device.agency_id,
        "incident_number": alarm.incident_number,
        "summary": _alarm_summary(alarm, verb),
    }


def _publish_alarm(alarm: Alarm, verb: str) -> None:
    publish(
        f"sensors.alarm.{verb}",
        alarm_event(alarm, verb),
        perm="sensors.view_alarm",
        agency_ids=[alarm.device.agency_id],
    )


def _episode_on(
    rule: Rule,
    state: RuleState,
    level: str,
    value: float | None,
    now: datetime,
    actor: Actor,
    started_at: datetime | None = None,
) -> Alarm | None:
    """``actor`` is who brought the reading (a device token, the MQTT consumer) or the job
    that found the condition; an incident opened for the alarm is asked for on their behalf."""
    if not state.in_episode:
        state.in_episode = True
        alarm = Alarm.objects.filter(rule=rule).exclude(status=AlarmStatus.CLEARED).first()
        if alarm is None:
            try:
                with transaction.atomic():
                    alarm = Alarm.objects.create(
                        rule=rule,
                        device=rule.device,
                        kind=rule.kind,
                        level=level,
                        peak_level=level,
                        message=_message(rule, level, value)[:300],
                        value=value,
                        started_at=started_at or state.condition_since or now,
                        raised_at=now,
                    )
            except IntegrityError:
                # The one-open-alarm-per-rule constraint: someone else raised it.
                alarm = Alarm.objects.filter(rule=rule).exclude(status=AlarmStatus.CLEARED).first()
                return alarm
            _publish_alarm(alarm, "raised")
            _notify(alarm)
        _maybe_open_incident(rule, alarm, actor)
        return alarm
    alarm = (
        Alarm.objects.select_for_update()
        .filter(rule=rule)
        .exclude(status=AlarmStatus.CLEARED)
        .first()
    )
    if alarm is None:
        return None  # cleared by hand during the episode: stays quiet until it ends
    alarm.rule = rule
    if alarm.level != level:
        escalated = LEVEL_ORDER[level] > LEVEL_ORDER[alarm.peak_level]
        alarm.level = level
        if escalated:
            alarm.peak_level = level
        alarm.value = value
        alarm.message = _message(rule, level, value)[:300]
        alarm.save(update_fields=["level", "peak_level", "value", "message"])
        _publish_alarm(alarm, "updated")
        if escalated:
            _notify(alarm)
    _maybe_open_incident(rule, alarm, actor)
    return alarm


def _episode_off(rule: Rule, state: RuleState, now: datetime) -> Alarm | None:
    state.in_episode = False
    alarm = (
        Alarm.objects.select_for_update()
        .filter(rule=rule)
        .exclude(status=AlarmStatus.CLEARED)
        .first()
    )
    if alarm is None:
        return None
    alarm.status = AlarmStatus.CLEARED
    alarm.cleared_at = now
    alarm.level = Level.NORMAL if rule.kind != RuleKind.OFFLINE else alarm.level
    alarm.save(update_fields=["status", "cleared_at", "level"])
    AlarmNote.objects.create(
        alarm=alarm, author_label="sistem", text=_("Kondisi kembali normal; alarm selesai.")
    )
    _publish_alarm(alarm, "cleared")
    return alarm


def _maybe_open_incident(rule: Rule, alarm: Alarm, actor: Actor) -> None:
    if not rule.open_incident or not rule.incident_level:
        return
    if LEVEL_ORDER[alarm.peak_level] < LEVEL_ORDER[rule.incident_level]:
        return
    # Once per episode: claim the alarm's incident slot with a conditional UPDATE, so
    # however many readings (or racing batches) reach "awas", only one opens an incident.
    claimed = Alarm.objects.filter(pk=alarm.pk, incident_id__isnull=True, incident_error="").update(
        incident_error="…"
    )
    if not claimed:
        return
    incident_id, number, error = incidentlink.open_incident(actor=actor, alarm=alarm, rule=rule)
    alarm.incident_id, alarm.incident_number, alarm.incident_error = incident_id, number, error
    Alarm.objects.filter(pk=alarm.pk).update(
        incident_id=incident_id, incident_number=number, incident_error=error
    )
    if incident_id:
        AlarmNote.objects.create(
            alarm=alarm,
            author_label="sistem",
            text=_("Kejadian 112 %(n)s dibuka otomatis.") % {"n": number or incident_id},
        )
        _publish_alarm(alarm, "updated")


def rules_tick(*, now: datetime | None = None) -> int:
    """Job: raise duration rules whose condition has held long enough although no new
    reading arrived since (the clock, not a reading, completes the duration)."""
    now = now or timezone.now()
    raised = 0
    states = RuleState.objects.filter(
        in_episode=False,
        condition_since__isnull=False,
        rule__is_active=True,
        rule__kind__in=[RuleKind.THRESHOLD, RuleKind.BANDS],
        rule__duration_seconds__gt=0,
    ).select_related("rule", "rule__device")
    for candidate in states:
        rule = candidate.rule
        if (now - candidate.condition_since).total_seconds() < rule.duration_seconds:
            continue
        with transaction.atomic():
            state = _locked_state(rule)
            if state.in_episode or state.condition_since is None:
                continue
            if _episode_on(rule, state, state.condition_level, state.last_value, now, RULES_JOB):
                raised += 1
            state.save()
    return raised


def offline_check(*, now: datetime | None = None) -> int:
    """Job: a device silent for twice its heartbeat interval goes offline (alarm for its
    offline rules)."""
    now = now or timezone.now()
    count = 0
    devices = Device.objects.filter(is_active=True).select_related("kelurahan")
    for device in devices.exclude(status=DeviceStatus.OFFLINE):
        last = device.last_value_at or device.created_at
        if (now - last).total_seconds() <= 2 * device.heartbeat_seconds:
            continue
        with transaction.atomic():
            # Conditional UPDATE: a batch that arrived meanwhile moved last_value_at and
            # wins; the device is not marked offline under its feet.
            marked = (
                Device.objects.filter(pk=device.pk, last_value_at=device.last_value_at)
                .exclude(status=DeviceStatus.OFFLINE)
                .update(status=DeviceStatus.OFFLINE)
            )
            if device.last_value_at is None:
                marked = (
                    Device.objects.filter(pk=device.pk, last_value_at__isnull=True)
                    .exclude(status=DeviceStatus.OFFLINE)
                    .update(status=DeviceStatus.OFFLINE)
                )
            if not marked:
                continue
            device.status = DeviceStatus.OFFLINE
            count += 1
            watched = list(device.rules.filter(kind=RuleKind.OFFLINE, is_active=True))
            publish(
                "sensors.device.offline",
                device_event(device, "offline", quiet=bool(watched)),
                perm="sensors.view_device",
                agency_ids=[device.agency_id],
            )
            for rule in watched:
                state = _locked_state(rule)
                _episode_on(rule, state, rule.level, None, now, OFFLINE_JOB, started_at=last)
                state.save()
    return count


def job_rules() -> None:
    rules_tick()


def job_offline() -> None:
    offline_check()


def job_retention() -> None:
    readings_purge()


# --- alarms ------------------------------------------------------------------------------------


def _alarm_for(actor: Actor, alarm_id: int, perm: str, lock: bool = True) -> Alarm:
    if not actor.has_perm(perm):
        raise NotAllowed(_("Peran Anda tidak berhak menangani alarm."))
    qs = Alarm.objects.select_related("device", "device__kelurahan")
    if lock:
        qs = qs.select_for_update(of=("self",))
    alarm = qs.filter(pk=alarm_id).first()
    if alarm is None or not can_see_device(actor, alarm.device):
        raise NotFound(_("Alarm tidak ditemukan."))
    return alarm


def _note(actor: Actor, alarm: Alarm, text: str) -> AlarmNote | None:
    text = (text or "").strip()
    if not text:
        return None
    return AlarmNote.objects.create(
        alarm=alarm, author=actor.user, author_label=actor.label, text=text[:4000]
    )


@transaction.atomic
def alarm_acknowledge(*, actor: Actor, alarm_id: int, note: str = "") -> Alarm:
    alarm = _alarm_for(actor, alarm_id, "sensors.change_alarm", lock=False)
    now = timezone.now()
    # Race: two operators acknowledging at once. The conditional UPDATE lets exactly one
    # move active -> acknowledged; the other is told who was first.
    moved = Alarm.objects.filter(pk=alarm.pk, status=AlarmStatus.ACTIVE).update(
        status=AlarmStatus.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=actor.user
    )
    alarm.refresh_from_db()
    if not moved:
        who = alarm.acknowledged_by.display_name if alarm.acknowledged_by else "—"
        raise Conflict(
            _("Alarm sudah %(s)s (oleh %(who)s).") % {"s": alarm.get_status_display(), "who": who}
        )
    _note(actor, alarm, note)
    audit_record(
        actor=actor,
        action="sensors.alarm.acknowledge",
        obj=alarm,
        changes={"status": [AlarmStatus.ACTIVE, AlarmStatus.ACKNOWLEDGED]},
    )
    _publish_alarm(alarm, "acknowledged")
    return alarm


@transaction.atomic
def alarm_clear(*, actor: Actor, alarm_id: int, note: str = "") -> Alarm:
    alarm = _alarm_for(actor, alarm_id, "sensors.change_alarm", lock=False)
    before = alarm.status
    # Conditional UPDATE: clearing twice (or clearing while the rule clears it) is one
    # transition only.
    moved = (
        Alarm.objects.filter(pk=alarm.pk)
        .exclude(status=AlarmStatus.CLEARED)
        .update(status=AlarmStatus.CLEARED, cleared_at=timezone.now())
    )
    alarm.refresh_from_db()
    if not moved:
        raise Conflict(_("Alarm sudah selesai."))
    _note(actor, alarm, note)
    audit_record(
        actor=actor,
        action="sensors.alarm.clear",
        obj=alarm,
        changes={"status": [before, AlarmStatus.CLEARED]},
    )
    _publish_alarm(alarm, "cleared")
    return alarm


def _clear_for_incident(actor: Actor, alarm: Alarm, text: str) -> None:
    before = alarm.status
    alarm.status = AlarmStatus.CLEARED
    alarm.cleared_at = timezone.now()
    alarm.save(update_fields=["status", "cleared_at"])
    AlarmNote.objects.create(alarm=alarm, author=actor.user, author_label=actor.label, text=text)
    audit_record(
        actor=actor,
        action="sensors.alarm.clear",
        obj=alarm,
        changes={"status": [before, AlarmStatus.CLEARED]},
        note=text[:500],
    )
    _publish_alarm(alarm, "cleared")


def _alarms_of_incident(incident_id: int) -> list[Alarm]:
    return list(
        Alarm.objects.select_for_update(of=("self",))
        .select_related("device", "device__kelurahan", "rule")
        .filter(incident_id=incident_id)
        .exclude(status=AlarmStatus.CLEARED)
        .order_by("pk")
    )


def on_incident_close(*, actor: Actor, incident, status: str) -> None:
    """Registered in core (IncidentGuard.on_close), run inside the closing transaction: the
    alarm that opened ``incident`` is done when the incident is (closed or cancelled), so it
    does not stay "Aktif" on the sensor screens and the wall. Its rule keeps watching; while
    the condition lasts it stays quiet (an episode cleared by hand), and a new episode raises
    a new alarm. Noted on the alarm and audited in the name of the person who closed it."""
    for alarm in _alarms_of_incident(incident.pk):
        _clear_for_incident(
            actor,
            alarm,
            _("Kejadian 112 %(n)s %(status)s oleh %(who)s; alarm selesai.")
            % {
                "n": incident.number,
                "status": incident.get_status_display().lower(),
                "who": actor.label,
            },
        )


def on_incident_merge(*, actor: Actor, source, target) -> None:
    """Registered in core (IncidentGuard.on_merge): an alarm whose incident is merged as a
    duplicate goes on with the incident it was merged into (the same event); when that one is
    already closed, the alarm is done with it."""
    from kendali.incidents.choices import OPEN_STATUSES

    for alarm in _alarms_of_incident(source.pk):
        if target.status not in OPEN_STATUSES:
            _clear_for_incident(
                actor,
                alarm,
                _(
                    "Kejadian 112 %(src)s digabung ke %(n)s yang sudah ditutup (oleh %(who)s); "
                    "alarm selesai."
                )
                % {"src": source.number, "n": target.number, "who": actor.label},
            )
            continue
        alarm.incident_id, alarm.incident_number = target.pk, target.number
        alarm.save(update_fields=["incident_id", "incident_number"])
        text = _("Kejadian 112 %(src)s digabung ke %(n)s oleh %(who)s; alarm kini pada %(n)s.") % {
            "src": source.number,
            "n": target.number,
            "who": actor.label,
        }
        AlarmNote.objects.create(
            alarm=alarm, author=actor.user, author_label=actor.label, text=text
        )
        audit_record(
            actor=actor,
            action="sensors.alarm.incident",
            obj=alarm,
            changes={"incident_number": [source.number, target.number]},
        )
        _publish_alarm(alarm, "updated")


@transaction.atomic
def alarm_assign(*, actor: Actor, alarm_id: int, user: User | None) -> Alarm:
    alarm = _alarm_for(actor, alarm_id, "sensors.change_alarm")
    if user is not None and not user.has_perm("sensors.change_alarm"):
        raise Invalid(_("Pengguna ini tidak berhak menangani alarm."))
    before = alarm.assigned_to.display_name if alarm.assigned_to else None
    alarm.assigned_to = user
    alarm.save(update_fields=["assigned_to"])
    audit_record(
        actor=actor,
        action="sensors.alarm.assign",
        obj=alarm,
        changes={"assigned_to": [before, user.display_name if user else None]},
    )
    _publish_alarm(alarm, "updated")
    return alarm


@transaction.atomic
def alarm_note_add(*, actor: Actor, alarm_id: int, text: str) -> AlarmNote:
    alarm = _alarm_for(actor, alarm_id, "sensors.change_alarm")
    note = _note(actor, alarm, text)
    if note is None:
        raise Invalid(_("Catatan kosong."), errors={"text": [_("Wajib diisi.")]})
    audit_record(actor=actor, action="sensors.alarm.note", obj=alarm, note=note.text[:200])
    return note


# --- notifications -------------------------------------------------------------------------


@transaction.atomic
def subscription_save(
    *,
    actor: Actor,
    min_level: str,
    kinds: list[str] | None = None,
    only_my_agency: bool = False,
    in_app: bool = True,
    email: bool = False,
    webhook_url: str = "",
    telegram_chat: str = "",
) -> AlarmSubscription:
    if actor.user is None or not actor.has_perm("sensors.view_alarm"):
        raise NotAllowed(_("Peran Anda tidak menerima alarm sensor."))
    if min_level not in Level.values or min_level == Level.NORMAL:
        raise Invalid(_("Tingkat minimum tidak dikenal."))
    webhook_url = (webhook_url or "").strip()
    if webhook_url and not webhook_url.startswith(("https://", "http://")):
        raise Invalid(_("Alamat webhook harus http(s)."), errors={"webhook_url": [webhook_url]})
    kinds = [k for k in (kinds or []) if k in DeviceKind.values]
    sub, _created = AlarmSubscription.objects.update_or_create(
        user=actor.user,
        defaults={
            "min_level": min_level,
            "kinds": kinds,
            "only_my_agency": only_my_agency,
            "in_app": in_app,
            "email": email,
            "webhook_url": webhook_url,
            "telegram_chat": (telegram_chat or "").strip(),
        },
    )
    audit_record(
        actor=actor,
        action="sensors.subscription.save",
        obj=sub,
        changes={"min_level": [None, min_level], "kinds": [None, kinds]},
    )
    return sub


def _notify(alarm: Alarm) -> None:
    """Send the alarm to every user whose subscription matches, on the channels they chose
    (core notifiers: written to the outbox now, sent after commit)."""
    from django.urls import reverse

    from kendali.core.notifiers import Message, notify

    device = alarm.device
    message = Message(
        title=alarm.message[:200],
        body=f"{device.name} ({device.code}) — {alarm.get_level_display()}",
        url=reverse("sensors:alarm", args=[alarm.pk]),
        ref=f"sensors.alarm:{alarm.pk}",
        data={"alarm": alarm.pk, "device": device.code, "level": alarm.level},
    )
    for sub in AlarmSubscription.objects.select_related("user"):
        user = sub.user
        if not user.is_active or not user.has_perm("sensors.view_alarm"):
            continue
        if LEVEL_ORDER[alarm.level] < LEVEL_ORDER.get(sub.min_level, 2):
            continue
        if sub.kinds and device.kind not in sub.kinds:
            continue
        if not may_see_agency(Actor(user=user), device.agency_id):
            continue
        if sub.only_my_agency and user.agency_id != device.agency_id:
            continue
        if sub.in_app:
            notify(kind="inbox", target=f"user:{user.pk}", message=message)
        if sub.email and user.email:
            notify(kind="email", target=user.email, message=message)
        if sub.webhook_url:
            notify(kind="webhook", target=sub.webhook_url, message=message)
        if sub.telegram_chat:
            notify(kind="telegram", target=sub.telegram_chat, message=message)
