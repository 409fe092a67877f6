"""Pages: the dispatcher board, the incident's dispatch panel, the agency inbox, the crew
phone page, run cards, shift handover and reports. Views hold no business rules."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from kendali.core.errors import KendaliError, NotFound
from kendali.core.files import private_file_response
from kendali.core.notifiers import inbox as inbox_service
from kendali.core.pages import page_permission
from kendali.dispatch import reports, selectors, services, sla
from kendali.dispatch.choices import (
    ACTIVE_ASSIGNMENT,
    DEFAULT_SLA_SECONDS,
    UNIT_TRANSITIONS,
    Outcome,
    SlaKind,
    UnitKind,
    UnitStatus,
)
from kendali.incidents.choices import Priority


def _back(request, fallback: str, *args):
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect(fallback, *args)


def _run(request, fn, ok: str):
    try:
        result = fn()
    except KendaliError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.detail)
        return None
    messages.success(request, ok)
    return result


# ---------------------------------------------------------------- board


@page_permission("dispatch.assign_unit", methods=("GET",), with_actor=True)
def board(request, actor):
    context = selectors.board(actor=actor)
    context["status_colors"] = {k.value: v for k, v in selectors.STATUS_COLORS.items()}
    return render(request, "dispatch/board.html", context)


@page_permission("dispatch.assign_unit", methods=("GET",), with_actor=True)
def board_fragment(request, actor):
    return render(request, "dispatch/_board.html", selectors.board(actor=actor))


@page_permission("dispatch.view_assignment", methods=("GET",), with_actor=True)
def incident_panel(request, actor, pk: int):
    incident = selectors.incident_for(actor=actor, pk=pk)
    can_assign = request.user.has_perm("dispatch.assign_unit")
    context = {
        "incident": incident,
        "can_assign": can_assign,
        "timers": sla.timers_for([incident])[incident.pk],
        "assignments": list(selectors.assignments_visible(actor=actor).filter(incident=incident)),
        "reports": list(
            incident.field_reports.select_related("agency", "author").prefetch_related("photos")
        ),
        "referrals": list(selectors.referrals_visible(actor=actor).filter(incident=incident)),
        "breaches": list(incident.sla_breaches.all()),
        "recommendation": selectors.recommend(actor=actor, incident=incident)
        if can_assign and incident.is_open
        else None,
        "agencies": selectors.active_agencies(),
        "outcomes": Outcome.choices,
        "can_report": request.user.has_perm("dispatch.add_fieldreport"),
        "can_override": request.user.has_perm("dispatch.close_override"),
    }
    template = "dispatch/_panel.html" if request.htmx else "dispatch/incident.html"
    return render(request, template, context)


@page_permission("dispatch.assign_unit", methods=("POST",), with_actor=True)
def assign(request, actor, pk: int):
    incident = selectors.incident_for(actor=actor, pk=pk)
    unit = selectors.unit_for(actor=actor, pk=request.POST.get("unit_id"))
    _run(
        request,
        lambda: services.assignment_create(actor=actor, incident=incident, unit=unit),
        _("%(u)s ditugaskan ke %(n)s.") % {"u": unit.callsign, "n": incident.number},
    )
    return _back(request, "dispatch:incident", incident.pk)


@page_permission("dispatch.assign_unit", methods=("POST",), with_actor=True)
def release(request, actor, pk: int):
    a = selectors.assignment_for(actor=actor, pk=pk)
    _run(
        request,
        lambda: services.assignment_release(
            actor=actor, assignment=a, reason=request.POST.get("reason", "")
        ),
        _("Unit dilepas."),
    )
    return _back(request, "dispatch:incident", a.incident_id)


@page_permission("dispatch.assign_unit", methods=("POST",), with_actor=True)
def close(request, actor, pk: int):
    incident = selectors.incident_for(actor=actor, pk=pk)
    _run(
        request,
        lambda: services.incident_close(
            actor=actor, incident=incident, override_reason=request.POST.get("override_reason", "")
        ),
        _("Kejadian %(n)s ditutup.") % {"n": incident.number},
    )
    return redirect("dispatch:incident", incident.pk)


@page_permission("dispatch.add_referral", methods=("POST",), with_actor=True)
def refer(request, actor, pk: int):
    incident = selectors.incident_for(actor=actor, pk=pk)
    agency = selectors.agency_by_id(request.POST.get("agency_id"))
    if agency is None:
        messages.error(request, _("Pilih instansi."))
    else:
        _run(
            request,
            lambda: services.referral_create(
                actor=actor, incident=incident, agency=agency, note=request.POST.get("note", "")
            ),
            _("Rujukan dikirim ke %(a)s.") % {"a": agency.short_name},
        )
    return redirect("dispatch:incident", incident.pk)


@page_permission("dispatch.add_fieldreport", methods=("POST",), with_actor=True)
def field_report(request, actor, pk: int):
    incident = selectors.incident_for(actor=actor, pk=pk)
    agency = selectors.agency_by_id(request.POST.get("agency_id"))
    _run(
        request,
        lambda: services.field_report_create(
            actor=actor,
            incident=incident,
            agency=agency,
            outcome=request.POST.get("outcome", ""),
            actions=request.POST.get("actions", ""),
            casualties_dead=request.POST.get("casualties_dead") or 0,
            casualties_injured=request.POST.get("casualties_injured") or 0,
            notes=request.POST.get("notes", ""),
            photos=request.FILES.getlist("photos"),
        ),
        _("Laporan lapangan disimpan."),
    )
    return redirect("dispatch:incident", incident.pk)


# Only what the upload check lets in is served as an image; anything else downloads.
PHOTO_CONTENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@page_permission("dispatch.view_fieldreport", methods=("GET",), with_actor=True)
def field_report_photo(request, actor, pk: int):
    """A field-report photo, for people who may see its incident (MEDIA_ROOT is not served)."""
    photo = selectors.field_report_photo_for(actor=actor, pk=pk)
    ext = PHOTO_CONTENT_TYPES.get(photo.content_type)
    return private_file_response(
        photo.image,
        content_type=photo.content_type,
        filename=f"{photo.report.incident.number}-foto-{photo.pk}.{ext or 'bin'}",
        inline=ext is not None,
    )


# ---------------------------------------------------------------- agency inbox


@page_permission("dispatch.acknowledge_assignment", methods=("GET",), with_actor=True)
def inbox(request, actor):
    notes = list(inbox_service.inbox_for(actor=actor)[:100])
    context = {
        "notifications": notes,
        "assignments": list(
            selectors.assignments_visible(actor=actor)
            .filter(status__in=ACTIVE_ASSIGNMENT)
            .order_by("-assigned_at")[:100]
        ),
        "referrals": list(selectors.referrals_visible(actor=actor).exclude(status="selesai")[:100]),
    }
    return render(request, "dispatch/inbox.html", context)


@page_permission("dispatch.acknowledge_assignment", methods=("POST",), with_actor=True)
def inbox_ack(request, actor, pk: int):
    _run(
        request,
        lambda: inbox_service.notification_acknowledge(actor=actor, notification_id=pk),
        _("Diterima."),
    )
    return redirect("dispatch:inbox")


@page_permission("dispatch.acknowledge_assignment", methods=("POST",), with_actor=True)
def referral_resolve(request, actor, pk: int):
    referral = selectors.referral_for(actor=actor, pk=pk)
    _run(
        request,
        lambda: services.referral_resolve(
            actor=actor, referral=referral, resolution=request.POST.get("resolution", "")
        ),
        _("Rujukan diselesaikan."),
    )
    return redirect("dispatch:inbox")


# ---------------------------------------------------------------- crew phone page


@page_permission("dispatch.operate_unit", methods=("GET",), with_actor=True)
def crew(request, actor):
    units = list(selectors.units_visible(actor=actor).order_by("callsign"))
    unit = None
    if request.GET.get("unit"):
        unit = selectors.unit_for(actor=actor, pk=request.GET["unit"])
    elif len(units) == 1:
        unit = units[0]
    assignment = None
    if unit is not None and unit.current_assignment_id:
        assignment = (
            selectors.assignments_visible(actor=actor).filter(pk=unit.current_assignment_id).first()
        )
    moves = []
    if unit is not None:
        moves = [
            (s, UnitStatus(s).label)
            for s in UnitStatus.values
            if s in UNIT_TRANSITIONS[UnitStatus(unit.status)]
        ]
    return render(
        request,
        "dispatch/crew.html",
        {"units": units, "unit": unit, "assignment": assignment, "moves": moves},
    )


@page_permission("dispatch.operate_unit", methods=("POST",), with_actor=True)
def crew_status(request, actor, pk: int):
    unit = selectors.unit_for(actor=actor, pk=pk)
    _run(
        request,
        lambda: services.unit_set_status(
            actor=actor, unit=unit, status=request.POST.get("status", "")
        ),
        _("Status diperbarui."),
    )
    return redirect(reverse("dispatch:crew") + f"?unit={unit.pk}")


# ---------------------------------------------------------------- units and run cards


@page_permission("dispatch.view_unit", methods=("GET",), with_actor=True)
def units(request, actor):
    return render(
        request,
        "dispatch/units.html",
        {
            "units": list(selectors.units_visible(actor=actor)),
            "kinds": UnitKind.choices,
            "agencies": selectors.active_agencies(),
            "can_add": request.user.has_perm("dispatch.add_unit"),
            "can_change": request.user.has_perm("dispatch.change_unit"),
        },
    )


@page_permission("dispatch.add_unit", methods=("POST",), with_actor=True)
def unit_add(request, actor):
    agency = selectors.agency_by_id(request.POST.get("agency_id"))
    if agency is None:
        messages.error(request, _("Pilih instansi."))
        return redirect("dispatch:units")
    _run(
        request,
        lambda: services.unit_create(
            actor=actor,
            agency=agency,
            callsign=request.POST.get("callsign", ""),
            kind=request.POST.get("kind", ""),
            home_lat=request.POST.get("home_lat"),
            home_lon=request.POST.get("home_lon"),
            station=request.POST.get("station", ""),
            capabilities=[c for c in request.POST.get("capabilities", "").split(",") if c.strip()],
        ),
        _("Unit ditambahkan."),
    )
    return redirect("dispatch:units")


def _unit_fields(post) -> dict:
    return {
        "callsign": post.get("callsign", ""),
        "kind": post.get("kind", ""),
        "station": post.get("station", "").strip()[:200],
        "home_lat": post.get("home_lat"),
        "home_lon": post.get("home_lon"),
        "capabilities": [c.strip() for c in post.get("capabilities", "").split(",") if c.strip()],
    }


@page_permission("dispatch.change_unit", methods=("GET", "POST"), with_actor=True)
def unit_edit(request, actor, pk: int):
    """Change a unit's call sign, type, station, home point or capabilities; or take it out
    of service for good (retired when it has history, so reports keep it)."""
    unit = selectors.unit_for(actor=actor, pk=pk)
    values = None
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            if not request.user.has_perm("dispatch.delete_unit"):
                raise PermissionDenied(_("Peran Anda tidak berhak menghapus unit."))
            done = _run(
                request,
                lambda: services.unit_delete(actor=actor, unit=unit) or True,
                _("Unit %(c)s dikeluarkan dari armada.") % {"c": unit.callsign},
            )
            return redirect("dispatch:units") if done else redirect("dispatch:unit_edit", pk)
        values = _unit_fields(request.POST)
        saved = _run(
            request,
            lambda: services.unit_update(actor=actor, unit=unit, **values),
            _("Unit %(c)s disimpan.") % {"c": values["callsign"].strip().upper()},
        )
        if saved is not None:
            return redirect("dispatch:units")
    if values is None:
        values = {
            "callsign": unit.callsign,
            "kind": unit.kind,
            "station": unit.station,
            "home_lat": unit.home_lat,
            "home_lon": unit.home_lon,
            "capabilities": unit.capabilities or [],
        }
    return render(
        request,
        "dispatch/unit_edit.html",
        {
            "unit": unit,
            "values": values,
            "capabilities": ", ".join(values["capabilities"]),
            "kinds": UnitKind.choices,
            "can_delete": request.user.has_perm("dispatch.delete_unit"),
        },
    )


RUNCARD_BLANK_ROWS = 3


def _runcard_lines(post) -> list[dict]:
    """The form's rows (unit type, count, agency); empty rows and zero counts are skipped."""
    rows = zip(
        post.getlist("line_kind"),
        post.getlist("line_count"),
        post.getlist("line_agency"),
        strict=False,
    )
    lines = []
    for kind, count, agency_id in rows:
        kind, count = kind.strip(), count.strip()
        if not kind or count in ("", "0"):
            continue
        lines.append({"kind": kind, "count": count, "agency_id": agency_id.strip() or None})
    return lines


