"""SPBE pages under /spbe/: the architecture catalogue, its matrix, gaps and dependency
picture; evaluations and their answers; the peta rencana; the internal policies."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kendali.core.actors import Actor
from kendali.core.errors import Invalid, KendaliError, NotFound
from kendali.core.models import Agency
from kendali.core.registry import get_figure
from kendali.spbe import drawing, exports, frameworks, selectors, services
from kendali.spbe.apps import EDIT, MANAGE, REVIEW, VIEW
from kendali.spbe.choices import (
    Classification,
    Domain,
    ElementStatus,
    Hosting,
    InitiativeStatus,
    PolicyStatus,
    RelationKind,
    Validation,
)
from kendali.spbe.models import Element, Framework, Initiative

STATUS_COLORS = {
    "rencana": "#1f78b4",
    "berjalan": "#33a02c",
    "selesai": "#6a3d9a",
    "tertunda": "#ff7f00",
    "dibatalkan": "#999999",
}


def _need(request, perm: str = VIEW) -> Actor:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Peran Anda tidak berhak membuka halaman ini."))
    return Actor.from_request(request)


def _found(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _fail(request, exc: KendaliError) -> None:
    messages.error(request, exc.detail)
    for error in exc.errors or []:
        if isinstance(error, dict):
            where = error.get("baris") or error.get("field") or ""
            messages.error(request, f"{where}: {error.get('pesan') or error.get('message')}")


def _agency(value) -> Agency | None:
    if not value:
        return None
    found = Agency.objects.filter(pk=value).first() if str(value).isdigit() else None
    if found is None:
        raise KendaliError(_("OPD tidak dikenal."))
    return found


def _agencies(actor: Actor):
    from kendali.core.scope import scope_queryset

    qs = Agency.objects.filter(is_active=True).order_by("short_name")
    return qs if actor.has_perm(MANAGE) else scope_queryset(qs, actor, "pk")


def _upload(request, name: str = "file") -> tuple[str, bytes, str] | None:
    f = request.FILES.get(name)
    if f is None:
        return None
    if f.size > services.MAX_DOCUMENT_BYTES:
        # Refuse before reading a large body into memory (same message as the service).
        raise Invalid(
            _("Berkas %(n)s terlalu besar (%(s)s MB); batasnya %(m)s MB.")
            % {
                "n": f.name,
                "s": round(f.size / 1048576, 1),
                "m": services.MAX_DOCUMENT_BYTES // 1048576,
            }
        )
    return (f.name, f.read(), f.content_type or "")


# ---- home ---------------------------------------------------------------------------------


@login_required
def home(request):
    actor = _need(request)
    latest = selectors.evaluations(actor=actor).first()
    score = selectors.evaluation_score(latest) if latest else None
    version = selectors.roadmap_version(actor=actor)
    return render(
        request,
        "spbe/home.html",
        {
            "counts": selectors.domain_counts(actor=actor),
            "latest": latest,
            "score": score,
            "version": version,
            "policies": selectors.policies(actor=actor),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


# ---- catalogue ----------------------------------------------------------------------------


@login_required
def catalogue(request):
    actor = _need(request)
    domain = request.GET.get("domain", "")
    if domain not in Domain.values:
        domain = ""
    agency_id = request.GET.get("opd")
    q = request.GET.get("q", "").strip()[:100]
    qs = selectors.elements(
        actor=actor,
        domain=domain,
        agency_id=int(agency_id) if agency_id and agency_id.isdigit() else None,
        q=q,
    )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    # Labels translated once per page, not three lazy lookups per row.
    labels = {
        "domain": {k: str(v) for k, v in Domain.choices},
        "status": {k: str(v) for k, v in ElementStatus.choices},
        "validation": {k: str(v) for k, v in Validation.choices},
    }
    # Rows built here with escaping (the catalogue is the module's largest page; the
    # template engine's per-cell cost dominated its time with 2,000 elements).
    base = reverse("spbe:catalogue")
    kendali_pill = format_html(' <span class="pill">{}</span>', "Kendali")
    rows = mark_safe(  # noqa: S308 - every value below passes through format_html
        "".join(
            format_html(
                '<tr><td><a href="{}{}/">{}</a></td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td>'
                '<td>{}</td><td><span class="pill val-{}">{}</span></td></tr>',
                base,
                e.pk,
                e.code,
                e.name,
                kendali_pill if e.system_key else "",
                labels["domain"].get(e.domain, e.domain),
                e.reference_code or "—",
                e.agency.short_name if e.agency else "—",
                labels["status"].get(e.status, e.status),
                e.validation,
                labels["validation"].get(e.validation, e.validation),
            )
            for e in page
        )
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "spbe/catalogue.html",
        {
            "page": page,
            "rows": rows,
            "domains": [(k, str(v)) for k, v in Domain.choices],
            "domain": domain,
            "q": q,
            "opd": agency_id or "",
            "agencies": Agency.objects.order_by("short_name"),
            "query": query.urlencode(),
            "counts": selectors.domain_counts(actor=actor),
            "can_edit": request.user.has_perm(EDIT),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


def _element_values(post) -> dict:
    values = {
        "name": post.get("name", ""),
        "description": post.get("description", ""),
        "reference_code": post.get("reference_code", ""),
        "status": post.get("status") or ElementStatus.AKTIF,
        "walidata": post.get("walidata", ""),
        "classification": post.get("classification", ""),
        "users": post.get("users", ""),
        "hosting": post.get("hosting", ""),
        "has_api": post.get("has_api") == "on",
        "integrations": post.get("integrations", ""),
        "asset_ref": post.get("asset_ref", ""),
    }
    return values


def _element_form_context(actor: Actor, element=None, domain: str = "", data=None) -> dict:
    return {
        "element": element,
        "domain": domain or (element.domain if element else Domain.APLIKASI),
        "domains": Domain.choices,
        "statuses": ElementStatus.choices,
        "classifications": Classification.choices,
        "hostings": Hosting.choices,
        "agencies": _agencies(actor),
        "data": data or {},
        "references": selectors.references(),
        "assets": selectors.asset_choices(actor=actor),
        "v": _initial(
            element,
            data,
            [
                "code",
                "name",
                "description",
                "reference_code",
                "status",
                "walidata",
                "classification",
                "users",
                "hosting",
                "has_api",
                "integrations",
                "asset_ref",
            ],
        ),
    }


def _initial(obj, data, fields: list[str]) -> dict:
    """Form values: what was posted, else the object's, else empty."""
    values = dict.fromkeys(fields, "")
    if obj is not None:
        values.update({f: getattr(obj, f) for f in fields})
        values["agency"] = str(obj.agency_id or "")
    if data:
        values.update({f: data.get(f, "") for f in fields})
        values["agency"] = data.get("agency", "")
        if "has_api" in fields:
            values["has_api"] = data.get("has_api") == "on"
    values.setdefault("agency", "")
    return values


