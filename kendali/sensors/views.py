"""Pages of the sensors module. Views hold no rules: they call selectors and services."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kendali.core.actors import Actor
from kendali.core.audit import snapshot
from kendali.core.errors import KendaliError, NotFound
from kendali.core.models import User
from kendali.core.pages import page_permission
from kendali.sensors import chart, conf, selectors, services
from kendali.sensors.choices import AlarmStatus, RuleKind
from kendali.sensors.forms import (
    AlarmActionForm,
    CsvImportForm,
    DeviceForm,
    RuleForm,
    RulesImportForm,
    SubscriptionForm,
    VariableForm,
)
from kendali.sensors.models import AlarmSubscription
from kendali.sensors.services import RULE_FIELDS

RANGES = {"6j": timedelta(hours=6), "24j": timedelta(hours=24), "7h": timedelta(days=7)}


def _actor(request) -> Actor:
    return Actor.from_request(request)


@page_permission("sensors.view_device")
def index(request):
    actor = _actor(request)
    devices = selectors.devices_visible(actor=actor).prefetch_related("variables")
    open_alarms = []
    if request.user.has_perm("sensors.view_alarm"):
        open_alarms = list(
            selectors.alarms_visible(actor=actor).exclude(status=AlarmStatus.CLEARED)[:50]
        )
    return render(request, "sensors/index.html", {"devices": devices, "open_alarms": open_alarms})


def _device_page(request, device, *, rule_form=None, variable_form=None, status=200):
    variables = list(device.variables.all())
    chosen = next((v for v in variables if v.name == request.GET.get("var")), None)
    chosen = chosen or (variables[0] if variables else None)
    range_key = request.GET.get("rentang", "24j")
    span = RANGES.get(range_key, RANGES["24j"])
    end = timezone.now()
    start = end - span
    svg, resolution = "", ""
    alarms = []
    if request.user.has_perm("sensors.view_alarm"):
        alarms = list(device.alarms.order_by("-raised_at")[:20])
    if chosen is not None:
        resolution, points = selectors.history(variable=chosen, start=start, end=end)
        spans = [
            (a.started_at, a.cleared_at or end, a.peak_level, a.message)
            for a in device.alarms.filter(started_at__lt=end).exclude(cleared_at__lt=start)
            if a.rule is None or a.rule.variable in ("", chosen.name)
        ]
        lines = []
        rules = device.rules.filter(variable=chosen.name, is_active=True)
        # Band lines first: a threshold at the same level does not hide "Siaga".
        for rule in sorted(rules, key=lambda r: r.kind != RuleKind.BANDS):
            if rule.kind == RuleKind.BANDS:
                lines += [
                    (rule.waspada, "waspada", _("Waspada")),
                    (rule.siaga, "siaga", _("Siaga")),
                    (rule.awas, "awas", _("Awas")),
                ]
            elif rule.kind == RuleKind.THRESHOLD:
                lines.append((rule.threshold, rule.level, rule.name))
        svg = chart.render(
            points=points, start=start, end=end, unit=chosen.unit, spans=spans, lines=lines
        )
    rules = list(device.rules.all())
    editing = None
    if rule_form is None and request.user.has_perm("sensors.change_rule"):
        # ?aturan=<id>: the form is filled with that rule, to change it
        editing = next((r for r in rules if str(r.pk) == request.GET.get("aturan")), None)
        initial = {"rule_id": editing.pk, **snapshot(editing, RULE_FIELDS)} if editing else None
        rule_form = RuleForm(device=device, initial=initial)
    elif rule_form is not None:
        editing = next((r for r in rules if str(r.pk) == str(rule_form["rule_id"].value())), None)
    if variable_form is None and request.user.has_perm("sensors.change_device"):
        variable_form = VariableForm()
    return render(
        request,
        "sensors/device.html",
        {
            "device": device,
            "variables": variables,
            "chosen": chosen,
            "chart": svg,
            "resolution": resolution,
            "range_key": range_key,
            "ranges": RANGES,
            "alarms": alarms,
            "rules": rules,
            "rule_form": rule_form,
            "editing": editing,
            "variable_form": variable_form,
        },
        status=status,
    )


@page_permission("sensors.view_device")
def device_detail(request, code: str):
    device = selectors.device_for(actor=_actor(request), code=code)
    return _device_page(request, device)


@page_permission("sensors.change_rule")
@require_POST
def rule_save(request, code: str):
    """The rule form of the device page: a new rule, or a change to ``rule_id``."""
    actor = _actor(request)
    device = selectors.device_for(actor=actor, code=code)
    form = RuleForm(request.POST, device=device)
    if form.is_valid():
        try:
            rule = services.rule_save(
                actor=actor,
                device=device,
                rule_id=form.cleaned_data["rule_id"],
                **form.rule_data(),
            )
        except NotFound:
            raise
        except KendaliError as exc:
            form.add_error(None, exc.detail)
            for field, problems in (exc.errors if isinstance(exc.errors, dict) else {}).items():
                known = field in form.fields
                for problem in problems:
                    form.add_error(
                        field if known else None, problem if known else f"{field}: {problem}"
                    )
        else:
            messages.success(request, _("Aturan %(n)s disimpan.") % {"n": rule.name})
            return redirect("sensors:device", code=device.code)
    return _device_page(request, device, rule_form=form, status=422)


@page_permission("sensors.change_rule")
@require_POST
def rule_delete(request, rule_id: int):
    actor = _actor(request)
    rule = selectors.rules_visible(actor=actor).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("Aturan tidak ditemukan."))
    services.rule_delete(actor=actor, rule_id=rule.pk)
    messages.success(request, _("Aturan %(n)s dihapus.") % {"n": rule.name})
    if request.POST.get("next") == "rules":
        return redirect("sensors:rules")
    return redirect("sensors:device", code=rule.device.code)


@page_permission("sensors.change_device")
@require_POST
def variable_add(request, code: str):
    actor = _actor(request)
    device = selectors.device_for(actor=actor, code=code)
    form = VariableForm(request.POST)
    if form.is_valid():
        try:
            variable = services.variable_add(actor=actor, device=device, **form.cleaned_data)
        except NotFound:
            raise
        except KendaliError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Variabel %(n)s ditambahkan.") % {"n": variable.name})
            return redirect("sensors:device", code=device.code)
    return _device_page(request, device, variable_form=form, status=422)


@page_permission("sensors.add_device")
@require_http_methods(["GET", "POST"])
def device_new(request):
    form = DeviceForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            device, plain = services.device_create(actor=_actor(request), **form.cleaned_data)
            created = {"device": device, "token": plain}
            form = DeviceForm()
        except KendaliError as exc:
            form.add_error(None, exc.detail)
    return render(request, "sensors/device_new.html", {"form": form, "created": created})


@page_permission("sensors.add_device")
@require_POST
def device_token(request, code: str):
    actor = _actor(request)
    device = selectors.device_for(actor=actor, code=code)
    try:
        plain = services.device_token_issue(actor=actor, device=device)
    except KendaliError as exc:
        messages.error(request, exc.detail)
        return redirect("sensors:device", code=code)
    return render(
        request, "sensors/device_new.html", {"created": {"device": device, "token": plain}}
    )


@page_permission("sensors.view_alarm")
def alarm_list(request):
    qs = selectors.alarms_visible(actor=_actor(request))
    show = request.GET.get("status", "open")
    if show == "open":
        qs = qs.exclude(status=AlarmStatus.CLEARED)
    return render(request, "sensors/alarms.html", {"alarms": qs[:200], "show": show})


@page_permission("sensors.view_alarm")
def alarm_detail(request, alarm_id: int):
    alarm = selectors.alarm_for(actor=_actor(request), alarm_id=alarm_id)
    handlers = User.objects.filter(is_active=True).order_by("username")
    handlers = [u for u in handlers if u.has_perm("sensors.change_alarm")]
    return render(
        request,
        "sensors/alarm.html",
        {
            "alarm": alarm,
            "notes": alarm.notes.all(),
            "warning_url": selectors.alarm_warning_url(alarm),
            "handlers": handlers,
            "form": AlarmActionForm(),
        },
    )


@page_permission("sensors.change_alarm")
@require_POST
def alarm_action(request, alarm_id: int):
    form = AlarmActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Aksi tidak dikenal."))
        return redirect("sensors:alarm", alarm_id=alarm_id)
    actor = _actor(request)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        if action == "ack":
            services.alarm_acknowledge(actor=actor, alarm_id=alarm_id, note=note)
            messages.success(request, _("Alarm diterima."))
        elif action == "clear":
            services.alarm_clear(actor=actor, alarm_id=alarm_id, note=note)
            messages.success(request, _("Alarm diselesaikan."))
        elif action == "assign":
            user = User.objects.filter(pk=form.cleaned_data["assignee"]).first()
            services.alarm_assign(actor=actor, alarm_id=alarm_id, user=user)
            messages.success(request, _("Penanggung jawab alarm diperbarui."))
        else:
            services.alarm_note_add(actor=actor, alarm_id=alarm_id, text=note)
            messages.success(request, _("Catatan ditambahkan."))
    except NotFound:
        raise
    except KendaliError as exc:
        messages.error(request, exc.detail)
    return redirect("sensors:alarm", alarm_id=alarm_id)


@page_permission("sensors.view_rule")
def rule_list(request):
    rules = selectors.rules_visible(actor=_actor(request))
    return render(request, "sensors/rules.html", {"rules": rules, "form": RulesImportForm()})


@page_permission("sensors.view_rule")
def rules_export(request):
    actor = _actor(request)
    data = services.rules_export(actor=actor, rules=selectors.rules_visible(actor=actor))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="aturan-sensor.json"'
    return response


@page_permission("sensors.change_rule")
@require_POST
def rules_import(request):
    form = RulesImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rules = services.rules_import(
                actor=_actor(request), data=form.cleaned_data["file"].read()
            )
            messages.success(request, _("%(n)d aturan diimpor.") % {"n": len(rules)})
        except KendaliError as exc:
            detail = exc.detail
            if exc.errors:
                detail += " " + json.dumps(exc.errors, ensure_ascii=False)[:500]
            messages.error(request, detail)
    else:
        messages.error(request, _("Pilih berkas JSON."))
    return redirect("sensors:rules")


@page_permission("sensors.ingest_reading")
@require_http_methods(["GET", "POST"])
def csv_import(request):
    form = CsvImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            result = services.readings_import_csv(
                actor=_actor(request), text=raw.decode("utf-8-sig")
            )
        except UnicodeDecodeError:
            form.add_error("file", _("Berkas harus UTF-8."))
        except KendaliError as exc:
            form.add_error(None, exc.detail)
    return render(
        request,
        "sensors/csv_import.html",
        {"form": form, "result": result, "retention_days": conf.RAW_RETENTION_DAYS},
    )


@page_permission("sensors.view_alarm")
@require_http_methods(["GET", "POST"])
def subscription(request):
    current = AlarmSubscription.objects.filter(user=request.user).first()
    initial = {"min_level": "siaga", "in_app": True}
    if current:
        initial = {
            f: getattr(current, f)
            for f in (
                "min_level",
                "kinds",
                "only_my_agency",
                "in_app",
                "email",
                "webhook_url",
                "telegram_chat",
            )
        }
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_save(actor=_actor(request), **form.cleaned_data)
            messages.success(request, _("Pilihan pemberitahuan alarm disimpan."))
            return redirect("sensors:subscription")
        except KendaliError as exc:
            form.add_error(None, exc.detail)
    return render(request, "sensors/subscription.html", {"form": form})