@page_permission("dispatch.view_runcard", methods=("GET", "POST"), with_actor=True)
def runcards(request, actor):
    if request.method == "POST":
        if not request.user.has_perm("dispatch.change_runcard"):
            raise PermissionDenied(_("Hanya supervisor yang dapat mengubah kartu pengerahan."))
        type_code = request.POST.get("type_code", "")
        priority = request.POST.get("priority", "")
        saved = _run(
            request,
            lambda: services.runcard_save(
                actor=actor,
                type_code=type_code,
                priority=priority,
                lines=_runcard_lines(request.POST),
                note=request.POST.get("note", ""),
            ),
            _("Kartu pengerahan disimpan."),
        )
        if saved is None:
            return redirect("dispatch:runcards")
        # Back to the card just saved, so the supervisor sees what is now in force.
        return redirect(
            reverse("dispatch:runcards")
            + "?"
            + urlencode({"jenis": type_code, "prioritas": priority})
        )

    cards = selectors.run_cards()
    types = selectors.active_incident_types()
    # The card being edited: chosen with ?jenis=<type code>&prioritas=<P1..P4> (the "Ubah" link
    # of a row); its lines pre-fill the form, with a few empty rows to add more.
    edit_type = request.GET.get("jenis", "")
    edit_priority = request.GET.get("prioritas", "")
    if edit_priority not in Priority.values:
        edit_priority = ""
    editing = None
    if edit_type and edit_priority:
        editing = next(
            (c for c in cards if c.incident_type.code == edit_type and c.priority == edit_priority),
            None,
        )
    rows = [
        {"kind": line.kind, "count": line.count, "agency_id": line.agency_id}
        for line in (editing.lines.all() if editing else ())
    ]
    rows += [{"kind": "", "count": "", "agency_id": None}] * RUNCARD_BLANK_ROWS
    sla_defaults = [(k.value, k.label, DEFAULT_SLA_SECONDS[k]) for k in SlaKind]
    sla_targets = selectors.sla_targets()
    return render(
        request,
        "dispatch/runcards.html",
        {
            "cards": cards,
            "types": types,
            "priorities": Priority.choices,
            "kinds": UnitKind.choices,
            "agencies": selectors.active_agencies(),
            "can_edit": request.user.has_perm("dispatch.change_runcard"),
            "edit_type": edit_type,
            "edit_priority": edit_priority,
            "editing": editing,
            "rows": rows,
            "sla_defaults": sla_defaults,
            "sla_targets": sla_targets,
            "sla_kinds": SlaKind.choices,
        },
    )


