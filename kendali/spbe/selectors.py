"""Reads of SPBE for pages, the API and other modules, scoped to what the actor may see.

The architecture catalogue, the index summary and the peta rencana are city-wide documents
every holder of ``spbe.view_spbe`` reads; writing is per OPD (services). Indicator answers
are scoped to their answering OPD: an OPD's officer sees only their own."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.errors import NotAllowed, NotFound
from kendali.core.registry import asset_sources, evidence_sources, run_selector
from kendali.core.scope import may_see_agency, scope_queryset, sees_every_agency
from kendali.spbe import scoring
from kendali.spbe.apps import EDIT, MANAGE, REVIEW, VIEW
from kendali.spbe.choices import Domain, EvaluationStatus, RelationKind, Validation
from kendali.spbe.models import (
    Answer,
    Element,
    Evaluation,
    Evidence,
    Framework,
    Initiative,
    Policy,
    ReferenceCode,
    Relation,
    RoadmapVersion,
)

logger = logging.getLogger(__name__)


def _require(actor: Actor) -> None:
    if not actor.has_perm(VIEW):
        raise NotAllowed(_("Peran Anda tidak berhak membuka SPBE."))


# ---- catalogue -----------------------------------------------------------------------------


def elements(
    *, actor: Actor, domain: str = "", agency_id: int | None = None, q: str = ""
) -> QuerySet:
    _require(actor)
    qs = Element.objects.select_related("agency")
    if domain:
        qs = qs.filter(domain=domain)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(reference_code__icontains=q))
    return qs.order_by("domain", "code")


def element(*, actor: Actor, pk: int) -> Element:
    """One element; for an actor bound to an OPD, only their OPD's elements and Kendali's own
    (city-wide) ones are opened — another OPD's element is not found."""
    _require(actor)
    found = (
        Element.objects.select_related("agency", "changed_by", "validated_by").filter(pk=pk).first()
    )
    if found is None or not _may_open_element(actor, found):
        raise NotFound(_("Elemen arsitektur tidak ditemukan."))
    return found


def _may_open_element(actor: Actor, found: Element) -> bool:
    if sees_every_agency(actor) or actor.has_perm(MANAGE):
        return True
    return found.agency_id is None or may_see_agency(actor, found.agency_id)


def references(model: str = "") -> dict[str, ReferenceCode]:
    qs = ReferenceCode.objects.all()
    if model:
        qs = qs.filter(model=model)
    return {r.code: r for r in qs}


def relations_of(element: Element) -> dict:
    return {
        "outgoing": list(
            element.outgoing.select_related("target__agency").order_by("kind", "target__code")
        ),
        "incoming": list(
            element.incoming.select_related("source__agency").order_by("kind", "source__code")
        ),
    }


def matrix_rows(*, actor: Actor) -> list[dict]:
    """The SIA-SPBE alignment matrix: one row per element."""
    refs = references()
    domains = {k: str(v) for k, v in Domain.choices}
    validations = {k: str(v) for k, v in Validation.choices}
    yes, no = _("Ya"), _("Tidak")
    rows = []
    for e in elements(actor=actor).select_related("changed_by", "validated_by"):
        ref = refs.get(e.reference_code)
        rows.append(
            {
                "domain": domains.get(e.domain, e.domain),
                "code": e.code,
                "name": e.name,
                "reference_code": e.reference_code,
                "reference_description": (
                    f"{ref.name} — {ref.description}"
                    if ref and ref.description
                    else (ref.name if ref else "")
                ),
                "agency": e.agency.name if e.agency else "",
                "api": (yes if e.has_api else no)
                + (f" ({e.integrations})" if e.integrations else ""),
                "validation": validations.get(e.validation, e.validation),
                "validated_by": e.validated_by.display_name if e.validated_by_id else "",
                "validated_at": (
                    timezone.localtime(e.validated_at).date().isoformat() if e.validated_at else ""
                ),
                "changed_by": e.changed_by.display_name if e.changed_by_id else "",
            }
        )
    return rows


def gaps(*, actor: Actor) -> dict:
    """What the architecture lacks: elements without a reference code, applications without
    an owner OPD, and one function (the same RAA code) served by applications of different OPDs."""
    qs = elements(actor=actor).exclude(status="pensiun")
    no_code = list(qs.filter(reference_code=""))
    no_owner = list(qs.filter(domain=Domain.APLIKASI, agency__isnull=True))
    by_code: dict[str, list[Element]] = defaultdict(list)
    for e in (
        qs.filter(domain=Domain.APLIKASI).exclude(reference_code="").exclude(agency__isnull=True)
    ):
        by_code[e.reference_code].append(e)
    refs = references("RAA")
    duplicates = [
        {"reference_code": code, "reference": refs.get(code), "elements": items}
        for code, items in sorted(by_code.items())
        if len({e.agency_id for e in items}) > 1
    ]
    unlinked_infra = list(qs.filter(domain=Domain.INFRASTRUKTUR, asset_ref=""))
    return {
        "no_code": no_code,
        "no_owner": no_owner,
        "duplicates": duplicates,
        "unlinked_infra": unlinked_infra,
    }


