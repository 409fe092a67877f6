"""Readings: the ingest (HTTP, MQTT, CSV history) and raw-data retention.

Readings (telemetry) are not written to the audit log one by one: the audit log records who
changed devices, rules and alarms; readings themselves are the record."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.choices import TokenScope
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.scope import may_see_agency
from kendali.sensors import conf, ingest
from kendali.sensors.choices import (
    DeviceStatus,
    RuleKind,
)
from kendali.sensors.models import (
    Device,
    Reading,
    Variable,
)
from kendali.sensors.services.devices import DEVICE_SUBJECT, device_event
from kendali.sensors.services.evaluation import _episode_off, _evaluate_rules, _locked_state


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


def device_heartbeat(*, actor: Actor, code: str, now: datetime | None = None) -> Device:
    """A device that measures nothing (a camera) is alive: its heartbeat, sent by the device
    or by a probe on its behalf (NVR, ping/ONVIF check), moves its last-seen time and brings
    it back online. A device with variables is alive by its readings instead."""
    only_device = _ingest_device_of(actor)
    if only_device is not None and only_device.code != code:
        raise NotAllowed(_("Token perangkat hanya boleh mengirim data perangkatnya."))
    device = only_device or Device.objects.filter(code=code).first()
    if device is None or not may_see_agency(actor, device.agency_id):
        raise NotFound(_("Perangkat %(c)s tidak ditemukan.") % {"c": code[:60]})
    if not device.is_active:
        raise Conflict(_("Perangkat ini tidak aktif."))
    if device.variables.exists():
        raise Invalid(
            _("Perangkat ini mengirim bacaan; kabar hidupnya adalah bacaannya, bukan detak.")
        )
    now = now or timezone.now()
    with transaction.atomic():
        _mark_seen({device.pk: now}, now)
    return device


def _devices_seen(new_rows: list[tuple], variables: dict[int, Variable], now: datetime) -> None:
    newest: dict[int, float] = {}
    for variable_id, _t, _v, ts in new_rows:
        device_id = variables[variable_id].device_id
        if ts > newest.get(device_id, 0):
            newest[device_id] = ts
    _mark_seen({d: datetime.fromtimestamp(ts, tz=UTC) for d, ts in newest.items()}, now)


def _mark_seen(newest: dict[int, datetime], now: datetime) -> None:
    moved: dict[int, datetime] = {}
    for device_id, at in newest.items():
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