@page_permission("dispatch.change_runcard", methods=("POST",), with_actor=True)
def sla_target(request, actor):
    _run(
        request,
        lambda: services.sla_target_set(
            actor=actor,
            kind=request.POST.get("kind", ""),
            seconds=request.POST.get("seconds"),
            type_code=request.POST.get("type_code", ""),
            priority=request.POST.get("priority", ""),
        ),
        _("Target SLA disimpan."),
    )
    return redirect("dispatch:runcards")


# ---------------------------------------------------------------- shift handover


@page_permission("dispatch.view_shiftlog", methods=("GET", "POST"), with_actor=True)
def handover(request, actor):
    if request.method == "POST":
        if not request.user.has_perm("dispatch.add_shiftlog"):
            raise PermissionDenied(_("Hanya supervisor yang dapat melakukan serah terima."))
        _run(
            request,
            lambda: services.shift_handover(actor=actor, notes=request.POST.get("notes", "")),
            _("Serah terima dicatat."),
        )
        return redirect("dispatch:handover")
    day, shift = services.current_shift()
    return render(
        request,
        "dispatch/handover.html",
        {
            "logs": selectors.shift_logs(),
            "current": (day, shift),
            "can_write": request.user.has_perm("dispatch.add_shiftlog"),
        },
    )


