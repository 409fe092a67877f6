"""/api/v1/spbe: the architecture catalogue, evaluations and the peta rencana as JSON."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from kendali.core.apiauth import access, actor_of
from kendali.core.errors import NotFound
from kendali.core.models import Agency
from kendali.spbe import selectors, services
from kendali.spbe.apps import EDIT, MANAGE, REVIEW, VIEW

router = Router(tags=["spbe"])


class ElementIn(Schema):
    domain: str
    code: str
    name: str
    description: str = ""
    agency_id: int | None = None
    reference_code: str = ""
    status: str = "aktif"
    walidata: str = ""
    classification: str = ""
    users: str = ""
    hosting: str = ""
    has_api: bool = False
    integrations: str = ""
    asset_ref: str = ""


class ElementPatch(Schema):
    name: str | None = None
    description: str | None = None
    reference_code: str | None = None
    status: str | None = None
    walidata: str | None = None
    classification: str | None = None
    users: str | None = None
    hosting: str | None = None
    has_api: bool | None = None
    integrations: str | None = None
    asset_ref: str | None = None


class ElementOut(Schema):
    id: int
    domain: str
    code: str
    name: str
    description: str
    agency_id: int | None
    reference_code: str
    status: str
    validation: str
    walidata: str
    classification: str
    users: str
    hosting: str
    has_api: bool
    integrations: str
    asset_ref: str
    system_key: str | None
    changed_by: str | None
    changed_at: datetime | None
    validated_by: str | None
    validated_at: datetime | None
    validation_note: str

    # Usernames, as elsewhere in the API (None: not recorded, or a job without a person).
    @staticmethod
    def resolve_changed_by(obj) -> str | None:
        return obj.changed_by.username if obj.changed_by_id else None

    @staticmethod
    def resolve_validated_by(obj) -> str | None:
        return obj.validated_by.username if obj.validated_by_id else None


class RelationIn(Schema):
    target_id: int
    kind: str
    note: str = ""


class RelationOut(Schema):
    id: int
    source_id: int
    target_id: int
    kind: str


class AnswerIn(Schema):
    level: int | None = None
    justification: str | None = None


class ReviewIn(Schema):
    accept: bool
    note: str = ""


class AnswerOut(Schema):
    id: int
    indicator: str
    level: int | None
    justification: str
    status: str
    agency_id: int | None
    review_note: str


def _agency(agency_id: int | None) -> Agency | None:
    return get_object_or_404(Agency, pk=agency_id) if agency_id else None


@router.get("/elements", response=list[ElementOut], auth=access(perm=VIEW))
def list_elements(request, domain: str = "", q: str = "", limit: int = 500, offset: int = 0):
    qs = selectors.elements(actor=actor_of(request), domain=domain, q=q).select_related(
        "changed_by", "validated_by"
    )
    return list(qs[max(offset, 0) : max(offset, 0) + min(max(limit, 1), 2000)])


@router.post("/elements", response={201: ElementOut}, auth=access(perm=EDIT))
def create_element(request, payload: ElementIn):
    data = payload.dict()
    element = services.element_create(
        actor=actor_of(request),
        domain=data.pop("domain"),
        code=data.pop("code"),
        name=data.pop("name"),
        agency=_agency(data.pop("agency_id")),
        **data,
    )
    return Status(201, element)


@router.get("/elements/{pk}", response=ElementOut, auth=access(perm=VIEW))
def get_element(request, pk: int):
    return selectors.element(actor=actor_of(request), pk=pk)


@router.patch("/elements/{pk}", response=ElementOut, auth=access(perm=EDIT))
def patch_element(request, pk: int, payload: ElementPatch):
    actor = actor_of(request)
    element = selectors.element(actor=actor, pk=pk)
    changes = {k: v for k, v in payload.dict().items() if v is not None}
    return services.element_update(actor=actor, element=element, **changes)


@router.post("/elements/{pk}/validation", response=ElementOut, auth=access(perm=REVIEW))
def validate_element(request, pk: int, payload: ReviewIn):
    """Validate (``accept``) or return an element; never one the reviewer changed last."""
    actor = actor_of(request)
    element = selectors.element(actor=actor, pk=pk)
    return services.element_validate(
        actor=actor, element=element, accept=payload.accept, note=payload.note
    )


@router.post("/elements/{pk}/relations", response={201: RelationOut}, auth=access(perm=EDIT))
def add_relation(request, pk: int, payload: RelationIn):
    actor = actor_of(request)
    source = selectors.element(actor=actor, pk=pk)
    target = selectors.element(actor=actor, pk=payload.target_id)
    return Status(
        201,
        services.relation_add(
            actor=actor, source=source, target=target, kind=payload.kind, note=payload.note
        ),
    )


@router.get("/matrix", auth=access(perm=VIEW))
def matrix(request):
    """The SIA-SPBE alignment matrix rows (the XLSX is at /spbe/arsitektur/matriks.xlsx)."""
    return selectors.matrix_rows(actor=actor_of(request))


@router.get("/gaps", auth=access(perm=VIEW))
def gaps(request):
    found = selectors.gaps(actor=actor_of(request))
    return {
        "no_code": [e.code for e in found["no_code"]],
        "no_owner": [e.code for e in found["no_owner"]],
        "duplicates": [
            {"reference_code": d["reference_code"], "elements": [e.code for e in d["elements"]]}
            for d in found["duplicates"]
        ],
        "unlinked_infra": [e.code for e in found["unlinked_infra"]],
    }


@router.post("/catalogue/sync", auth=access(perm=MANAGE))
def sync(request):
    return services.components_sync(actor=actor_of(request))


@router.post("/frameworks", response={201: dict}, auth=access(perm=MANAGE))
def load_framework(request, payload: dict):
    framework = services.framework_load(actor=actor_of(request), data=payload)
    return Status(
        201,
        {
            "id": framework.pk,
            "code": framework.code,
            "version": framework.version,
            "indicators": framework.indicators.count(),
        },
    )


@router.get("/evaluations", auth=access(perm=VIEW))
def list_evaluations(request):
    actor = actor_of(request)
    return [
        {
            "id": e.pk,
            "framework": e.framework.code,
            "year": e.year,
            "status": e.status,
            **{
                k: v
                for k, v in selectors.evaluation_score(e).items()
                if k in ("index", "predicate", "unanswered")
            },
        }
        for e in selectors.evaluations(actor=actor)
    ]


@router.get("/evaluations/{pk}", auth=access(perm=VIEW))
def get_evaluation(request, pk: int):
    actor = actor_of(request)
    evaluation = selectors.evaluation(actor=actor, pk=pk)
    return {
        "id": evaluation.pk,
        "framework": evaluation.framework.code,
        "year": evaluation.year,
        "status": evaluation.status,
        "score": selectors.evaluation_score(evaluation),
        "raise_candidates": selectors.raise_candidates(evaluation=evaluation),
        "answers": [
            {
                "id": a.pk,
                "indicator": a.indicator.code,
                "level": a.level,
                "status": a.status,
                "agency_id": a.agency_id,
                "evidence": a.n_evidence,
            }
            for a in selectors.answers(actor=actor, evaluation=evaluation)
        ],
    }


def _answer_out(a) -> dict:
    return {
        "id": a.pk,
        "indicator": a.indicator.code,
        "level": a.level,
        "justification": a.justification,
        "status": a.status,
        "agency_id": a.agency_id,
        "review_note": a.review_note,
    }


@router.put("/answers/{pk}", response=AnswerOut, auth=access(perm=EDIT))
def save_answer(request, pk: int, payload: AnswerIn):
    actor = actor_of(request)
    answer = selectors.answer(actor=actor, pk=pk)
    return _answer_out(
        services.answer_save(
            actor=actor, answer=answer, level=payload.level, justification=payload.justification
        )
    )


@router.post("/answers/{pk}/submit", response=AnswerOut, auth=access(perm=EDIT))
def submit_answer(request, pk: int):
    """Put the answer up for review (its OPD's officer or the coordinator)."""
    actor = actor_of(request)
    answer = selectors.answer(actor=actor, pk=pk)
    return _answer_out(services.answer_submit(actor=actor, answer=answer))


@router.post("/answers/{pk}/review", response=AnswerOut, auth=access(perm=REVIEW))
def review_answer(request, pk: int, payload: ReviewIn):
    """Accept or return a submitted answer; never one the reviewer wrote or submitted."""
    actor = actor_of(request)
    answer = selectors.answer(actor=actor, pk=pk)
    return _answer_out(
        services.answer_review(actor=actor, answer=answer, accept=payload.accept, note=payload.note)
    )


@router.get("/roadmap", auth=access(perm=VIEW))
def roadmap(request, version: int | None = None):
    actor = actor_of(request)
    found = selectors.roadmap_version(actor=actor, number=version)
    if found is None:
        raise NotFound("Belum ada peta rencana.")
    return {
        "version": found.number,
        "kind": found.kind,
        "title": found.title,
        "start_year": found.start_year,
        "end_year": found.end_year,
        "initiatives": [
            {
                "code": i.code,
                "name": i.name,
                "domain": i.domain,
                "agency_id": i.agency_id,
                "start_year": i.start_year,
                "end_year": i.end_year,
                "budget": int(i.budget),
                "status": i.status,
                "progress": i.progress,
                "targets": [e.code for e in i.target_elements.all()],
                "depends_on": [d.code for d in i.depends_on.all()],
                "indicator_codes": i.indicator_codes,
            }
            for i in selectors.initiatives(actor=actor, version=found)
        ],
    }


@router.get("/roadmap/indicators", auth=access(perm=VIEW))
def roadmap_indicators(request):
    """Smart-city indicator code → initiatives of the latest peta rencana that move it."""
    return selectors.initiatives_by_indicator(actor=actor_of(request))
