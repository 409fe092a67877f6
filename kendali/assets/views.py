"""Pages under /aset/: register, item, approvals, depreciation, stock-taking, reports, import."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kendali.assets import importer, labels, reports, selectors, services
from kendali.assets.choices import KIB_FIELDS, Condition, EntryKind, ItemStatus, Kib
from kendali.assets.forms import (
    AttachmentForm,
    AttachmentRemoveForm,
    DecideForm,
    EntryForm,
    FindDismissForm,
    FindDraftForm,
    ItemForm,
    LockForm,
    ReverseForm,
    RunForm,
    StockTakeForm,
    UploadForm,
)
from kendali.assets.models import CodeNode, CodeSetting, SemesterLock, period_of
from kendali.core.actors import Actor
from kendali.core.errors import Invalid, KendaliError, NotFound
from kendali.core.files import private_file_response
from kendali.core.pages import apply_errors, page_permission


def _apply_errors(form, exc: KendaliError) -> None:
    apply_errors(form, exc, fallback_prefix="d_")


def _rupiah(value) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@page_permission("assets.view_item")
@require_GET
def items(request):
    actor = Actor.from_request(request)
    agency_id = _int(request.GET.get("opd"))
    kib = request.GET.get("kib", "") if request.GET.get("kib", "") in Kib.values else ""
    status = request.GET.get("status", "")
    status = status if status in ItemStatus.values else ""
    q = request.GET.get("q", "").strip()[:80]
    qs = selectors.item_list(actor=actor, agency_id=agency_id, kib=kib, status=status, q=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    # Plain rows (labels translated once per page, money formatted here): a register page is
    # read all day, and per-cell template lookups of lazy choice labels dominate its time.
    conditions = {k: str(v) for k, v in Condition.choices}
    statuses = {k: str(v) for k, v in ItemStatus.choices}
    item_url = reverse("assets:item", args=[0]).rsplit("0/", 1)[0]  # reversed once per page
    rows = [
        {
            "id": r["id"],
            "url": f"{item_url}{r['id']}/",
            "nibar": r["nibar"],
            "code": r["code__code"],
            "name": r["name"],
            "kib": r["kib"],
            "opd": r["agency__short_name"],
            "room": r["room__name"] or "—",
            "date": r["acquisition_date"].strftime("%d-%m-%Y"),
            "intra": r["intra"],
            "value": _rupiah(r["value"]),
            "book": _rupiah(r["value"] - r["accumulated"]),
            "condition": conditions.get(r["condition"], ""),
            "status": statuses.get(r["status"], ""),
        }
        for r in page.object_list.values(
            "id",
            "nibar",
            "code__code",
            "name",
            "kib",
            "agency__short_name",
            "room__name",
            "acquisition_date",
            "intra",
            "value",
            "accumulated",
            "condition",
            "status",
        )
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assets/items.html",
        {
            "page": page,
            "rows": rows,
            "opds": selectors.opds(actor=actor),
            "kibs": [(v, str(label)) for v, label in Kib.choices],
            "statuses": list(statuses.items()),
            "draft_label": _("(konsep)"),
            "f": {"opd": agency_id, "kib": kib, "status": status, "q": q},
            "query": query.urlencode(),
            "pending": selectors.pending_entries(actor=actor).count(),
        },
    )


@page_permission("assets.draft_entry")
@require_http_methods(["GET", "POST"])
def item_new(request):
    actor = Actor.from_request(request)
    kib = request.GET.get("kib") or request.POST.get("kib") or Kib.B
    if kib not in Kib.values:
        kib = Kib.B
    agencies = selectors.opds(actor=actor)
    form = ItemForm(
        request.POST or None, kib=kib, agencies=agencies, rooms=selectors.rooms(actor=actor)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_draft(
                actor=actor,
                agency=data["agency"],
                code=data["code"],
                name=data["name"],
                acquisition_date=data["acquisition_date"],
                value=data["value"],
                origin=data["origin"],
                condition=data["condition"],
                details=form.details(),
                certificate_number=data["certificate_number"],
                lat=data["lat"],
                lon=data["lon"],
                room=data["room"],
                quantity=data["quantity"],
                unit=data["unit"],
                note=data["note"],
            )
        except KendaliError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Perolehan disimpan sebagai konsep; menunggu persetujuan."))
            return redirect("assets:item", item.pk)
    prefix = {"A": "1.3.1", "B": "1.3.2", "C": "1.3.3", "D": "1.3.4", "E": "1.3.5", "F": "1.3.6"}[
        kib
    ]
    leaf_codes = CodeNode.objects.filter(code__startswith=prefix + ".", level=7)
    return render(
        request,
        "assets/item_new.html",
        {"form": form, "kib": kib, "kibs": Kib.choices, "codes": leaf_codes},
    )


@page_permission("assets.view_item")
@require_GET
def item_detail(request, item_id: int):
    actor = Actor.from_request(request)
    item = selectors.item_for(actor=actor, item_id=item_id)
    entries = item.entries.select_related(
        "drafted_by", "decided_by", "to_agency", "agency"
    ).order_by("drafted_at", "id")
    details = [
        (label, item.details.get(key))
        for key, label, _kind in KIB_FIELDS.get(item.kib, [])
        if item.details.get(key) not in (None, "")
    ]
    today = timezone.localdate()
    on_text = request.GET.get("pada", "")
    on_values, on_error = None, ""
    if on_text:
        try:
            on_values = selectors.values_on(item, on_text, field="pada")
        except Invalid as exc:
            on_error = exc.detail
    geometry = item.shape or (
        {"type": "Point", "coordinates": [item.lon, item.lat]} if item.lat is not None else None
    )
    geojson = (
        json.dumps({"type": "Feature", "geometry": geometry, "properties": {}}) if geometry else ""
    )
    return render(
        request,
        "assets/item.html",
        {
            "geojson": geojson,
            "item": item,
            "entries": entries,
            "details": details,
            "lines": item.depreciation.order_by("period_index"),
            "live": selectors.live_state(item, actor=actor),
            "on_text": on_text[:10],
            "on_values": on_values,
            "on_error": on_error,
            "tasks": selectors.tasks_of(item)[:10],
            "attachments": selectors.attachments_of(item),
            "attachment_form": AttachmentForm(),
            "attachment_remove_form": AttachmentRemoveForm(),
            "entry_form": EntryForm(
                initial={"entry_date": today},
                agencies=selectors.opds(actor=Actor.system("pilihan OPD")).exclude(
                    pk=item.agency_id
                ),
            ),
            "reverse_form": ReverseForm(initial={"entry_date": today}),
            "has_draft": any(e.status == "draft" for e in entries),
            "today": today,
            "can_decide": request.user.has_perm("assets.approve_entry"),
        },
    )


@page_permission("assets.draft_entry")
@require_POST
def entry_new(request, item_id: int):
    actor = Actor.from_request(request)
    item = selectors.item_for(actor=actor, item_id=item_id)
    form = EntryForm(request.POST, agencies=selectors.opds(actor=Actor.system("pilihan OPD")))
    if not form.is_valid():
        messages.error(
            request, _("Isian entri tidak lengkap: %(e)s") % {"e": form.errors.as_text()}
        )
        return redirect("assets:item", item.pk)
    d = form.cleaned_data
    data = {
        "code": d["code"],
        "condition": d["condition"],
        "usage": d["usage"],
        "party": d["party"],
    }
    try:
        services.entry_draft(
            actor=actor,
            item=item,
            kind=d["kind"],
            entry_date=d["entry_date"],
            amount=d["amount"] or 0,
            to_agency=d["to_agency"],
            data=data,
            note=d["note"],
        )
    except KendaliError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Entri disimpan sebagai konsep; menunggu persetujuan."))
    return redirect("assets:item", item.pk)


@page_permission("assets.approve_entry")
@require_POST
def entry_decide(request, entry_id: int):
    actor = Actor.from_request(request)
    entry = selectors.entry_for(actor=actor, entry_id=entry_id)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                services.entry_approve(
                    actor=actor, entry_id=entry.pk, note=form.cleaned_data["note"]
                )
                messages.success(request, _("Entri %(n)s disetujui.") % {"n": entry.number})
            else:
                services.entry_reject(
                    actor=actor, entry_id=entry.pk, note=form.cleaned_data["note"]
                )
                messages.success(request, _("Entri %(n)s ditolak.") % {"n": entry.number})
        except KendaliError as exc:
            messages.error(request, exc.detail)
    back = request.POST.get("next") or reverse("assets:item", args=[entry.item_id])
    return redirect(back if back.startswith("/aset/") else reverse("assets:approvals"))


@page_permission("assets.draft_entry")
@require_POST
def entry_reverse(request, entry_id: int):
    actor = Actor.from_request(request)
    entry = selectors.entry_for(actor=actor, entry_id=entry_id)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            services.entry_reverse(actor=actor, entry_id=entry.pk, **form.cleaned_data)
        except KendaliError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("Entri pembalikan disimpan sebagai konsep."))
    else:
        messages.error(request, _("Tanggal dan alasan pembalikan wajib diisi."))
    return redirect("assets:item", entry.item_id)


@page_permission("assets.view_item")
@require_GET
def approvals(request):
    actor = Actor.from_request(request)
    return render(
        request,
        "assets/approvals.html",
        {
            "entries": selectors.pending_entries(actor=actor)[:200],
            "can_decide": request.user.has_perm("assets.approve_entry"),
        },
    )


@page_permission("assets.view_item")
@require_GET
def ledger(request):
    actor = Actor.from_request(request)
    qs = selectors.entries_visible(actor=actor).order_by("-id")
    kind = request.GET.get("jenis", "")
    if kind in EntryKind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "assets/ledger.html", {"page": page, "kinds": EntryKind.choices, "kind": kind}
    )


@page_permission("assets.view_item")
@require_http_methods(["GET", "POST"])
def depreciation(request):
    actor = Actor.from_request(request)
    agencies = selectors.opds(actor=actor)
    run_form = RunForm(request.POST if "run" in request.POST else None, agencies=agencies)
    lock_form = LockForm(request.POST if "lock" in request.POST else None)
    if request.method == "POST":
        if "run" in request.POST:
            if not request.user.has_perm("assets.run_depreciation"):
                raise PermissionDenied(_("Hanya BPKAD yang menjalankan penyusutan."))
            if run_form.is_valid():
                try:
                    run = services.depreciation_run(actor=actor, **run_form.cleaned_data)
                except KendaliError as exc:
                    messages.error(request, exc.detail)
                else:
                    messages.success(
                        request,
                        _("Penyusutan %(p)s selesai: %(n)d barang dalam %(s).1f detik.")
                        % {"p": run.period, "n": run.items, "s": run.seconds},
                    )
                    return redirect("assets:depreciation")
        elif "lock" in request.POST:
            if not request.user.has_perm("assets.lock_semester"):
                raise PermissionDenied(_("Hanya BPKAD/Pengelola Barang yang mengunci semester."))
            if lock_form.is_valid():
                try:
                    services.semester_lock(actor=actor, period=lock_form.cleaned_data["period"])
                except KendaliError as exc:
                    messages.error(request, exc.detail)
                else:
                    messages.success(request, _("Semester dikunci."))
                    return redirect("assets:depreciation")
    return render(
        request,
        "assets/depreciation.html",
        {
            "runs": selectors.depreciation_runs(actor=actor)[:40],
            "locks": SemesterLock.objects.select_related("locked_by")[:20],
            "run_form": run_form,
            "lock_form": lock_form,
            "current": period_of(timezone.localdate()),
        },
    )


@page_permission("assets.view_reports")
@require_GET
def report_page(request):
    actor = Actor.from_request(request)
    return render(
        request,
        "assets/reports.html",
        {
            "reports": reports.CATALOGUE,
            "opds": selectors.opds(actor=actor),
            "rooms": selectors.rooms(actor=actor)[:500],
            "current": period_of(timezone.localdate()),
            "year": timezone.localdate().year,
            "see_all": selectors.opds(actor=actor).count() > 1,
        },
    )


@page_permission("assets.view_reports")
@require_GET
def report_download(request):
    actor = Actor.from_request(request)
    try:
        spec = reports.spec_from(actor=actor, params=request.GET)
    except KendaliError as exc:
        return HttpResponse(exc.detail, status=exc.status, content_type="text/plain; charset=utf-8")
    fmt = request.GET.get("format", "xlsx")
    handle, filename, content_type = reports.render(actor=actor, spec=spec, fmt=fmt)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


@page_permission("assets.draft_entry")
@require_POST
def attachment_upload(request, item_id: int):
    actor = Actor.from_request(request)
    item = selectors.item_for(actor=actor, item_id=item_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Lampiran belum lengkap: %(e)s") % {"e": form.errors.as_text()})
        return redirect("assets:item", item.pk)
    try:
        services.attachment_add(
            actor=actor,
            item_id=item.pk,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
        )
    except KendaliError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Lampiran disimpan."))
    return redirect("assets:item", item.pk)


@page_permission("assets.view_item")
@require_GET
def attachment_file(request, item_id: int, attachment_id: int):
    actor = Actor.from_request(request)
    attachment = selectors.attachment_for(actor=actor, item_id=item_id, attachment_id=attachment_id)
    return private_file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.download_name,
        inline=attachment.inline,
    )


@page_permission("assets.draft_entry")
@require_POST
def attachment_remove(request, item_id: int, attachment_id: int):
    actor = Actor.from_request(request)
    attachment = selectors.attachment_for(actor=actor, item_id=item_id, attachment_id=attachment_id)
    form = AttachmentRemoveForm(request.POST)
    try:
        services.attachment_remove(
            actor=actor,
            attachment_id=attachment.pk,
            reason=form.data.get("reason", ""),
        )
    except KendaliError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Lampiran dihapus dari halaman barang."))
    return redirect("assets:item", item_id)


@page_permission("assets.view_item")
@require_GET
def item_label(request, item_id: int):
    actor = Actor.from_request(request)
    item = selectors.item_for(actor=actor, item_id=item_id)
    if not item.nibar:
        raise Http404(_("Label baru dapat dicetak setelah NIBAR terbit."))
    pdf = labels.label_sheet([item])
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="label-{item.nibar}.pdf"'},
    )


@page_permission("assets.view_item")
@require_http_methods(["GET", "POST"])
def stocktakes(request):
    actor = Actor.from_request(request)
    form = StockTakeForm(
        request.POST or None,
        agencies=selectors.opds(actor=actor),
        rooms=selectors.rooms(actor=actor),
        initial={"planned_for": timezone.localdate()},
    )
    if request.method == "POST":
        if not request.user.has_perm("assets.manage_stocktake"):
            raise PermissionDenied(_("Peran Anda tidak berhak merencanakan inventarisasi."))
        if form.is_valid():
            try:
                st = services.stocktake_plan(actor=actor, **form.cleaned_data)
            except KendaliError as exc:
                _apply_errors(form, exc)
            else:
                return redirect("assets:stocktake", st.pk)
    rows = [(st, selectors.stocktake_progress(st)) for st in selectors.stocktakes(actor=actor)[:50]]
    return render(request, "assets/stocktakes.html", {"rows": rows, "form": form})


@page_permission("assets.view_item")
@require_http_methods(["GET", "POST"])
def stocktake_detail(request, stocktake_id: int):
    actor = Actor.from_request(request)
    st = selectors.stocktake_for(actor=actor, stocktake_id=stocktake_id)
    if request.method == "POST":
        if not request.user.has_perm("assets.manage_stocktake"):
            raise PermissionDenied(_("Peran Anda tidak berhak mengelola inventarisasi."))
        try:
            if "start" in request.POST:
                services.stocktake_start(actor=actor, stocktake_id=st.pk)
                messages.success(request, _("Inventarisasi dimulai."))
            elif "find" in request.POST:
                form = FindDraftForm(request.POST)
                if not form.is_valid():
                    raise Invalid(
                        _("Isian temuan belum lengkap: %(e)s") % {"e": form.errors.as_text()}
                    )
                data = form.cleaned_data
                scan = selectors.find_for(actor=actor, stocktake_id=st.pk, scan_id=data.pop("scan"))
                item = services.found_item_draft(actor=actor, scan_id=scan.pk, **data)
                messages.success(
                    request,
                    _("Temuan dicatat sebagai konsep perolehan %(n)s; menunggu persetujuan.")
                    % {"n": item.name},
                )
            elif "dismiss" in request.POST:
                dismiss = FindDismissForm(request.POST)
                if not dismiss.is_valid():
                    raise Invalid(_("Alasan wajib diisi."))
                scan = selectors.find_for(
                    actor=actor, stocktake_id=st.pk, scan_id=dismiss.cleaned_data["scan"]
                )
                services.found_item_dismiss(
                    actor=actor, scan_id=scan.pk, reason=dismiss.cleaned_data["reason"]
                )
                messages.success(request, _("Temuan diabaikan."))
            elif "close" in request.POST:
                result = services.stocktake_close(actor=actor, stocktake_id=st.pk)
                messages.success(
                    request,
                    _(
                        "Inventarisasi ditutup: %(a)d konsep penghapusan (tidak ditemukan), "
                        "%(b)d konsep perubahan kondisi, %(c)d konsep perolehan barang temuan."
                    )
                    % {
                        "a": result["not_found"],
                        "b": result["condition"],
                        "c": result["unregistered"],
                    },
                )
        except NotFound:
            raise  # another census's find: 404, as for the census itself
        except KendaliError as exc:
            messages.error(request, exc.detail)
        return redirect("assets:stocktake", st.pk)
    found_ids = st.scans.filter(result="found").values("item_id")
    missing = services.stocktake_items(st).exclude(pk__in=found_ids).select_related("code")[:200]
    finds = [
        (
            scan,
            selectors.find_state(scan),
            FindDraftForm(
                initial={
                    "scan": scan.pk,
                    "name": (scan.proposed or {}).get("name", ""),
                    "code": (scan.proposed or {}).get("code", ""),
                    "value": (scan.proposed or {}).get("value"),
                    "acquisition_date": timezone.localdate(),
                },
                auto_id=f"find{scan.pk}_%s",
            ),
            FindDismissForm(initial={"scan": scan.pk}, auto_id=f"dismiss{scan.pk}_%s"),
        )
        for scan in selectors.stocktake_finds(st)[:200]
    ]
    return render(
        request,
        "assets/stocktake.html",
        {
            "finds": finds,
            "codes": CodeNode.objects.filter(level=7).only("code", "name") if finds else [],
            "st": st,
            "progress": selectors.stocktake_progress(st),
            "scans": st.scans.select_related("item")[:100],
            "missing": missing,
        },
    )


@page_permission("assets.manage_stocktake")
@require_GET
def stocktake_scan(request, stocktake_id: int):
    actor = Actor.from_request(request)
    st = selectors.stocktake_for(actor=actor, stocktake_id=stocktake_id)
    return render(
        request, "assets/scan.html", {"st": st, "progress": selectors.stocktake_progress(st)}
    )


@page_permission("assets.manage_stocktake")
@require_GET
def stocktake_labels(request, stocktake_id: int):
    actor = Actor.from_request(request)
    st = selectors.stocktake_for(actor=actor, stocktake_id=stocktake_id)
    items_ = (
        services.stocktake_items(st).exclude(nibar__isnull=True).select_related("agency", "code")
    )
    pdf = labels.label_sheet(list(items_.order_by("nibar")[:2000]))
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="label-inventarisasi-{st.pk}.pdf"'},
    )


@page_permission("assets.view_reports")
@require_GET
def stocktake_result(request, stocktake_id: int):
    actor = Actor.from_request(request)
    st = selectors.stocktake_for(actor=actor, stocktake_id=stocktake_id)
    handle, filename, content_type = reports.render_stocktake(actor=actor, stocktake=st)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


@page_permission("assets.import_items")
@require_http_methods(["GET", "POST"])
def import_page(request):
    actor = Actor.from_request(request)
    agencies = selectors.opds(actor=actor)
    context: dict = {"opds": agencies, "fields": importer.FIELD_LABELS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        token = request.POST.get("token", "")
        agency = agencies.filter(pk=_int(request.POST.get("agency"))).first()
        mapping = {k[4:]: v for k, v in request.POST.items() if k.startswith("map_") and v}
        if agency is None:
            messages.error(request, _("Pilih OPD tujuan impor."))
        elif upload is None and not token:
            messages.error(request, _("Pilih berkas XLSX."))
        else:
            try:
                if upload is not None:
                    token = importer.stash(upload)
                path = importer.stashed(token)
                if "commit" in request.POST:
                    batch = importer.import_commit(
                        actor=actor, path=path, agency=agency, mapping=mapping
                    )
                    messages.success(
                        request,
                        _(
                            "%(n)d barang diimpor sebagai konsep; setujui batch di halaman persetujuan."
                        )
                        % {"n": batch.rows},
                    )
                    return redirect("assets:approvals")
                report = importer.dry_run(path=path, agency=agency, mapping=mapping)
                context.update(report=report, token=token, agency=agency)
            except KendaliError as exc:
                messages.error(request, exc.detail)
                context.update(token=token, agency=agency, problem=exc)
        context["map_fields"] = [
            (key, label, mapping.get(key, "")) for key, label in importer.FIELD_LABELS.items()
        ]
    return render(request, "assets/import.html", context)


@page_permission("assets.approve_entry")
@require_POST
def import_approve(request, batch_id: int):
    actor = Actor.from_request(request)
    try:
        n = importer.batch_approve(actor=actor, batch_id=batch_id)
    except KendaliError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("%(n)d barang impor disetujui; NIBAR terbit.") % {"n": n})
    return redirect("assets:approvals")


@page_permission("assets.view_item")
@require_http_methods(["GET", "POST"])
def codes(request):
    actor = Actor.from_request(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.has_perm("assets.manage_codes"):
            raise PermissionDenied(_("Hanya BPKAD yang mengelola kodefikasi."))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                n = services.codes_import(actor=actor, data=upload.read(), filename=upload.name)
            except KendaliError as exc:
                messages.error(
                    request, "; ".join([exc.detail, *(exc.errors or {}).get("file", [])][:10])
                )
            else:
                messages.success(request, _("%(n)d kode dimuat.") % {"n": n})
                return redirect("assets:codes")
    prefix = request.GET.get("awal", "1.3")
    nodes = CodeNode.objects.filter(code__startswith=prefix).order_by("code")[:400]
    return render(
        request,
        "assets/codes.html",
        {
            "nodes": nodes,
            "settings": CodeSetting.objects.all(),
            "form": form,
            "prefix": prefix,
            "today": date.today(),
        },
    )