def dependency_tree(*, actor: Actor, root: Element, max_depth: int = 6) -> dict:
    """From a service down: applications, data, infrastructure and controls it rests on, as
    layers for the drawing (each element once, at its deepest layer)."""
    _require(actor)
    edges = defaultdict(list)
    for r in Relation.objects.exclude(kind=RelationKind.INTEGRATES).select_related(
        "target__agency"
    ):
        edges[r.source_id].append((r.kind, r.target))
    depth = {root.pk: 0}
    nodes = {root.pk: root}
    links = []
    frontier = [root.pk]
    level = 0
    while frontier and level < max_depth:
        level += 1
        nxt = []
        for node in frontier:
            for kind, target in edges.get(node, ()):
                links.append((node, target.pk, kind))
                if target.pk not in nodes or depth[target.pk] < level:
                    nodes[target.pk] = target
                    depth[target.pk] = level
                    nxt.append(target.pk)
        frontier = nxt
    links = list(dict.fromkeys(links))
    layers: dict[int, list[Element]] = defaultdict(list)
    for pk, d in depth.items():
        layers[d].append(nodes[pk])
    for items in layers.values():
        items.sort(key=lambda e: (e.domain, e.code))
    states = asset_states([n.asset_ref for n in nodes.values() if n.asset_ref])
    return {"layers": [layers[d] for d in sorted(layers)], "links": links, "states": states}


def asset_states(refs: list[str]) -> dict[str, dict]:
    """Live state of referenced assets/devices from the registered asset sources (if any)."""
    found: dict[str, dict] = {}
    if not refs:
        return found
    for source in asset_sources():
        mine = [r for r in refs if r.startswith(source.key + ":")]
        if not mine:
            continue
        try:
            found.update(run_selector(source.states, refs=mine) or {})
        except Exception:  # noqa: BLE001 - another module's fault must not break the catalogue
            logger.exception("asset source %s failed", source.key)
            continue
    return found


def asset_choices(*, actor: Actor, limit: int = 500) -> list[dict]:
    """Devices and assets the registered asset sources offer, for linking infrastructure."""
    found: list[dict] = []
    for source in asset_sources():
        try:
            for device in run_selector(source.devices, actor=actor):
                found.append(
                    {
                        "ref": device["ref"],
                        "name": device.get("name", ""),
                        "source": str(source.label),
                    }
                )
                if len(found) >= limit:
                    return found
        except Exception:  # noqa: BLE001 - another module's fault must not break the form
            logger.exception("asset source %s failed", source.key)
    return found


def service_elements(*, actor: Actor) -> QuerySet:
    return elements(actor=actor, domain=Domain.LAYANAN)


def domain_counts(*, actor: Actor) -> list[tuple[str, str, int]]:
    # order_by() first: the model's default ordering would otherwise join the GROUP BY.
    counts = dict(
        elements(actor=actor)
        .order_by()
        .values_list("domain")
        .annotate(n=Count("id"))
        .values_list("domain", "n")
    )
    return [(d.value, str(d.label), counts.get(d.value, 0)) for d in Domain]


# ---- evaluations ---------------------------------------------------------------------------

_structures: dict[tuple[int, str], scoring.Structure] = {}


def structure_of(framework: Framework) -> scoring.Structure:
    """The framework's weights as plain tuples, cached per framework (frameworks are
    immutable once loaded: a change is a new version)."""
    key = (framework.pk, framework.source_sha256)
    cached = _structures.get(key)
    if cached is not None:
        return cached
    domains = []
    for d in framework.domains.prefetch_related("aspects__indicators").order_by("order"):
        aspects = []
        for a in d.aspects.all().order_by("order"):
            aspects.append(
                (
                    a.code,
                    a.name,
                    a.weight,
                    tuple(
                        (i.pk, i.code, i.weight)
                        for i in sorted(a.indicators.all(), key=lambda i: i.order)
                    ),
                )
            )
        domains.append((d.code, d.name, d.weight, tuple(aspects)))
    preds = tuple(
        (p["nama"], float(p["min"])) for p in sorted(framework.predicates, key=lambda p: -p["min"])
    )
    structure = scoring.Structure(domains=tuple(domains), predicates=preds)
    _structures[key] = structure
    return structure


def levels_of(evaluation: Evaluation) -> dict[int, int | None]:
    return dict(Answer.objects.filter(evaluation=evaluation).values_list("indicator_id", "level"))


def evaluation_score(evaluation: Evaluation) -> dict:
    return scoring.compute(structure_of(evaluation.framework), levels_of(evaluation))


