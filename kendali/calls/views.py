"""Pages: the call-taker console (/112/), supervisor pages (policy, blocked callers, caller
profile) and the 112 reports. No business rules here: services and selectors do the work."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kendali.calls import reports, selectors, services
from kendali.calls.api import blocklist_csv as export
from kendali.calls.choices import Outcome
from kendali.calls.models import BlockPolicy, Caller, RetentionSetting
from kendali.calls.numbers import normalize
from kendali.core.actors import Actor
from kendali.core.audit import audit_personal_read
from kendali.core.errors import KendaliError
from kendali.core.pages import page_permission
from kendali.incidents.models import IncidentType

# Console shortcuts: one key picks the outcome, Enter (or the same key again) confirms.
NOISE_KEYS = [
    ("i", Outcome.ISENG),
    ("g", Outcome.GHOST),
    ("s", Outcome.SALAH_SAMBUNG),
    ("u", Outcome.UJI),
    ("n", Outcome.INFORMASI),
]


@page_permission("calls.classify_call")
def console(request):
    types = [
        {"code": t.code, "name": t.name, "shortcut": t.shortcut, "priority": t.default_priority}
        for t in IncidentType.objects.filter(is_active=True)
    ]
    config = {
        "extension": request.user.extension,
        "user_id": request.user.pk,
        "types": types,
        "noise": [{"key": k, "outcome": o.value, "label": str(o.label)} for k, o in NOISE_KEYS],
        "outcomes": {o.value: str(o.label) for o in Outcome},
        "priorities": ["P1", "P2", "P3", "P4"],
    }
    return render(request, "calls/console.html", {"config": config, "noise_keys": NOISE_KEYS})


@page_permission("calls.manage_blocking")
@require_http_methods(["GET", "POST"])
def policy(request):
    actor = Actor.from_request(request)
    current = BlockPolicy.current()
    retention = RetentionSetting.current()
    if request.method == "POST":
        try:
            fields = {
                name: int(request.POST.get(name, "0") or 0)
                for name in (
                    "block_threshold",
                    "block_window_hours",
                    "block_hours",
                    "permanent_threshold",
                    "permanent_window_days",
                )
            }
            fields["is_active"] = request.POST.get("is_active") == "on"
            fields["count_ghost"] = request.POST.get("count_ghost") == "on"
            services.policy_update(actor=actor, **fields)
            if request.POST.get("number_days"):
                services.retention_update(actor=actor, number_days=int(request.POST["number_days"]))
        except ValueError:
            messages.error(request, _("Isian harus berupa angka."))
        except KendaliError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("Kebijakan blokir disimpan."))
            return redirect("calls:policy")
    return render(request, "calls/policy.html", {"policy": current, "retention": retention})


@page_permission("calls.manage_blocking")
def callers(request):
    actor = Actor.from_request(request)
    query = request.GET.get("q", "").strip()
    if query:
        found = Caller.objects.filter(number=normalize(query).key or query).first()
        if found is not None:
            return redirect("calls:caller", pk=found.pk)
        messages.info(request, _("Nomor itu belum pernah menelepon 112."))
    rows = list(selectors.callers_blocked(actor=actor)[:500])
    if rows:
        audit_personal_read(
            actor=actor,
            object_type="calls.caller",
            object_id="blocked-list",
            what="caller_number",
            note=f"{len(rows)} nomor diblokir",
        )
    return render(request, "calls/callers.html", {"callers": rows, "now": timezone.now()})


@page_permission("calls.manage_blocking")
def blocklist_csv(request):
    return export(Actor.from_request(request))


@page_permission("calls.manage_blocking")
def caller_profile(request, pk: int):
    actor = Actor.from_request(request)
    caller = Caller.objects.filter(pk=pk).first()
    if caller is None:
        raise Http404(_("Penelepon tidak ditemukan."))
    audit_personal_read(
        actor=actor, object_type="calls.caller", object_id=caller.pk, what="caller_number"
    )
    summary = selectors.caller_summary(caller)
    recent = caller.calls.select_related("call_taker").order_by("-offered_at")[:30]
    windows = [("24h", _("24 jam")), ("30d", _("30 hari")), ("all", _("Semua"))]
    table = [
        (label, [summary["counts"][w].get(o, 0) for w, _l in windows])
        for o, label in [*Outcome.choices, ("belum", _("Belum diklasifikasi"))]
    ]
    totals = [summary["counts"][w]["total"] for w, _l in windows]
    return render(
        request,
        "calls/caller.html",
        {
            "caller": caller,
            "summary": summary,
            "recent": recent,
            "windows": windows,
            "table": table,
            "totals": totals,
        },
    )


@page_permission("calls.manage_blocking")
@require_POST
def caller_unblock(request, pk: int):
    caller = Caller.objects.filter(pk=pk).first()
    if caller is None:
        raise Http404(_("Penelepon tidak ditemukan."))
    try:
        services.caller_unblock(
            actor=Actor.from_request(request), caller=caller, reason=request.POST.get("reason", "")
        )
    except KendaliError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Blokir dibuka."))
    return redirect("calls:caller", pk=pk)


def _period(request) -> reports.Period:
    kind = request.GET.get("period", "day")
    kind = kind if kind in ("day", "month") else "day"
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    return reports.period_for(kind, day)


@page_permission("calls.view_call_report")
def report(request):
    period = _period(request)
    data = reports.call_report(period)
    peak = max((h["total"] for h in data["by_hour"]), default=0) or 1
    return render(
        request,
        "calls/report.html",
        {
            "r": data,
            "peak": peak,
            "date": request.GET.get("date") or timezone.localdate().isoformat(),
        },
    )


@page_permission("calls.view_call_report")
def report_export(request):
    period = _period(request)
    ministry = request.GET.get("kind") == "kementerian"
    data = reports.ministry_report(period) if ministry else reports.call_report(period)
    rows = reports.report_rows(data, ministry=ministry)
    name = (
        ("laporan-112-kementerian" if ministry else "laporan-112")
        + "-"
        + period.start.strftime("%Y%m" if period.kind == "month" else "%Y%m%d")
    )
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reports.as_xlsx(rows, _("Laporan 112")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(reports.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
