"""Rule evaluation: readings and the clock move each rule's state; episodes raise, escalate
and clear alarms, and open at most one 112 incident per episode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.events import publish
from kendali.sensors import incidentlink
from kendali.sensors.choices import (
    LEVEL_ORDER,
    AlarmStatus,
    DeviceStatus,
    Level,
    Operator,
    RuleKind,
)
from kendali.sensors.models import (
    Alarm,
    AlarmNote,
    Device,
    Reading,
    Rule,
    RuleState,
    Variable,
)
from kendali.sensors.services.alarms import _publish_alarm
from kendali.sensors.services.devices import device_event
from kendali.sensors.services.notifications import _notify

# The jobs that raise alarms with no reading (and no person) behind them, by name.
RULES_JOB = Actor.system("sensors.rules")
OFFLINE_JOB = Actor.system("sensors.offline")


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