@page_permission("dispatch.add_shiftlog", methods=("POST",), with_actor=True)
def handover_receive(request, actor, pk: int):
    log = selectors.shift_log(pk)
    if log is None:
        raise Http404
    _run(request, lambda: services.shift_receive(actor=actor, log=log), _("Serah terima diterima."))
    return redirect("dispatch:handover")


# ---------------------------------------------------------------- reports


def _period(request):
    today = timezone.localdate()
    try:
        since = (
            datetime.fromisoformat(request.GET["dari"]).date()
            if request.GET.get("dari")
            else today - timedelta(days=90)
        )
        until = (
            datetime.fromisoformat(request.GET["sampai"]).date()
            if request.GET.get("sampai")
            else today
        )
    except ValueError:
        since, until = today - timedelta(days=90), today
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(since, time.min, tzinfo=tz),
        datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz),
    )


@page_permission("dispatch.view_slabreach", methods=("GET",), with_actor=True)
def report(request, actor):
    since, until = _period(request)
    data = reports.build(actor=actor, since=since, until=until)
    return render(
        request,
        "dispatch/reports.html",
        {
            "report": data,
            "tables": reports.tables(data),
            "query": request.GET.urlencode(),
            "since": since,
            "until": until - timedelta(days=1),
        },
    )


@page_permission("dispatch.view_slabreach", methods=("GET",), with_actor=True)
def report_export(request, actor, fmt: str):
    since, until = _period(request)
    data = reports.build(actor=actor, since=since, until=until)
    name = f"kendali-respons-{since:%Y%m%d}-{until:%Y%m%d}"
    if fmt == "csv":
        body, ctype = reports.to_csv(data), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, ctype = (
            reports.to_xlsx(data),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "pdf":
        body, ctype = reports.to_pdf(data), "application/pdf"
    else:
        raise Http404
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