def evaluations(*, actor: Actor) -> QuerySet:
    _require(actor)
    return Evaluation.objects.select_related("framework").order_by("-year", "framework__code")


def evaluation(*, actor: Actor, pk: int) -> Evaluation:
    _require(actor)
    found = Evaluation.objects.select_related("framework").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Evaluasi tidak ditemukan."))
    return found


def answers(*, actor: Actor, evaluation: Evaluation) -> QuerySet:
    """The answers the actor may see: all for the coordinator and city-wide staff, their own
    OPD's for an OPD officer."""
    _require(actor)
    qs = Answer.objects.filter(evaluation=evaluation).select_related(
        "indicator__aspect__domain", "agency", "reviewed_by", "answered_by", "submitted_by"
    )
    if not actor.has_perm(MANAGE):
        qs = scope_queryset(qs, actor, "agency")
    return qs.annotate(n_evidence=Count("evidence")).order_by("indicator__order")


def review_work(*, actor: Actor, answers) -> dict:
    """What waits on the actor in an open evaluation: answers returned to their OPD (with the
    reviewer's note) and submitted answers someone else wrote, for a reviewer."""
    items = list(answers)
    counts: dict[str, int] = defaultdict(int)
    for a in items:
        counts[a.status] += 1
    user_id = actor.user.pk if actor.user else None
    return {
        "counts": dict(counts),
        "returned": [a for a in items if a.status == "dikembalikan"]
        if actor.has_perm(EDIT)
        else [],
        "to_review": [
            a
            for a in items
            if a.status == "diajukan" and user_id not in {a.answered_by_id, a.submitted_by_id}
        ]
        if actor.has_perm(REVIEW) and user_id is not None
        else [],
    }


def answer(*, actor: Actor, pk: int) -> Answer:
    _require(actor)
    qs = Answer.objects.select_related(
        "evaluation__framework",
        "indicator__aspect__domain",
        "agency",
        "answered_by",
        "submitted_by",
        "reviewed_by",
    ).filter(pk=pk)
    if not actor.has_perm(MANAGE):
        qs = scope_queryset(qs, actor, "agency")
    found = qs.first()
    if found is None:
        raise NotFound(_("Jawaban indikator tidak ditemukan."))
    return found


def evidence_item(*, actor: Actor, pk: int) -> Evidence:
    found = Evidence.objects.select_related("answer").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Bukti tidak ditemukan."))
    answer(actor=actor, pk=found.answer_id)  # scope through the answer
    return found


DEFAULT_FRAMEWORK = "permenpanrb-59-2020"  # the framework plain indicator codes of sources name


def source_codes(source, framework_code: str) -> set[str]:
    """The indicator codes of ``framework_code`` a registered evidence source supports."""
    codes = set()
    for code in source.indicators:
        prefix, sep, rest = code.rpartition(":")
        if sep and prefix == framework_code:
            codes.add(rest)
        elif not sep and framework_code == DEFAULT_FRAMEWORK:
            codes.add(code)
    return codes


def live_sources_for(*, actor: Actor, answer: Answer) -> list[dict]:
    """Registered evidence sources the actor may read, those supporting this indicator first."""
    code, framework = answer.indicator.code, answer.evaluation.framework.code
    items = [
        {"key": s.key, "label": s.label, "supports": code in source_codes(s, framework)}
        for s in evidence_sources()
        if not s.perm or actor.has_perm(s.perm)
    ]
    return sorted(items, key=lambda s: (not s["supports"], s["key"]))


def year_over_year(*, actor: Actor, evaluation: Evaluation) -> dict | None:
    """This evaluation against the previous year's of the same framework code."""
    previous = (
        evaluations(actor=actor)
        .filter(framework__code=evaluation.framework.code, year__lt=evaluation.year)
        .order_by("-year")
        .first()
    )
    if previous is None:
        return None
    now, before = evaluation_score(evaluation), evaluation_score(previous)
    old_levels = {a.indicator.code: a.level for a in previous.answers.select_related("indicator")}
    rows = []
    for a in evaluation.answers.select_related("indicator").order_by("indicator__order"):
        was = old_levels.get(a.indicator.code)
        if was != a.level:
            rows.append(
                {"code": a.indicator.code, "name": a.indicator.name, "before": was, "now": a.level}
            )
    domains = [
        {
            "code": d["code"],
            "name": d["name"],
            "now": d["index"],
            "before": b["index"],
            "delta": d["index"] - b["index"],
        }
        for d, b in zip(now["domains"], before["domains"], strict=False)
    ]
    return {
        "previous": previous,
        "index_now": now["index"],
        "index_before": before["index"],
        "delta": round(now["index"] - before["index"], 4),
        "domains": domains,
        "changed": rows,
        "predicate_now": now["predicate"],
        "predicate_before": before["predicate"],
    }


