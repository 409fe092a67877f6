from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kendali.core import registry
from kendali.core.actors import Actor
from kendali.core.errors import KendaliError, NotFound
from kendali.core.scope import sees_every_agency
from kendali.incidents import selectors, services
from kendali.incidents.forms import (
    IncidentCreateForm,
    IncidentEditForm,
    IncidentFilterForm,
    MergeForm,
    NoteForm,
    StatusForm,
)
from kendali.incidents.services import ALLOWED_TRANSITIONS

PAGE_SIZE = 50


def _forbidden_unless(request, perm: str):
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Peran Anda tidak berhak membuka halaman ini."))
    return None


def _incident_or_404(actor: Actor, ref: str):
    try:
        return selectors.incident_for(actor=actor, number_or_id=ref)
    except NotFound as exc:
        raise Http404(exc.detail) from None


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@login_required
@require_GET
def incident_list(request):
    if refused := _forbidden_unless(request, "incidents.view_incident"):
        return refused
    actor = Actor.from_request(request)
    form = IncidentFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "status": data["status"],
            "type_code": data["type"],
            "priority": data["priority"],
            "kecamatan": data["kecamatan"],
            "kelurahan": data["kelurahan"],
            "since": _day_start(data["since"]) if data["since"] else None,
            "until": _day_start(data["until"] + timedelta(days=1)) if data["until"] else None,
        }
    incidents = selectors.incidents_search(actor=actor, **filters)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_add": request.user.has_perm("incidents.add_incident"),
    }
    template = "incidents/_rows.html" if request.htmx else "incidents/list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def incident_create(request):
    if refused := _forbidden_unless(request, "incidents.add_incident"):
        return refused
    actor = Actor.from_request(request)
    form = IncidentCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident, _created = services.incident_create_idempotent(
                actor=actor,
                idempotency_key=request.POST.get("form_token", ""),
                type_code=data["type_code"],
                priority=data["priority"] or None,
                lat=data["lat"],
                lon=data["lon"],
                address=data["address"],
                description=data["description"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                agency_codes=data["agency_codes"],
            )
        except KendaliError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Kejadian %(n)s dibuat.") % {"n": incident.number})
            if incident.location_flag:
                messages.warning(request, incident.get_location_flag_display())
            return redirect("incidents:detail", ref=incident.number)
    return render(
        request,
        "incidents/create.html",
        {"form": form, "form_token": request.POST.get("form_token") or uuid.uuid4().hex},
    )


@login_required
@require_GET
def incident_detail(request, ref: str):
    if refused := _forbidden_unless(request, "incidents.view_incident"):
        return refused
    actor = Actor.from_request(request)
    incident = _incident_or_404(actor, ref)
    user = request.user
    can_change = user.has_perm("incidents.change_incident")
    context = {
        "incident": incident,
        "agencies": list(incident.agencies.all()),
        "timeline": selectors.incident_timeline(actor=actor, incident=incident),
        "merged_from": list(incident.merged_from.all()),
        "can_contact": selectors.can_see_reporter_contact(actor=actor, incident=incident),
        "can_change": can_change and incident.status != "digabung",
        "can_note": can_change or not sees_every_agency(actor),
        "can_merge": user.has_perm("incidents.merge_incident") and incident.is_open,
        "status_form": StatusForm(),
        "transitions": [(s.value, s.label) for s in ALLOWED_TRANSITIONS.get(incident.status, ())],
        "note_form": NoteForm(),
        "merge_form": MergeForm(),
        # Links other modules register in core (e.g. alerts: a warning draft pre-filled).
        "actions": registry.incident_actions(user, incident),
    }
    return render(request, "incidents/detail.html", context)


@login_required
@require_GET
def incident_contact(request, ref: str):
    """The reporter's contact, shown on request (each showing is audited)."""
    if refused := _forbidden_unless(request, "incidents.view_reporter_contact"):
        return refused
    actor = Actor.from_request(request)
    incident = _incident_or_404(actor, ref)
    contact = selectors.reporter_contact(actor=actor, incident=incident)
    if contact is None:
        raise Http404(_("Kejadian tidak ditemukan."))
    return render(request, "incidents/_contact.html", {"contact": contact, "incident": incident})


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request, ref: str):
    """Correct type, priority, place, description or agencies; every change is on the
    timeline and in the audit log (incident_update)."""
    if refused := _forbidden_unless(request, "incidents.change_incident"):
        return refused
    actor = Actor.from_request(request)
    incident = _incident_or_404(actor, ref)
    if request.method == "POST":
        form = IncidentEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.incident_update(
                    actor=actor,
                    incident=incident,
                    type_code=data["type_code"],
                    priority=data["priority"],
                    lat=data["lat"],
                    lon=data["lon"],
                    address=data["address"],
                    description=data["description"],
                    agency_codes=data["agency_codes"],
                )
            except KendaliError as exc:
                form.add_error(None, exc.detail)
            else:
                incident.refresh_from_db()
                messages.success(request, _("Kejadian %(n)s diperbarui.") % {"n": incident.number})
                if incident.location_flag:
                    messages.warning(request, incident.get_location_flag_display())
                return redirect("incidents:detail", ref=incident.number)
    else:
        form = IncidentEditForm(initial=IncidentEditForm.initial_for(incident))
    return render(request, "incidents/edit.html", {"form": form, "incident": incident})


def _after_post(request, incident):
    return redirect("incidents:detail", ref=incident.number)


@login_required
@require_POST
def incident_status(request, ref: str):
    if refused := _forbidden_unless(request, "incidents.change_incident"):
        return refused
    actor = Actor.from_request(request)
    incident = _incident_or_404(actor, ref)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Status tidak valid."))
        return _after_post(request, incident)
    try:
        services.incident_set_status(
            actor=actor,
            incident=incident,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Status diperbarui."))
    except KendaliError as exc:
        messages.error(request, exc.detail)
    return _after_post(request, incident)


@login_required
@require_POST
def incident_note(request, ref: str):
    if refused := _forbidden_unless(request, "incidents.view_incident"):
        return refused
    actor = Actor.from_request(request)
    incident = _incident_or_404(actor, ref)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.incident_timeline_add(
                actor=actor, incident=incident, kind="note", summary=form.cleaned_data["summary"]
            )
            messages.success(request, _("Catatan ditambahkan."))
        except KendaliError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.detail)
            messages.error(request, exc.detail)
    else:
        messages.error(request, _("Catatan wajib diisi."))
    return _after_post(request, incident)


@login_required
@require_POST
def incident_merge(request, ref: str):
    if refused := _forbidden_unless(request, "incidents.merge_incident"):
        return refused
    actor = Actor.from_request(request)
    source = _incident_or_404(actor, ref)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nomor kejadian tujuan wajib diisi."))
        return _after_post(request, source)
    try:
        target = selectors.incident_for(actor=actor, number_or_id=form.cleaned_data["target"])
        services.incident_merge(actor=actor, source=source, target=target)
    except KendaliError as exc:
        messages.error(request, exc.detail)
        return _after_post(request, source)
    messages.success(
        request, _("%(s)s digabung ke %(t)s.") % {"s": source.number, "t": target.number}
    )
    return _after_post(request, target)
