"""SLA timers of an incident and the breaches they record.

* processing: call answered → first unit assigned (NFPA 1225: 60 s)
* reaction:   first assignment → first acknowledgement by the agency
* response:   first assignment → first unit on scene (Serang: 15 min report → team moving)
* total:      call answered → incident closed

The answer time comes from the incident timeline (entries of kind ``call`` or
``call.answered`` carrying ``answered_at``, else ``offered_at``), so dispatch does
not depend on the calls module; without a call it is the incident's creation time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kendali.core.events import publish
from kendali.core.formatting import duration_text
from kendali.dispatch.choices import DEFAULT_SLA_SECONDS, SLA_SHORT, SlaKind
from kendali.dispatch.models import Assignment, SlaBreach, SlaTarget
from kendali.incidents.models import Incident, IncidentTimeline

CALL_KINDS = ("call", "call.answered")


@dataclass
class Timer:
    kind: str
    label: str
    start: datetime | None
    end: datetime | None
    target: int
    elapsed: float | None

    @property
    def short(self) -> str:
        return str(SLA_SHORT[SlaKind(self.kind)])

    @property
    def state(self) -> str:
        """pending (not started), running, met, breached."""
        if self.start is None or self.elapsed is None:
            return "pending"
        if self.elapsed > self.target:
            return "breached"
        return "met" if self.end is not None else "running"

    @property
    def level(self) -> str:
        """Colour of the board countdown: ok, warn (≥ 75 % used), bad."""
        if self.state == "breached":
            return "bad"
        if self.state == "running" and self.elapsed >= 0.75 * self.target:
            return "warn"
        return "ok"

    @property
    def deadline(self) -> datetime | None:
        return self.start + timedelta(seconds=self.target) if self.start else None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "short": self.short,
            "state": self.state,
            "level": self.level,
            "target": self.target,
            "elapsed": round(self.elapsed, 1) if self.elapsed is not None else None,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }


def _target_table() -> dict:
    return {(t.kind, t.incident_type_id, t.priority): t.seconds for t in SlaTarget.objects.all()}


def target_for(table: dict, kind: str, type_id: int | None, priority: str) -> int:
    for key in (
        (kind, type_id, priority),
        (kind, type_id, ""),
        (kind, None, priority),
        (kind, None, ""),
    ):
        if key in table:
            return table[key]
    return DEFAULT_SLA_SECONDS[SlaKind(kind)]


def answer_times(incident_ids: list[int]) -> dict[int, datetime]:
    """The earliest answer (or offer) time of a linked call per incident, from the timeline."""
    result: dict[int, datetime] = {}
    rows = IncidentTimeline.objects.filter(
        incident_id__in=incident_ids, kind__in=CALL_KINDS
    ).values_list("incident_id", "at", "data")
    for incident_id, at, data in rows:
        data = data or {}
        raw = data.get("answered_at") or data.get("offered_at")
        when = (parse_datetime(raw) if isinstance(raw, str) else None) or at
        if incident_id not in result or when < result[incident_id]:
            result[incident_id] = when
    return result


def _first(values):
    values = [v for v in values if v is not None]
    return min(values) if values else None


def timers_for(
    incidents, *, now: datetime | None = None, table: dict | None = None
) -> dict[int, list[Timer]]:
    """Timers for many incidents with three queries in all (assignments, timeline, targets)."""
    now = now or timezone.now()
    incidents = list(incidents)
    ids = [i.pk for i in incidents]
    table = _target_table() if table is None else table
    answers = answer_times(ids)
    per: dict[int, list] = {}
    for row in Assignment.objects.filter(incident_id__in=ids).values_list(
        "incident_id", "assigned_at", "acknowledged_at", "on_scene_at", "status"
    ):
        per.setdefault(row[0], []).append(row)
    out = {}
    for incident in incidents:
        rows = [r for r in per.get(incident.pk, []) if r[4] != "dibatalkan"] or per.get(
            incident.pk, []
        )
        # A call linked later (a duplicate report) does not restart the clock.
        answered = min(answers.get(incident.pk, incident.created_at), incident.created_at)
        dispatched = _first(r[1] for r in rows)
        acked = _first(r[2] for r in rows)
        on_scene = _first(r[3] for r in rows)
        spans = {
            SlaKind.PROCESSING: (answered, dispatched),
            SlaKind.REACTION: (dispatched, acked),
            SlaKind.RESPONSE: (dispatched, on_scene),
            SlaKind.TOTAL: (answered, incident.closed_at),
        }
        timers = []
        for kind, (start, end) in spans.items():
            stop = end
            if stop is None and incident.status in ("selesai", "dibatalkan", "digabung"):
                stop = incident.closed_at or incident.updated_at
                if kind != SlaKind.TOTAL:
                    start = None if end is None else start  # never happened: not a running timer
            elapsed = (stop or now) - start if start else None
            timers.append(
                Timer(
                    kind=kind,
                    label=str(SlaKind(kind).label),
                    start=start,
                    end=end,
                    target=target_for(table, kind, incident.type_id, incident.priority),
                    elapsed=elapsed.total_seconds() if elapsed is not None else None,
                )
            )
        out[incident.pk] = timers
    return out


def _reason(timer: Timer) -> str:
    minutes = duration_text
    waiting = {
        SlaKind.PROCESSING: _("belum ada unit ditugaskan"),
        SlaKind.REACTION: _("instansi belum menerima penugasan"),
        SlaKind.RESPONSE: _("belum ada unit di lokasi"),
        SlaKind.TOTAL: _("kejadian belum ditutup"),
    }[SlaKind(timer.kind)]
    done = {
        SlaKind.PROCESSING: _("unit pertama ditugaskan"),
        SlaKind.REACTION: _("penugasan diterima"),
        SlaKind.RESPONSE: _("unit pertama tiba"),
        SlaKind.TOTAL: _("kejadian ditutup"),
    }[SlaKind(timer.kind)]
    what = (
        done + " " + _("setelah %(t)s") % {"t": minutes(timer.elapsed)}
        if timer.end
        else waiting + " " + _("setelah %(t)s") % {"t": minutes(timer.elapsed)}
    )
    return _("%(label)s melampaui target %(target)s: %(what)s") % {
        "label": timer.label,
        "target": minutes(timer.target),
        "what": what,
    }


def record_breaches(
    incident, *, now: datetime | None = None, timers: list[Timer] | None = None
) -> list:
    """Record each breached timer of an incident once (idempotent), with its reason."""
    timers = timers if timers is not None else timers_for([incident], now=now)[incident.pk]
    known = set(SlaBreach.objects.filter(incident=incident).values_list("kind", flat=True))
    created = []
    for timer in timers:
        if timer.state != "breached" or timer.kind in known:
            continue
        try:
            with transaction.atomic():
                # Race: the job and a closing dispatcher recording the same breach; the
                # unique constraint (incident, kind) keeps one.
                breach = SlaBreach.objects.create(
                    incident=incident,
                    kind=timer.kind,
                    target_seconds=timer.target,
                    reason=_reason(timer)[:300],
                    detected_at=now or timezone.now(),
                )
        except IntegrityError:
            continue
        created.append(breach)
        publish(
            "dispatch.sla.breached",
            {
                "incident_id": incident.pk,
                "number": incident.number,
                "kind": timer.kind,
                "reason": breach.reason,
                # The control-room ticker's line: "SLA 112-2026-000013: Respons melampaui …".
                "summary": _("SLA %(n)s: %(reason)s")
                % {"n": incident.number, "reason": breach.reason},
            },
            agency_ids=list(incident.agencies.values_list("id", flat=True)),
        )
    return created


def check_running() -> int:
    """Job: record breaches of open incidents' running timers. Returns how many new."""
    now = timezone.now()
    incidents = list(
        Incident.objects.open().only(
            "id", "number", "type_id", "priority", "status", "created_at", "closed_at", "updated_at"
        )
    )
    table = _target_table()
    all_timers = timers_for(incidents, now=now, table=table)
    count = 0
    for incident in incidents:
        timers = all_timers[incident.pk]
        if any(t.state == "breached" for t in timers):
            count += len(record_breaches(incident, now=now, timers=timers))
    return count