@login_required
@require_http_methods(["GET", "POST"])
def element_create(request):
    actor = _need(request, EDIT)
    if request.method == "POST":
        try:
            values = _element_values(request.POST)
            element = services.element_create(
                actor=actor,
                domain=request.POST.get("domain", ""),
                code=request.POST.get("code", ""),
                agency=_agency(request.POST.get("agency")),
                **{k: v for k, v in values.items() if k != "name"},
                name=values["name"],
            )
        except KendaliError as exc:
            _fail(request, exc)
            return render(
                request,
                "spbe/element_form.html",
                _element_form_context(
                    actor, domain=request.POST.get("domain", ""), data=request.POST
                ),
                status=422,
            )
        messages.success(request, _("Elemen %(c)s ditambahkan.") % {"c": element.code})
        return redirect("spbe:element", pk=element.pk)
    return render(
        request,
        "spbe/element_form.html",
        _element_form_context(actor, domain=request.GET.get("domain", "")),
    )


@login_required
def element_detail(request, pk: int):
    actor = _need(request)
    element = _found(selectors.element, actor=actor, pk=pk)
    tree = selectors.dependency_tree(actor=actor, root=element)
    svg = drawing.dependency_svg(
        tree, dict(RelationKind.choices), f"{_('Gambar ketergantungan')} {element.code}"
    )
    refs = selectors.references()
    return render(
        request,
        "spbe/element_detail.html",
        {
            "element": element,
            "reference": refs.get(element.reference_code),
            "relations": selectors.relations_of(element),
            "svg": mark_safe(svg),  # noqa: S308 - built here from escaped values
            "kinds": RelationKind.choices,
            "state": tree["states"].get(element.asset_ref),
            "can_edit": services.may_edit_for(actor, element.agency_id)
            and request.user.has_perm(EDIT),
            "can_review": services.may_validate(actor, element),
            "own_element": request.user.has_perm(REVIEW)
            and not services.may_validate(actor, element),
            "targets": Element.objects.exclude(pk=element.pk)
            .order_by("domain", "code")
            .only("pk", "code", "name", "domain")[:2000],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def element_edit(request, pk: int):
    actor = _need(request, EDIT)
    element = _found(selectors.element, actor=actor, pk=pk)
    if not services.may_edit_for(actor, element.agency_id):
        raise PermissionDenied(
            _("Hanya koordinator SPBE atau petugas OPD pengampu yang boleh mengubah ini.")
        )
    if request.method == "POST":
        try:
            changes = _element_values(request.POST)
            changes["code"] = request.POST.get("code", element.code)
            if "agency" in request.POST:
                changes["agency"] = _agency(request.POST.get("agency"))
            services.element_update(actor=actor, element=element, **changes)
        except KendaliError as exc:
            _fail(request, exc)
            return render(
                request,
                "spbe/element_form.html",
                _element_form_context(actor, element, data=request.POST),
                status=422,
            )
        messages.success(request, _("Elemen disimpan."))
        return redirect("spbe:element", pk=element.pk)
    return render(request, "spbe/element_form.html", _element_form_context(actor, element))


@login_required
@require_POST
def element_validate(request, pk: int):
    actor = _need(request, REVIEW)
    element = _found(selectors.element, actor=actor, pk=pk)
    try:
        services.element_validate(
            actor=actor,
            element=element,
            accept=request.POST.get("accept") == "1",
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Status validasi disimpan."))
    except KendaliError as exc:
        _fail(request, exc)
    return redirect("spbe:element", pk=element.pk)


@login_required
@require_POST
def relation_add(request, pk: int):
    actor = _need(request, EDIT)
    element = _found(selectors.element, actor=actor, pk=pk)
    target_id = request.POST.get("target", "")
    try:
        target = (
            _found(selectors.element, actor=actor, pk=int(target_id))
            if target_id.isdigit()
            else None
        )
        if target is None:
            raise KendaliError(_("Pilih elemen tujuan relasi."))
        services.relation_add(
            actor=actor,
            source=element,
            target=target,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Relasi ditambahkan."))
    except KendaliError as exc:
        _fail(request, exc)
    return redirect("spbe:element", pk=element.pk)


@login_required
@require_POST
def relation_remove(request, pk: int):
    actor = _need(request, EDIT)
    from kendali.spbe.models import Relation

    relation = Relation.objects.select_related("source").filter(pk=pk).first()
    if relation is None:
        raise Http404(_("Relasi tidak ditemukan."))
    element = _found(selectors.element, actor=actor, pk=relation.source_id)
    try:
        services.relation_remove(actor=actor, relation=relation)
        messages.success(request, _("Relasi dihapus."))
    except KendaliError as exc:
        _fail(request, exc)
    return redirect("spbe:element", pk=element.pk)


@login_required
def dependency_svg(request, pk: int):
    actor = _need(request)
    element = _found(selectors.element, actor=actor, pk=pk)
    tree = selectors.dependency_tree(actor=actor, root=element)
    return HttpResponse(
        drawing.dependency_svg(
            tree, dict(RelationKind.choices), f"{_('Gambar ketergantungan')} {element.code}"
        ),
        content_type="image/svg+xml",
    )


@login_required
@require_POST
def catalogue_sync(request):
    actor = _need(request, MANAGE)
    try:
        result = services.components_sync(actor=actor)
        services.reference_codes_load(actor=actor) if request.POST.get("references") else None
        messages.success(
            request,
            _(
                "Sinkronisasi komponen Kendali: %(c)s baru, %(u)s berubah, %(r)s dihentikan, %(l)s relasi."
            )
            % {
                "c": result["created"],
                "u": result["updated"],
                "r": result["retired"],
                "l": result["relations"],
            },
        )
    except KendaliError as exc:
        _fail(request, exc)
    return redirect("spbe:catalogue")


@login_required
def matrix_xlsx(request):
    actor = _need(request)
    body = exports.matrix_xlsx(selectors.matrix_rows(actor=actor))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="matriks-sia-spbe.xlsx"'
    return response


@login_required
def gap_list(request):
    actor = _need(request)
    return render(request, "spbe/gaps.html", {"gaps": selectors.gaps(actor=actor)})


# ---- frameworks and evaluations ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def framework_list(request):
    actor = _need(request)
    errors = []
    if request.method == "POST":
        _need(request, MANAGE)
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise KendaliError(_("Pilih berkas kerangka (JSON)."))
            import json

            try:
                data = json.loads(upload.read(2 * 1024 * 1024).decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise KendaliError(_("Berkas bukan JSON yang sah: %(e)s") % {"e": exc}) from exc
            framework = services.framework_load(actor=actor, data=data)
            messages.success(request, _("Kerangka %(n)s dimuat.") % {"n": framework})
            return redirect("spbe:frameworks")
        except KendaliError as exc:
            messages.error(request, exc.detail)
            errors = exc.errors or []
    items = Framework.objects.all()
    bundled = [(p.name, frameworks.read(p).get("nama", "")) for p in frameworks.bundled_files()]
    return render(
        request,
        "spbe/frameworks.html",
        {
            "frameworks": items,
            "errors": errors,
            "bundled": bundled,
            "can_manage": request.user.has_perm(MANAGE),
        },
        status=422 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_list(request):
    actor = _need(request)
    if request.method == "POST":
        _need(request, MANAGE)
        try:
            framework = Framework.objects.filter(pk=request.POST.get("framework") or 0).first()
            if framework is None:
                raise KendaliError(_("Pilih kerangka evaluasi."))
            year = request.POST.get("year", "")
            if not year.isdigit():
                raise KendaliError(_("Tahun evaluasi harus angka."))
            previous = (
                selectors.evaluations(actor=actor)
                .filter(framework=framework, year__lt=int(year))
                .first()
            )
            evaluation = services.evaluation_create(
                actor=actor, framework=framework, year=int(year), copy_from=previous
            )
            return redirect("spbe:evaluation", pk=evaluation.pk)
        except KendaliError as exc:
            _fail(request, exc)
    items = [(e, selectors.evaluation_score(e)) for e in selectors.evaluations(actor=actor)]
    return render(
        request,
        "spbe/evaluations.html",
        {
            "items": items,
            "frameworks": Framework.objects.all(),
            "can_manage": request.user.has_perm(MANAGE),
            "this_year": date.today().year,
        },
    )


@login_required
def evaluation_detail(request, pk: int):
    actor = _need(request)
    evaluation = _found(selectors.evaluation, actor=actor, pk=pk)
    score = selectors.evaluation_score(evaluation)
    answers = list(selectors.answers(actor=actor, evaluation=evaluation))
    return render(
        request,
        "spbe/evaluation.html",
        {
            "evaluation": evaluation,
            "score": score,
            "answers": answers,
            "candidates": selectors.raise_candidates(evaluation=evaluation),
            "work": selectors.review_work(actor=actor, answers=answers),
            "yoy": selectors.year_over_year(actor=actor, evaluation=evaluation),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@login_required
@require_POST
def evaluation_lock(request, pk: int):
    actor = _need(request, MANAGE)
    evaluation = _found(selectors.evaluation, actor=actor, pk=pk)
    try:
        services.evaluation_lock(actor=actor, evaluation=evaluation)
        messages.success(request, _("Evaluasi dikunci."))
    except KendaliError as exc:
        _fail(request, exc)
    return redirect("spbe:evaluation", pk=evaluation.pk)


def _export_data(request, pk: int):
    actor = _need(request)
    evaluation = _found(selectors.evaluation, actor=actor, pk=pk)
    answers = selectors.answers(actor=actor, evaluation=evaluation).prefetch_related("evidence")
    return evaluation, answers, selectors.evaluation_score(evaluation)


@login_required
def evaluation_xlsx(request, pk: int):
    evaluation, answers, score = _export_data(request, pk)
    response = HttpResponse(
        exports.evaluation_xlsx(evaluation, answers, score),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="evaluasi-spbe-{evaluation.year}.xlsx"'
    return response


@login_required
def evaluation_pdf(request, pk: int):
    evaluation, answers, score = _export_data(request, pk)
    response = HttpResponse(
        exports.evaluation_pdf(evaluation, answers, score), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="evaluasi-spbe-{evaluation.year}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def answer_detail(request, pk: int):
    actor = _need(request)
    answer = _found(selectors.answer, actor=actor, pk=pk)
    if request.method == "POST":
        _need(request, EDIT)
        action = request.POST.get("action", "save")
        try:
            if action == "save":
                kwargs = {
                    "level": request.POST.get("level"),
                    "justification": request.POST.get("justification", ""),
                }
                if "agency" in request.POST and request.user.has_perm(MANAGE):
                    kwargs["agency"] = _agency(request.POST.get("agency"))
                services.answer_save(actor=actor, answer=answer, **kwargs)
                messages.success(request, _("Jawaban disimpan."))
            elif action == "submit":
                services.answer_submit(actor=actor, answer=answer)
                messages.success(request, _("Jawaban diajukan untuk direviu."))
            elif action in ("accept", "return"):
                _need(request, REVIEW)
                services.answer_review(
                    actor=actor,
                    answer=answer,
                    accept=action == "accept",
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("Reviu disimpan."))
            elif action == "document":
                upload = _upload(request)
                if upload is None:
                    raise KendaliError(_("Pilih berkas bukti."))
                services.evidence_add_document(
                    actor=actor,
                    answer=answer,
                    title=request.POST.get("title", ""),
                    filename=upload[0],
                    content=upload[1],
                    content_type=upload[2],
                )
                messages.success(request, _("Dokumen bukti ditambahkan."))
            elif action == "link":
                services.evidence_add_link(
                    actor=actor,
                    answer=answer,
                    title=request.POST.get("title", ""),
                    url=request.POST.get("url", ""),
                )
                messages.success(request, _("Tautan bukti ditambahkan."))
            elif action == "live":
                services.evidence_add_live(
                    actor=actor, answer=answer, source_key=request.POST.get("source", "")
                )
                messages.success(request, _("Bukti langsung ditambahkan."))
            else:
                raise KendaliError(_("Tindakan tidak dikenal."))
        except KendaliError as exc:
            _fail(request, exc)
        return redirect("spbe:answer", pk=answer.pk)
    answer = _found(selectors.answer, actor=actor, pk=pk)
    is_open = answer.evaluation.status == "draf"
    can_edit = (
        request.user.has_perm(EDIT) and services.may_edit_for(actor, answer.agency_id) and is_open
    )
    may_review = services.may_review(actor, answer)
    return render(
        request,
        "spbe/answer.html",
        {
            "answer": answer,
            "evaluation": answer.evaluation,
            "evidence": answer.evidence.all(),
            "sources": selectors.live_sources_for(actor=actor, answer=answer),
            "can_edit": can_edit,
            "can_submit": can_edit and answer.status in ("draf", "dikembalikan"),
            "can_review": is_open and answer.status == "diajukan" and may_review,
            "own_answer": is_open
            and answer.status == "diajukan"
            and request.user.has_perm(REVIEW)
            and not may_review,
            "can_manage": request.user.has_perm(MANAGE),
            "agencies": Agency.objects.order_by("short_name"),
        },
    )


@login_required
def evidence_download(request, pk: int):
    actor = _need(request)
    evidence = _found(selectors.evidence_item, actor=actor, pk=pk)
    if evidence.kind != "dokumen" or evidence.content is None:
        raise Http404(_("Bukti ini bukan dokumen."))
    response = HttpResponse(
        bytes(evidence.content), content_type=evidence.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="{evidence.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def evidence_remove(request, pk: int):
    actor = _need(request, EDIT)
    evidence = _found(selectors.evidence_item, actor=actor, pk=pk)
    try:
        services.evidence_remove(actor=actor, evidence=evidence)
        messages.success(request, _("Bukti dihapus."))
    except KendaliError as exc:
        _fail(request, exc)
    return redirect("spbe:answer", pk=evidence.answer_id)


# ---- peta rencana --------------------------------------------------------------------------


@login_required
def roadmap(request):
    actor = _need(request)
    number = request.GET.get("v", "")
    version = selectors.roadmap_version(
        actor=actor, number=int(number) if number.isdigit() else None
    )
    items = list(selectors.initiatives(actor=actor, version=version)) if version else []
    svg = (
        drawing.timeline_svg(items, version.start_year, version.end_year, STATUS_COLORS)
        if version
        else ""
    )
    figures = {}
    for item in items:
        for code in item.indicator_codes:
            figure = get_figure(code)
            figures[code] = str(figure.label) if figure else ""
    latest = selectors.roadmap_version(actor=actor)
    moves = selectors.indicator_targets({i.code for i in items})
    return render(
        request,
        "spbe/roadmap.html",
        {
            "version": version,
            "versions": selectors.roadmap_versions(actor=actor),
            "items": items,
            "svg": mark_safe(svg),
            "figures": figures,
            "moves": moves,  # noqa: S308 - built here from escaped values
            "is_latest": version is not None and latest is not None and version.pk == latest.pk,
            "can_manage": request.user.has_perm(MANAGE),
            "total_budget": sum(i.budget for i in items),
            "this_year": date.today().year,
        },
    )


@login_required
@require_POST
def roadmap_version_create(request):
    actor = _need(request, MANAGE)
    try:
        start = request.POST.get("start_year", "")
        version = services.roadmap_version_create(
            actor=actor,
            title=request.POST.get("title", ""),
            start_year=int(start) if start.isdigit() else None,
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Versi %(n)s dibuat.") % {"n": version.number})
    except KendaliError as exc:
        _fail(request, exc)
    return redirect("spbe:roadmap")


@login_required
def roadmap_compare(request):
    actor = _need(request)
    versions = list(selectors.roadmap_versions(actor=actor))
    by_number = {v.number: v for v in versions}
    a = by_number.get(int(request.GET["a"])) if request.GET.get("a", "").isdigit() else None
    b = by_number.get(int(request.GET["b"])) if request.GET.get("b", "").isdigit() else None
    if a is None and len(versions) >= 2:
        a, b = versions[1], versions[0]
    result = selectors.roadmap_compare(actor=actor, a=a, b=b) if a and b else None
    return render(
        request,
        "spbe/roadmap_compare.html",
        {"versions": versions, "a": a, "b": b, "result": result},
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_form(request, pk: int | None = None):
    actor = _need(request, MANAGE)
    version = selectors.roadmap_version(actor=actor)
    initiative = _found(selectors.initiative, actor=actor, pk=pk) if pk else None
    if version is None:
        messages.error(request, _("Buat versi baseline peta rencana lebih dulu."))
        return redirect("spbe:roadmap")
    if initiative is not None and initiative.version_id != version.pk:
        messages.error(
            request,
            _("Hanya versi peta rencana terbaru yang dapat diubah; versi lama adalah riwayat."),
        )
        return redirect("spbe:roadmap")
    if request.method == "POST":
        post = request.POST
        try:
            targets = list(
                Element.objects.filter(pk__in=[v for v in post.getlist("targets") if v.isdigit()])
            )
            depends = list(
                Initiative.objects.filter(
                    version=version, pk__in=[v for v in post.getlist("depends") if v.isdigit()]
                )
            )
            services.initiative_save(
                actor=actor,
                version=version,
                initiative=initiative,
                code=post.get("code", ""),
                name=post.get("name", ""),
                domain=post.get("domain", ""),
                start_year=post.get("start_year"),
                end_year=post.get("end_year"),
                agency=_agency(post.get("agency")),
                budget=post.get("budget") or 0,
                status=post.get("status", "rencana"),
                progress=post.get("progress") or 0,
                target_elements=targets,
                depends_on=depends,
                indicator_codes=list(post.get("indicator_codes", "").replace(";", ",").split(",")),
            )
            messages.success(request, _("Inisiatif disimpan."))
            return redirect("spbe:roadmap")
        except KendaliError as exc:
            _fail(request, exc)
    return render(
        request,
        "spbe/initiative_form.html",
        {
            "initiative": initiative,
            "version": version,
            "domains": Domain.choices,
            "statuses": InitiativeStatus.choices,
            "agencies": Agency.objects.order_by("short_name"),
            "data": request.POST if request.method == "POST" else {},
            "elements": Element.objects.order_by("domain", "code").only("pk", "code", "name")[
                :2000
            ],
            "others": version.initiatives.exclude(pk=initiative.pk)
            if initiative
            else version.initiatives.all(),
            "selected_targets": {e.pk for e in initiative.target_elements.all()}
            if initiative
            else set(),
            "selected_depends": {d.pk for d in initiative.depends_on.all()}
            if initiative
            else set(),
            "v": {
                **_initial(
                    initiative,
                    request.POST if request.method == "POST" else None,
                    [
                        "code",
                        "name",
                        "domain",
                        "start_year",
                        "end_year",
                        "budget",
                        "status",
                        "progress",
                        "indicator_codes",
                    ],
                ),
                **(
                    {"indicator_codes": ", ".join(initiative.indicator_codes)}
                    if initiative and request.method != "POST"
                    else {}
                ),
                **(
                    {}
                    if initiative or request.method == "POST"
                    else {
                        "start_year": version.start_year,
                        "end_year": version.start_year,
                        "budget": 0,
                        "progress": 0,
                    }
                ),
            },
        },
        status=422 if request.method == "POST" else 200,
    )


# ---- internal policies ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def policy_list(request):
    actor = _need(request)
    if request.method == "POST":
        _need(request, MANAGE)
        policy = _found(selectors.policy, actor=actor, pk=int(request.POST.get("policy") or 0))
        try:

            def day(name):
                value = request.POST.get(name, "")
                try:
                    return date.fromisoformat(value) if value else None
                except ValueError as exc:
                    raise KendaliError(_("Tanggal tidak valid: %(v)s") % {"v": value}) from exc

            services.policy_update(
                actor=actor,
                policy=policy,
                status=request.POST.get("status", ""),
                instrument=request.POST.get("instrument", ""),
                enacted_on=day("enacted_on"),
                review_due=day("review_due"),
                url=request.POST.get("url", ""),
                note=request.POST.get("note", ""),
                document=_upload(request),
            )
            messages.success(request, _("Kebijakan %(n)s disimpan.") % {"n": policy.number})
        except KendaliError as exc:
            _fail(request, exc)
        return redirect("spbe:policies")
    items = list(selectors.policies(actor=actor))
    return render(
        request,
        "spbe/policies.html",
        {
            "items": items,
            "statuses": PolicyStatus.choices,
            "can_manage": request.user.has_perm(MANAGE),
            "enacted": sum(1 for p in items if p.status == PolicyStatus.DITETAPKAN),
        },
    )


@login_required
def policy_document(request, pk: int):
    actor = _need(request)
    policy = _found(selectors.policy, actor=actor, pk=pk)
    if policy.content is None:
        raise Http404(_("Kebijakan ini belum memiliki dokumen."))
    response = HttpResponse(
        bytes(policy.content), content_type=policy.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="{policy.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