def raise_candidates(*, evaluation: Evaluation, limit: int = 10) -> list[dict]:
    structure = structure_of(evaluation.framework)
    rows = scoring.raise_candidates(structure, levels_of(evaluation))[:limit]
    names = dict(evaluation.framework.indicators.values_list("pk", "name"))
    for row in rows:
        row["name"] = names.get(row["indicator_id"], "")
    return rows


def latest_locked(*, framework_code: str = "") -> Evaluation | None:
    qs = Evaluation.objects.filter(status=EvaluationStatus.TERKUNCI).select_related("framework")
    if framework_code:
        qs = qs.filter(framework__code=framework_code)
    return qs.order_by("-year", "-locked_at").first()


# ---- peta rencana --------------------------------------------------------------------------


def roadmap_versions(*, actor: Actor) -> QuerySet:
    _require(actor)
    return RoadmapVersion.objects.all()


def roadmap_version(*, actor: Actor, number: int | None = None) -> RoadmapVersion | None:
    _require(actor)
    qs = RoadmapVersion.objects.all()
    return (qs.filter(number=number) if number else qs).order_by("-number").first()


def initiatives(*, actor: Actor, version: RoadmapVersion) -> QuerySet:
    _require(actor)
    return version.initiatives.select_related("agency").prefetch_related(
        "target_elements", "depends_on"
    )


def initiative(*, actor: Actor, pk: int) -> Initiative:
    _require(actor)
    found = Initiative.objects.select_related("version", "agency").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Inisiatif tidak ditemukan."))
    return found


COMPARED = ("name", "domain", "agency_id", "start_year", "end_year", "budget", "status", "progress")


def roadmap_compare(*, actor: Actor, a: RoadmapVersion, b: RoadmapVersion) -> dict:
    """What changed from version ``a`` to ``b``, initiative by initiative (matched by code)."""
    _require(actor)
    left = {i.code: i for i in initiatives(actor=actor, version=a)}
    right = {i.code: i for i in initiatives(actor=actor, version=b)}
    changed = []
    for code in sorted(set(left) & set(right)):
        x, y = left[code], right[code]
        fields = {
            f: (getattr(x, f), getattr(y, f)) for f in COMPARED if getattr(x, f) != getattr(y, f)
        }
        tx = sorted(e.code for e in x.target_elements.all())
        ty = sorted(e.code for e in y.target_elements.all())
        if tx != ty:
            fields["target_elements"] = (", ".join(tx), ", ".join(ty))
        if sorted(x.indicator_codes) != sorted(y.indicator_codes):
            fields["indicator_codes"] = (", ".join(x.indicator_codes), ", ".join(y.indicator_codes))
        if fields:
            changed.append({"code": code, "name": y.name, "fields": fields})
    return {
        "added": [right[c] for c in sorted(set(right) - set(left))],
        "removed": [left[c] for c in sorted(set(left) - set(right))],
        "changed": changed,
        "budget_a": sum(i.budget for i in left.values()),
        "budget_b": sum(i.budget for i in right.values()),
    }


INDICATOR_TARGETS = "kendali.indicators.selectors.targets_for_initiative"


def indicator_targets(codes: set[str]) -> dict[str, list[dict]]:
    """Initiative code → the smart-city indicators whose targets name it, from the indicators
    module when it is installed (read by dotted path; optional, no import)."""
    from django.apps import apps
    from django.utils.module_loading import import_string

    if not apps.is_installed("kendali.indicators"):
        return {}
    try:
        reader = import_string(INDICATOR_TARGETS)
    except ImportError:
        return {}
    found = {}
    for code in sorted(codes):
        try:
            rows = reader(code=code)
        except Exception:  # noqa: BLE001 - another module's fault must not break the roadmap
            logger.exception("indicator targets for %s failed", code)
            continue
        if rows:
            found[code] = rows
    return found


def initiatives_by_indicator(*, actor: Actor | None = None) -> dict[str, list[dict]]:
    """Smart-city indicator code → initiatives of the latest peta rencana that move it."""
    version = RoadmapVersion.objects.order_by("-number").first()
    if version is None:
        return {}
    found: dict[str, list[dict]] = defaultdict(list)
    for i in version.initiatives.select_related("agency"):
        for code in i.indicator_codes:
            found[code].append(
                {
                    "code": i.code,
                    "name": i.name,
                    "status": i.status,
                    "progress": i.progress,
                    "years": f"{i.start_year}–{i.end_year}",
                    "agency": i.agency.short_name if i.agency else "",
                }
            )
    return dict(found)


def policies(*, actor: Actor) -> QuerySet:
    _require(actor)
    return Policy.objects.all()


def policy(*, actor: Actor, pk: int) -> Policy:
    _require(actor)
    found = Policy.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Kebijakan tidak ditemukan."))
    return found
