"""Every write of SPBE: reference lists, architecture elements and relations, the sync of
Kendali's own components, frameworks, evaluations and evidence, the peta rencana and the
internal policies. Each is authorized, validated, audited and announced in one transaction."""

from __future__ import annotations

import csv
import hashlib
import logging
import re
from collections import deque
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.models import Agency
from kendali.core.registry import evidence_sources, run_selector, system_components
from kendali.core.scope import may_see_agency
from kendali.spbe import frameworks as fw
from kendali.spbe.apps import EDIT, MANAGE, REVIEW, VIEW
from kendali.spbe.choices import (
    ACYCLIC_KINDS,
    DOMAIN_REFERENCE,
    REFERENCE_MODELS,
    RELATION_RULES,
    AnswerStatus,
    Classification,
    Domain,
    ElementStatus,
    EvaluationStatus,
    EvidenceKind,
    Hosting,
    InitiativeStatus,
    PolicyStatus,
    RelationKind,
    Validation,
    VersionKind,
)
from kendali.spbe.models import (
    Answer,
    Element,
    Evaluation,
    Evidence,
    Framework,
    FrameworkAspect,
    FrameworkDomain,
    FrameworkIndicator,
    Initiative,
    Policy,
    ReferenceCode,
    Relation,
    RoadmapVersion,
)

REFERENCE_DIR = Path(__file__).parent / "data" / "referensi"
CODE_RE = re.compile(r"^(RAB|RAD|RAL|RAA|RAI|RAK)(\.\d{2,3})+$")
ELEMENT_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")
ASSET_REF_RE = re.compile(r"^[a-z][a-z0-9_.]*:[A-Za-z0-9_.:/-]{1,100}$")
INDICATOR_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Extension -> (content types accepted from the browser, the file's first bytes)
DOCUMENT_TYPES = {
    "pdf": ({"application/pdf"}, (b"%PDF-",)),
    "png": ({"image/png"}, (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ({"image/jpeg"}, (b"\xff\xd8\xff",)),
    "jpeg": ({"image/jpeg"}, (b"\xff\xd8\xff",)),
    "docx": (
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        (b"PK\x03\x04",),
    ),
    "odt": ({"application/vnd.oasis.opendocument.text"}, (b"PK\x03\x04",)),
    "ods": ({"application/vnd.oasis.opendocument.spreadsheet"}, (b"PK\x03\x04",)),
}
logger = logging.getLogger(__name__)
KENDALI_OPD_CODE = "diskominfo"  # the OPD that runs Kendali in Kota Serang

ELEMENT_FIELDS = [
    "domain",
    "code",
    "name",
    "description",
    "agency",
    "reference_code",
    "status",
    "validation",
    "walidata",
    "classification",
    "users",
    "hosting",
    "has_api",
    "integrations",
    "asset_ref",
    "system_key",
]
EDITABLE_ELEMENT_FIELDS = [
    f for f in ELEMENT_FIELDS if f not in ("domain", "validation", "system_key")
]


# ---- authorization ---------------------------------------------------------------------


def _require(actor: Actor, perm: str) -> None:
    if not actor.has_perm(perm):
        raise NotAllowed(_("Peran Anda tidak berhak melakukan ini di SPBE."))


def may_edit_for(actor: Actor, agency_id: int | None) -> bool:
    """The coordinator edits everything; an OPD's officer edits what their OPD owns."""
    if actor.has_perm(MANAGE):
        return True
    return actor.has_perm(EDIT) and agency_id is not None and may_see_agency(actor, agency_id)


def _require_edit(actor: Actor, agency_id: int | None) -> None:
    if not may_see_agency(actor, agency_id) and not actor.has_perm(MANAGE):
        # Outside the actor's scope the object does not exist for them.
        raise NotFound(_("Data SPBE tidak ditemukan."))
    if not may_edit_for(actor, agency_id):
        raise NotAllowed(
            _("Hanya koordinator SPBE atau petugas OPD pengampu yang boleh mengubah ini.")
        )


# ---- reference codes -------------------------------------------------------------------


def _parent(code: str) -> str:
    return code.rsplit(".", 1)[0] if code.count(".") > 1 else ""


@transaction.atomic
def reference_codes_load(*, actor: Actor, directory: Path | None = None) -> dict:
    """Load the reference lists (one CSV per model: kode,nama,deskripsi). All rows are checked
    first; any faulty row refuses the whole load with the row named. Codes no longer listed
    stay (elements may use them) but are marked not current."""
    _require(actor, MANAGE)
    directory = directory or REFERENCE_DIR
    rows: list[tuple[str, str, str, str]] = []
    errors: list[dict] = []
    for model in REFERENCE_MODELS:
        path = directory / f"{model}.csv"
        if not path.exists():
            errors.append({"baris": path.name, "pesan": _("berkas daftar kode tidak ada")})
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"kode", "nama"} <= set(reader.fieldnames):
                errors.append({"baris": f"{path.name}:1", "pesan": _("kolom wajib: kode, nama")})
                continue
            seen: set[str] = set()
            for line, row in enumerate(reader, start=2):
                code = (row.get("kode") or "").strip()
                name = (row.get("nama") or "").strip()
                where = f"{path.name}:{line}"
                if not CODE_RE.match(code) or not code.startswith(model + "."):
                    errors.append(
                        {
                            "baris": where,
                            "pesan": _("kode %(c)s bukan kode %(m)s bertitik")
                            % {"c": code, "m": model},
                        }
                    )
                    continue
                if not name:
                    errors.append({"baris": where, "pesan": _("nama kosong")})
                if code in seen:
                    errors.append({"baris": where, "pesan": _("kode %(c)s ganda") % {"c": code}})
                parent = _parent(code)
                if parent and parent not in seen:
                    errors.append(
                        {
                            "baris": where,
                            "pesan": _("induk %(p)s belum tercantum di atasnya") % {"p": parent},
                        }
                    )
                seen.add(code)
                rows.append((model, code, name, (row.get("deskripsi") or "").strip()))
    if errors:
        raise Invalid(_("Daftar kode referensi tidak dapat dimuat."), errors=errors)
    digest = hashlib.sha256("\n".join("|".join(r) for r in rows).encode()).hexdigest()[:12]
    existing = {r.code: r for r in ReferenceCode.objects.all()}
    created = updated = 0
    for model, code, name, description in rows:
        current = existing.pop(code, None)
        values = {
            "model": model,
            "name": name,
            "description": description,
            "parent_code": _parent(code),
            "depth": code.count("."),
            "list_version": digest,
            "is_current": True,
        }
        if current is None:
            ReferenceCode.objects.create(code=code, **values)
            created += 1
        elif any(getattr(current, k) != v for k, v in values.items() if k != "list_version"):
            ReferenceCode.objects.filter(pk=current.pk).update(**values)
            updated += 1
        else:
            ReferenceCode.objects.filter(pk=current.pk).update(list_version=digest)
    retired = ReferenceCode.objects.filter(code__in=list(existing)).update(is_current=False)
    result = {"created": created, "updated": updated, "retired": retired, "version": digest}
    audit_record(
        actor=actor,
        action="spbe.references.load",
        object_type="spbe.referencecode",
        object_repr=_("Daftar kode referensi %(v)s") % {"v": digest},
        changes=result,
    )
    return result


def check_reference(domain: str, code: str) -> str:
    """The cleaned code, or Invalid. Empty is allowed (it shows in the gap list)."""
    code = (code or "").strip().upper()
    if not code:
        return ""
    ref = ReferenceCode.objects.filter(code=code).first()
    if ref is None or not ref.is_current:
        raise Invalid(
            _("Kode referensi %(c)s tidak dikenal dalam daftar referensi arsitektur yang berlaku.")
            % {"c": code},
            errors=[{"field": "reference_code", "message": _("kode tidak dikenal")}],
        )
    expected = DOMAIN_REFERENCE[Domain(domain)]
    if ref.model != expected:
        raise Invalid(
            _("Kode %(c)s milik model %(m)s; elemen domain %(d)s memakai kode %(e)s.")
            % {"c": code, "m": ref.model, "d": Domain(domain).label, "e": expected},
            errors=[{"field": "reference_code", "message": _("model referensi tidak sesuai")}],
        )
    return code


# ---- elements --------------------------------------------------------------------------


def _clean_element(values: dict, domain: str) -> dict:
    errors = []
    cleaned = dict(values)
    if "code" in cleaned:
        cleaned["code"] = (cleaned["code"] or "").strip()
        if not ELEMENT_CODE_RE.match(cleaned["code"]):
            errors.append(
                {
                    "field": "code",
                    "message": _("kode komponen 2–40 karakter: huruf, angka, titik, strip"),
                }
            )
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            errors.append({"field": "name", "message": _("nama wajib diisi")})
    for field, choices in (
        ("status", ElementStatus),
        ("classification", Classification),
        ("hosting", Hosting),
    ):
        if cleaned.get(field) and cleaned[field] not in choices.values:
            errors.append({"field": field, "message": _("pilihan tidak dikenal")})
    if cleaned.get("asset_ref"):
        cleaned["asset_ref"] = cleaned["asset_ref"].strip()
        if not ASSET_REF_RE.match(cleaned["asset_ref"]):
            errors.append(
                {
                    "field": "asset_ref",
                    "message": _(
                        "referensi aset berbentuk <sumber>:<id>, mis. wifi.access_point:12"
                    ),
                }
            )
    if errors:
        raise Invalid(_("Data elemen arsitektur tidak valid."), errors=errors)
    if "reference_code" in cleaned:
        cleaned["reference_code"] = check_reference(domain, cleaned["reference_code"])
    for text in ("description", "walidata", "users", "integrations", "asset_ref"):
        if text in cleaned and cleaned[text] is None:
            cleaned[text] = ""
    return cleaned


def _mark_changed(element: Element, actor: Actor, changed: dict) -> None:
    """Record who changed the element last (four eyes: not its validator), and send a
    validated element back to draft: what the reviewer validated is no longer what it is."""
    element.changed_by = actor.user
    element.changed_at = timezone.now()
    if element.validation == Validation.VALID:
        changed["validation"] = [Validation.VALID, Validation.DRAF]
        element.validation = Validation.DRAF
        element.validated_by, element.validated_at = None, None


def _publish_element(element: Element, verb: str) -> None:
    publish(
        f"spbe.element.{verb}",
        {"id": element.pk, "code": element.code, "domain": element.domain},
        perm=VIEW,
        agency_ids=[element.agency_id] if element.agency_id else ["*"],
    )


@transaction.atomic
def element_create(
    *, actor: Actor, domain: str, code: str, name: str, agency: Agency | None = None, **fields
) -> Element:
    _require(actor, EDIT)
    if domain not in Domain.values:
        raise Invalid(_("Domain arsitektur tidak dikenal: %(d)s.") % {"d": domain})
    agency_id = agency.pk if agency else None
    if not may_edit_for(actor, agency_id):
        raise NotAllowed(_("Petugas OPD hanya boleh menambah elemen untuk OPD-nya sendiri."))
    unknown = set(fields) - set(EDITABLE_ELEMENT_FIELDS)
    if unknown:
        raise Invalid(_("Isian tidak dikenal: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    cleaned = _clean_element({"code": code, "name": name, **fields}, domain)
    if Element.objects.filter(code=cleaned["code"]).exists():
        raise Conflict(_("Kode komponen %(c)s sudah dipakai.") % {"c": cleaned["code"]})
    element = Element.objects.create(
        domain=domain,
        agency=agency,
        changed_by=actor.user,
        changed_at=timezone.now(),
        **cleaned,
    )
    audit_record(
        actor=actor,
        action="spbe.element.create",
        obj=element,
        changes=diff({}, snapshot(element, ELEMENT_FIELDS)),
    )
    _publish_element(element, "created")
    return element


@transaction.atomic
def element_update(*, actor: Actor, element: Element, **changes) -> Element:
    _require(actor, EDIT)
    element = Element.objects.select_for_update().get(pk=element.pk)
    _require_edit(actor, element.agency_id)
    unknown = set(changes) - set(EDITABLE_ELEMENT_FIELDS)
    if unknown:
        raise Invalid(_("Isian tidak dikenal: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if "agency" in changes:
        new = changes["agency"]
        if not may_edit_for(actor, new.pk if new else None):
            raise NotAllowed(_("Petugas OPD tidak boleh memindahkan elemen ke OPD lain."))
    cleaned = _clean_element(changes, element.domain)
    if (
        "code" in cleaned
        and Element.objects.filter(code=cleaned["code"]).exclude(pk=element.pk).exists()
    ):
        raise Conflict(_("Kode komponen %(c)s sudah dipakai.") % {"c": cleaned["code"]})
    before = snapshot(element, ELEMENT_FIELDS)
    for key, value in cleaned.items():
        setattr(element, key, value)
    changed = diff(before, snapshot(element, ELEMENT_FIELDS))
    if not changed:
        return element
    _mark_changed(element, actor, changed)
    element.save()
    audit_record(actor=actor, action="spbe.element.update", obj=element, changes=changed)
    _publish_element(element, "updated")
    return element


@transaction.atomic
def element_delete(*, actor: Actor, element: Element) -> None:
    _require(actor, EDIT)
    element = Element.objects.select_for_update().get(pk=element.pk)
    _require_edit(actor, element.agency_id)
    if element.system_key:
        raise Conflict(
            _("Komponen Kendali sendiri diatur oleh sinkronisasi registri, bukan dihapus.")
        )
    audit_record(
        actor=actor,
        action="spbe.element.delete",
        obj=element,
        changes=diff(snapshot(element, ELEMENT_FIELDS), {}),
    )
    _publish_element(element, "deleted")
    element.delete()


def may_validate(actor: Actor, element: Element) -> bool:
    """Four eyes: a reviewer validates or returns only an element someone else changed last
    (an element whose last editor is unknown may be validated by any reviewer)."""
    if not actor.has_perm(REVIEW) or actor.user is None:
        return False
    return element.changed_by_id != actor.user.pk


VALIDATION_FIELDS = ["validation", "validated_by", "validation_note"]


@transaction.atomic
def element_validate(*, actor: Actor, element: Element, accept: bool, note: str = "") -> Element:
    """A reviewer accepts (tervalidasi) or returns an element for the SIA-SPBE matrix."""
    _require(actor, REVIEW)
    # The row is locked and read again: an edit saved after the reviewer opened the page
    # makes its author the last editor, and the four-eyes check below sees that author.
    element = Element.objects.select_for_update().get(pk=element.pk)
    if not may_see_agency(actor, element.agency_id) and not actor.has_perm(MANAGE):
        raise NotFound(_("Elemen arsitektur tidak ditemukan."))
    if actor.user is None:
        raise NotAllowed(_("Elemen divalidasi oleh seorang reviewer dengan akunnya sendiri."))
    if not may_validate(actor, element):
        raise NotAllowed(
            _(
                "Prinsip empat mata: Anda yang terakhir mengubah elemen ini, jadi reviewer lain yang memvalidasi atau mengembalikannya."
            )
        )
    if not accept and not note.strip():
        raise Invalid(
            _("Sebutkan alasan pengembalian elemen."),
            errors=[{"field": "note", "message": _("wajib bila dikembalikan")}],
        )
    before = snapshot(element, VALIDATION_FIELDS)
    element.validation = Validation.VALID if accept else Validation.DIKEMBALIKAN
    element.validated_by = actor.user
    element.validated_at = timezone.now()
    element.validation_note = note.strip()
    element.save(
        update_fields=[
            "validation",
            "validated_by",
            "validated_at",
            "validation_note",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="spbe.element.validate",
        obj=element,
        changes=diff(before, snapshot(element, VALIDATION_FIELDS)),
        note=note.strip(),
    )
    _publish_element(element, "validated")
    return element


# ---- relations -------------------------------------------------------------------------


def _reaches(start_id: int, goal_id: int) -> bool:
    """Whether ``goal`` is reachable from ``start`` along dependency relations."""
    edges: dict[int, list[int]] = {}
    for s, t in Relation.objects.filter(kind__in=ACYCLIC_KINDS).values_list(
        "source_id", "target_id"
    ):
        edges.setdefault(s, []).append(t)
    seen = {start_id}
    queue = deque([start_id])
    while queue:
        node = queue.popleft()
        if node == goal_id:
            return True
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return False


@transaction.atomic
def relation_add(
    *, actor: Actor, source: Element, target: Element, kind: str, note: str = ""
) -> Relation:
    _require(actor, EDIT)
    _require_edit(actor, source.agency_id)
    if kind not in RelationKind.values:
        raise Invalid(_("Jenis relasi tidak dikenal: %(k)s.") % {"k": kind})
    if source.pk == target.pk:
        raise Invalid(_("Elemen tidak dapat berelasi dengan dirinya sendiri."))
    sources, targets = RELATION_RULES[RelationKind(kind)]
    if source.domain not in sources or target.domain not in targets:
        raise Invalid(
            _("Relasi '%(k)s' tidak berlaku dari domain %(s)s ke domain %(t)s.")
            % {
                "k": RelationKind(kind).label,
                "s": Domain(source.domain).label,
                "t": Domain(target.domain).label,
            }
        )
    # Race: two people adding A→B and B→A at once would each see no cycle; the lock on every
    # relation row of the graph (small) serialises the check with the insert.
    list(
        Relation.objects.select_for_update()
        .filter(kind__in=ACYCLIC_KINDS)
        .values_list("pk", flat=True)
    )
    if kind in ACYCLIC_KINDS and _reaches(target.pk, source.pk):
        raise Invalid(
            _(
                "Relasi ditolak: %(t)s sudah bergantung (langsung atau tidak) pada %(s)s, sehingga terbentuk siklus."
            )
            % {"s": source.code, "t": target.code}
        )
    if Relation.objects.filter(source=source, target=target, kind=kind).exists():
        raise Conflict(_("Relasi ini sudah ada."))
    relation = Relation.objects.create(source=source, target=target, kind=kind, note=note[:200])
    audit_record(
        actor=actor,
        action="spbe.relation.add",
        obj=relation,
        object_repr=f"{source.code} → {target.code}",
        changes={
            "source": [None, source.code],
            "target": [None, target.code],
            "kind": [None, kind],
        },
    )
    _publish_element(source, "updated")
    return relation


@transaction.atomic
def relation_remove(*, actor: Actor, relation: Relation) -> None:
    _require(actor, EDIT)
    _require_edit(actor, relation.source.agency_id)
    audit_record(
        actor=actor,
        action="spbe.relation.remove",
        obj=relation,
        object_repr=f"{relation.source.code} → {relation.target.code}",
        changes={
            "source": [relation.source.code, None],
            "target": [relation.target.code, None],
            "kind": [relation.kind, None],
        },
    )
    _publish_element(relation.source, "updated")
    relation.delete()


# ---- Kendali's own components ------------------------------------------------------------


def _component_code(key: str) -> str:
    return ("KDL." + re.sub(r"[^A-Za-z0-9]+", "-", key)).upper()[:40]


@transaction.atomic
def components_sync(*, actor: Actor) -> dict:
    """Bring the catalogue in step with the components the running modules register: new
    ones are added (owned by Diskominfo), changed ones updated, vanished ones marked
    dihentikan; their depends_on become relations. Each change is audited."""
    _require(actor, MANAGE)
    owner = Agency.objects.filter(code=KENDALI_OPD_CODE).first()
    created = updated = retired = linked = 0
    components = system_components()
    by_key: dict[str, Element] = {
        e.system_key: e
        for e in Element.objects.filter(system_key__isnull=False)
        if e.system_key is not None
    }
    for component in components:
        domain = Domain.LAYANAN if component.kind == "layanan" else Domain.APLIKASI
        reference = component.reference_code
        try:
            reference = check_reference(domain, reference)
        except Invalid:
            reference = ""  # an unknown code is left for the gap list, never invented
        values = {
            "name": str(component.name)[:200],
            "description": str(component.description),
            "reference_code": reference,
            "status": ElementStatus.AKTIF,
            "hosting": Hosting.PDD if domain == Domain.APLIKASI else "",
            "has_api": domain == Domain.APLIKASI,
        }
        element = by_key.get(component.key)
        if element is None:
            code = _component_code(component.key)
            if Element.objects.filter(code=code).exists():
                code = (
                    code[:36] + "-" + hashlib.sha256(component.key.encode()).hexdigest()[:3].upper()
                )
            element = Element.objects.create(
                domain=domain,
                code=code,
                system_key=component.key,
                agency=owner,
                changed_by=actor.user,
                changed_at=timezone.now(),
                integrations=_("API Kendali /api/v1") if domain == Domain.APLIKASI else "",
                **values,
            )
            by_key[component.key] = element
            created += 1
            audit_record(
                actor=actor,
                action="spbe.element.sync",
                obj=element,
                changes=diff({}, snapshot(element, ELEMENT_FIELDS)),
                note=component.key,
            )
            continue
        before = snapshot(element, ELEMENT_FIELDS)
        for key, value in values.items():
            if key == "reference_code" and not value and element.reference_code:
                continue  # a code the coordinator set by hand stays
            setattr(element, key, value)
        if element.domain != domain:
            element.domain = domain
        changed = diff(before, snapshot(element, ELEMENT_FIELDS))
        if changed:
            _mark_changed(element, actor, changed)
            element.save()
            updated += 1
            audit_record(
                actor=actor,
                action="spbe.element.sync",
                obj=element,
                changes=changed,
                note=component.key,
            )
    keys = {c.key for c in components}
    for key, element in by_key.items():
        if key not in keys and element.status != ElementStatus.PENSIUN:
            changed = {"status": [element.status, ElementStatus.PENSIUN]}
            element.status = ElementStatus.PENSIUN
            _mark_changed(element, actor, changed)
            element.save()
            retired += 1
            audit_record(
                actor=actor, action="spbe.element.sync", obj=element, changes=changed, note=key
            )
    for component in components:
        source = by_key[component.key]
        for dep in component.depends_on:
            target = by_key.get(dep)
            if target is None:
                continue
            if source.domain == Domain.LAYANAN and target.domain == Domain.APLIKASI:
                kind = RelationKind.RUNS_ON_APP
            else:
                kind = RelationKind.DEPENDS_ON
            if Relation.objects.filter(source=source, target=target, kind=kind).exists():
                continue
            if kind in ACYCLIC_KINDS and _reaches(target.pk, source.pk):
                continue  # a registry cycle is reported by the gap list, not written
            relation = Relation.objects.create(
                source=source, target=target, kind=kind, note=_("dari registri")
            )
            linked += 1
            audit_record(
                actor=actor,
                action="spbe.relation.sync",
                obj=relation,
                object_repr=f"{source.code} → {target.code}",
                changes={"kind": [None, kind]},
            )
    result = {"created": created, "updated": updated, "retired": retired, "relations": linked}
    if created or updated or retired or linked:
        publish("spbe.catalogue.synced", result, perm=VIEW)
    return result


def sync_job() -> dict:
    """Background job: the bundled reference lists, frameworks and policy checklist are
    present, and the catalogue follows the modules that are installed (so Kendali's own
    applications and services appear without anyone pressing a button)."""
    actor = Actor.system("spbe.sync")
    if not ReferenceCode.objects.exists():
        reference_codes_load(actor=actor)
    if not Framework.objects.exists():
        frameworks_load_bundled(actor=actor)
    policies_ensure(actor=actor)
    return components_sync(actor=actor)


# ---- frameworks --------------------------------------------------------------------------


@transaction.atomic
def framework_load(*, actor: Actor, data: dict) -> Framework:
    """Load a framework document; invalid rows refuse it with every row named."""
    _require(actor, MANAGE)
    errors = fw.validate(data)
    if errors:
        raise Invalid(
            _("Berkas kerangka evaluasi tidak valid (%(n)s kesalahan).") % {"n": len(errors)},
            errors=errors,
        )
    import json

    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    existing = Framework.objects.filter(code=data["kode"], version=data["versi"]).first()
    if existing is not None:
        if existing.source_sha256 == digest:
            return existing
        raise Conflict(
            _("Kerangka %(c)s versi %(v)s sudah dimuat dengan isi berbeda; naikkan nomor versinya.")
            % {"c": data["kode"], "v": data["versi"]}
        )
    framework = Framework.objects.create(
        code=data["kode"],
        version=data["versi"],
        name=data["nama"],
        legal_basis=data.get("dasar_hukum", ""),
        note=data.get("catatan", ""),
        predicates=[{"nama": p["nama"], "min": float(p["min"])} for p in data["predikat"]],
        source_sha256=digest,
    )
    order = 0
    for d_order, d in enumerate(fw.domains_of(data)):
        domain = FrameworkDomain.objects.create(
            framework=framework,
            code=d["kode"],
            name=d["nama"],
            weight=float(d["bobot"]),
            order=d_order,
        )
        for a_order, a in enumerate(d["aspek"]):
            aspect = FrameworkAspect.objects.create(
                domain=domain,
                code=a["kode"],
                name=a["nama"],
                weight=float(a["bobot"]),
                order=a_order,
            )
            for i in a["indikator"]:
                order += 1
                FrameworkIndicator.objects.create(
                    aspect=aspect,
                    framework=framework,
                    code=i["kode"],
                    name=i["nama"],
                    weight=float(i["bobot"]),
                    levels=i["tingkat"],
                    name_uncertain=bool(i.get("nama_belum_pasti")),
                    order=order,
                )
    audit_record(
        actor=actor,
        action="spbe.framework.load",
        obj=framework,
        changes={"indicators": [None, order], "sha256": [None, digest]},
    )
    return framework


def frameworks_load_bundled(*, actor: Actor) -> list[Framework]:
    return [framework_load(actor=actor, data=fw.read(path)) for path in fw.bundled_files()]


# ---- evaluations -------------------------------------------------------------------------


@transaction.atomic
def evaluation_create(
    *, actor: Actor, framework: Framework, year: int, copy_from: Evaluation | None = None
) -> Evaluation:
    """A year's evaluation with one open answer per indicator (assigned OPDs and, when the
    previous year used the same framework, last year's levels carried over as a draft)."""
    _require(actor, MANAGE)
    if not 2018 <= int(year) <= 2100:
        raise Invalid(_("Tahun evaluasi tidak masuk akal: %(y)s.") % {"y": year})
    if Evaluation.objects.filter(framework=framework, year=year).exists():
        raise Conflict(
            _("Evaluasi %(f)s tahun %(y)s sudah ada.") % {"f": framework.code, "y": year}
        )
    evaluation = Evaluation.objects.create(framework=framework, year=year)
    previous = {}
    if copy_from is not None and copy_from.framework_id == framework.pk:
        previous = {a.indicator_id: a for a in copy_from.answers.all()}
    Answer.objects.bulk_create(
        [
            Answer(
                evaluation=evaluation,
                indicator=indicator,
                agency_id=previous[indicator.pk].agency_id if indicator.pk in previous else None,
                level=previous[indicator.pk].level if indicator.pk in previous else None,
            )
            for indicator in framework.indicators.all()
        ]
    )
    filled = _fill_live_evidence(actor, evaluation)
    audit_record(
        actor=actor,
        action="spbe.evaluation.create",
        obj=evaluation,
        changes={
            "framework": [None, framework.code],
            "year": [None, year],
            "live_evidence": [None, filled],
        },
    )
    publish("spbe.evaluation.created", {"id": evaluation.pk, "year": year}, perm=VIEW)
    return evaluation


def _open_answer(actor: Actor, answer: Answer, *, for_review: bool = False) -> Answer:
    answer = Answer.objects.select_for_update().select_related("evaluation").get(pk=answer.pk)
    if not for_review:
        _require_edit(actor, answer.agency_id)
    if answer.evaluation.status == EvaluationStatus.TERKUNCI:
        raise Conflict(
            _("Evaluasi tahun %(y)s sudah dikunci; jawaban dan bukti tidak dapat diubah.")
            % {"y": answer.evaluation.year}
        )
    return answer


ANSWER_FIELDS = ["level", "justification", "agency", "status", "review_note"]


def _clean_level(level) -> int | None:
    if level in (None, ""):
        return None
    try:
        value = int(level)
    except (TypeError, ValueError):
        value = 0
    if str(level).strip() != str(value) or not 1 <= value <= 5:
        raise Invalid(
            _("Tingkat kematangan harus bilangan bulat 1 sampai 5 (diterima: %(v)s).")
            % {"v": level},
            errors=[{"field": "level", "message": _("di luar 1–5")}],
        )
    return value


@transaction.atomic
def answer_save(
    *,
    actor: Actor,
    answer: Answer,
    level=None,
    justification: str | None = None,
    agency: Agency | None | str = "keep",
) -> Answer:
    _require(actor, EDIT)
    answer = _open_answer(actor, answer)
    before = snapshot(answer, ANSWER_FIELDS)
    answer.level = _clean_level(level)
    if justification is not None:
        answer.justification = justification.strip()
    if agency != "keep":
        if not actor.has_perm(MANAGE):
            raise NotAllowed(_("Hanya koordinator SPBE yang menugaskan OPD penjawab."))
        answer.agency = agency  # type: ignore[assignment]
    changed = diff(before, snapshot(answer, ANSWER_FIELDS))
    if changed.keys() & {"level", "justification"}:
        answer.answered_by = actor.user
    if changed:
        _back_to_draft(answer, changed)
        answer.save()
        audit_record(actor=actor, action="spbe.answer.save", obj=answer, changes=changed)
        _publish_answer(answer)
    return answer


def _back_to_draft(answer: Answer, changed: dict) -> None:
    """A submitted or accepted answer that changes (level, explanation, OPD, evidence) is
    reviewed again: it goes back to draft and has to be submitted anew."""
    if answer.status in (AnswerStatus.DITERIMA, AnswerStatus.DIAJUKAN):
        changed["status"] = [answer.status, AnswerStatus.DRAF]
        answer.status = AnswerStatus.DRAF
        answer.submitted_by, answer.submitted_at = None, None


def _publish_answer(answer: Answer) -> None:
    # The answering OPD's officers see their answer move (returned with a note, accepted).
    publish(
        "spbe.answer.changed",
        {"id": answer.pk, "evaluation": answer.evaluation_id, "status": answer.status},
        perm=VIEW,
        agency_ids=[answer.agency_id] if answer.agency_id else ["*"],
    )


@transaction.atomic
def answer_submit(*, actor: Actor, answer: Answer) -> Answer:
    """Put an answer up for review: its OPD's officer (or the coordinator) vouches for it."""
    _require(actor, EDIT)
    answer = _open_answer(actor, answer)
    if answer.level is None or not answer.justification:
        raise Invalid(_("Isi tingkat dan penjelasan sebelum mengajukan jawaban."))
    if answer.status in (AnswerStatus.DIAJUKAN, AnswerStatus.DITERIMA):
        raise Conflict(
            _("Jawaban indikator %(c)s sudah %(s)s.")
            % {"c": answer.indicator.code, "s": AnswerStatus(answer.status).label.lower()}
        )
    before = answer.status
    answer.status = AnswerStatus.DIAJUKAN
    answer.submitted_by = actor.user
    answer.submitted_at = timezone.now()
    answer.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="spbe.answer.submit",
        obj=answer,
        changes={"status": [before, answer.status]},
    )
    _publish_answer(answer)
    return answer


def may_review(actor: Actor, answer: Answer) -> bool:
    """Four eyes: a reviewer accepts or returns only what someone else wrote and submitted."""
    if not actor.has_perm(REVIEW) or actor.user is None:
        return False
    return actor.user.pk not in {answer.answered_by_id, answer.submitted_by_id}


@transaction.atomic
def answer_review(*, actor: Actor, answer: Answer, accept: bool, note: str = "") -> Answer:
    """A reviewer accepts a submitted answer or returns it to its OPD with a note."""
    _require(actor, REVIEW)
    answer = _open_answer(actor, answer, for_review=True)
    if not may_see_agency(actor, answer.agency_id) and not actor.has_perm(MANAGE):
        raise NotFound(_("Data SPBE tidak ditemukan."))
    if answer.status != AnswerStatus.DIAJUKAN:
        raise Conflict(
            _("Hanya jawaban yang sudah diajukan yang dapat direviu (indikator %(c)s: %(s)s).")
            % {"c": answer.indicator.code, "s": AnswerStatus(answer.status).label.lower()}
        )
    if not may_review(actor, answer):
        raise NotAllowed(
            _(
                "Prinsip empat mata: Anda mengisi atau mengajukan jawaban ini, jadi reviewer lain yang menerima atau mengembalikannya."
            )
        )
    if not accept and not note.strip():
        raise Invalid(
            _("Tuliskan alasan pengembalian jawaban."),
            errors=[{"field": "note", "message": _("wajib bila dikembalikan")}],
        )
    before = snapshot(answer, ANSWER_FIELDS)
    answer.status = AnswerStatus.DITERIMA if accept else AnswerStatus.DIKEMBALIKAN
    answer.review_note = note.strip()
    answer.reviewed_by = actor.user
    answer.reviewed_at = timezone.now()
    answer.save()
    audit_record(
        actor=actor,
        action="spbe.answer.accept" if accept else "spbe.answer.return",
        obj=answer,
        changes=diff(before, snapshot(answer, ANSWER_FIELDS)),
        note=note.strip(),
    )
    _publish_answer(answer)
    return answer


def check_document(filename: str, content: bytes, content_type: str) -> str:
    """The file's extension when it is an accepted document, else Invalid."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in DOCUMENT_TYPES:
        raise Invalid(
            _("Jenis berkas .%(e)s tidak diterima. Unggah PDF, PNG, JPG, DOCX, XLSX, ODT atau ODS.")
            % {"e": extension or "?"},
            errors=[{"field": "file", "message": _("jenis berkas")}],
        )
    if len(content) == 0:
        raise Invalid(_("Berkas kosong."), errors=[{"field": "file", "message": _("kosong")}])
    if len(content) > MAX_DOCUMENT_BYTES:
        raise Invalid(
            _("Berkas %(n)s terlalu besar (%(s)s MB); batasnya %(m)s MB.")
            % {
                "n": filename,
                "s": round(len(content) / 1048576, 1),
                "m": MAX_DOCUMENT_BYTES // 1048576,
            },
            errors=[{"field": "file", "message": _("terlalu besar")}],
        )
    types, magics = DOCUMENT_TYPES[extension]
    if not any(content.startswith(m) for m in magics) or (
        content_type and content_type not in types and content_type != "application/octet-stream"
    ):
        raise Invalid(
            _("Isi berkas %(n)s tidak sesuai dengan jenis .%(e)s.")
            % {"n": filename, "e": extension},
            errors=[{"field": "file", "message": _("isi tidak sesuai jenis")}],
        )
    return extension


def _evidence_changed(answer: Answer) -> dict:
    changed: dict = {}
    _back_to_draft(answer, changed)
    if changed:
        answer.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    return changed


def _evidence_audit(actor: Actor, evidence: Evidence, action: str) -> None:
    changes = _evidence_changed(evidence.answer)
    audit_record(
        actor=actor,
        action=action,
        obj=evidence,
        changes={
            "answer": [None, evidence.answer_id],
            "kind": [None, evidence.kind],
            "title": [None, evidence.title],
            "filename": [None, evidence.filename],
            "size": [None, evidence.size],
            "url": [None, evidence.url],
            "source": [None, evidence.source_key],
            **changes,
        },
    )
    _publish_answer(evidence.answer)


@transaction.atomic
def evidence_add_document(
    *,
    actor: Actor,
    answer: Answer,
    title: str,
    filename: str,
    content: bytes,
    content_type: str = "",
) -> Evidence:
    _require(actor, EDIT)
    answer = _open_answer(actor, answer)
    check_document(filename, content, content_type)
    evidence = Evidence.objects.create(
        answer=answer,
        kind=EvidenceKind.DOKUMEN,
        title=(title or filename).strip()[:200],
        filename=Path(filename).name[:200],
        content_type=content_type[:100],
        size=len(content),
        content=content,
        created_by=actor.user,
    )
    _evidence_audit(actor, evidence, "spbe.evidence.add")
    return evidence


@transaction.atomic
def evidence_add_link(*, actor: Actor, answer: Answer, title: str, url: str) -> Evidence:
    _require(actor, EDIT)
    answer = _open_answer(actor, answer)
    url = (url or "").strip()
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", url) or len(url) > 500:
        raise Invalid(
            _("Tautan bukti harus alamat http(s) yang lengkap."),
            errors=[{"field": "url", "message": _("tautan tidak valid")}],
        )
    evidence = Evidence.objects.create(
        answer=answer,
        kind=EvidenceKind.TAUTAN,
        title=(title or url).strip()[:200],
        url=url,
        created_by=actor.user,
    )
    _evidence_audit(actor, evidence, "spbe.evidence.add")
    return evidence


def _live_evidence(actor: Actor, answer: Answer, source) -> Evidence:
    """What a registered module shows for the evaluation's year, read now and kept as read."""
    data = run_selector(source.selector, actor=actor, year=answer.evaluation.year) or {}
    figures = {
        str(k): (v if isinstance(v, int | float | str) or v is None else str(v))
        for k, v in (data.get("figures") or {}).items()
    }
    return Evidence.objects.create(
        answer=answer,
        kind=EvidenceKind.LANGSUNG,
        title=str(data.get("title") or source.label)[:200],
        url=str(data.get("url") or "")[:500],
        source_key=source.key,
        created_by=actor.user,
        snapshot={
            "summary": str(data.get("summary") or ""),
            "figures": figures,
            "read_at": timezone.now().isoformat(),
        },
    )


@transaction.atomic
def evidence_add_live(*, actor: Actor, answer: Answer, source_key: str) -> Evidence:
    """Attach what a registered module shows for the evaluation's year, as read now."""
    _require(actor, EDIT)
    answer = _open_answer(actor, answer)
    source = next((s for s in evidence_sources() if s.key == source_key), None)
    if source is None:
        raise Invalid(_("Sumber bukti langsung %(k)s tidak terdaftar.") % {"k": source_key})
    if source.perm and not actor.has_perm(source.perm):
        raise NotAllowed(_("Anda tidak berhak membaca sumber bukti ini."))
    evidence = _live_evidence(actor, answer, source)
    _evidence_audit(actor, evidence, "spbe.evidence.add")
    return evidence


def _fill_live_evidence(actor: Actor, evaluation: Evaluation) -> list[list[str]]:
    """A new evaluation starts with the live evidence every registered module offers for the
    indicators it supports, so the OPDs answer with the system's own figures in front of them."""
    from kendali.spbe.selectors import source_codes

    answers = {a.indicator.code: a for a in evaluation.answers.select_related("indicator")}
    filled = []
    for source in sorted(evidence_sources(), key=lambda s: s.key):
        if source.perm and not actor.has_perm(source.perm):
            continue
        for code in sorted(source_codes(source, evaluation.framework.code) & set(answers)):
            try:
                with transaction.atomic():
                    _live_evidence(actor, answers[code], source)
            except Exception:  # noqa: BLE001 - one module's fault must not stop the draft
                logger.exception("live evidence %s for indicator %s failed", source.key, code)
                continue
            filled.append([code, source.key])
    return filled


@transaction.atomic
def evidence_remove(*, actor: Actor, evidence: Evidence) -> None:
    _require(actor, EDIT)
    answer = _open_answer(actor, evidence.answer)
    audit_record(
        actor=actor,
        action="spbe.evidence.remove",
        obj=evidence,
        changes={
            "title": [evidence.title, None],
            "kind": [evidence.kind, None],
            **_evidence_changed(answer),
        },
    )
    _publish_answer(answer)
    evidence.delete()


@transaction.atomic
def evaluation_lock(*, actor: Actor, evaluation: Evaluation) -> Evaluation:
    """Freeze the evaluation with its index: every indicator needs an accepted answer."""
    from kendali.spbe.selectors import evaluation_score

    _require(actor, MANAGE)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status == EvaluationStatus.TERKUNCI:
        raise Conflict(_("Evaluasi tahun %(y)s sudah dikunci.") % {"y": evaluation.year})
    pending = list(
        evaluation.answers.exclude(status=AnswerStatus.DITERIMA)
        .order_by("indicator__order")
        .values_list("indicator__code", flat=True)
    )
    if pending:
        raise Invalid(
            _("Evaluasi belum dapat dikunci: %(n)s indikator belum diterima reviewer (%(c)s).")
            % {"n": len(pending), "c": ", ".join(pending[:10]) + ("…" if len(pending) > 10 else "")}
        )
    score = evaluation_score(evaluation)
    evaluation.status = EvaluationStatus.TERKUNCI
    evaluation.index_value = score["index"]
    evaluation.predicate = score["predicate"]
    evaluation.locked_at = timezone.now()
    evaluation.locked_by = actor.user
    evaluation.save()
    audit_record(
        actor=actor,
        action="spbe.evaluation.lock",
        obj=evaluation,
        changes={
            "status": [EvaluationStatus.DRAF, EvaluationStatus.TERKUNCI],
            "index": [None, score["index"]],
            "predicate": [None, score["predicate"]],
        },
    )
    publish(
        "spbe.evaluation.locked",
        {"id": evaluation.pk, "year": evaluation.year, "index": score["index"]},
        perm=VIEW,
    )
    return evaluation


# ---- peta rencana ------------------------------------------------------------------------

INITIATIVE_FIELDS = [
    "code",
    "name",
    "domain",
    "agency",
    "start_year",
    "end_year",
    "budget",
    "status",
    "progress",
    "indicator_codes",
]


@transaction.atomic
def roadmap_version_create(
    *, actor: Actor, title: str, start_year: int | None = None, note: str = ""
) -> RoadmapVersion:
    """The first version is the baseline (a five-year horizon); each later one is a revision
    that starts as a copy of the latest version, so two versions can be compared."""
    _require(actor, MANAGE)
    latest = RoadmapVersion.objects.select_for_update().order_by("-number").first()
    if not (title or "").strip():
        raise Invalid(_("Judul versi peta rencana wajib diisi."))
    if latest is None:
        if start_year is None or not 2018 <= int(start_year) <= 2100:
            raise Invalid(_("Tahun awal peta rencana wajib diisi (2018–2100)."))
        version = RoadmapVersion.objects.create(
            number=1,
            kind=VersionKind.BASELINE,
            title=title.strip(),
            start_year=start_year,
            end_year=int(start_year) + 4,
            note=note,
            created_by=actor.user,
        )
    else:
        version = RoadmapVersion.objects.create(
            number=latest.number + 1,
            kind=VersionKind.REVISI,
            title=title.strip(),
            start_year=latest.start_year,
            end_year=latest.end_year,
            note=note,
            created_by=actor.user,
        )
        mapping: dict[int, Initiative] = {}
        old = list(latest.initiatives.prefetch_related("target_elements", "depends_on"))
        for item in old:
            copy = Initiative.objects.create(
                version=version,
                **{f: getattr(item, f) for f in INITIATIVE_FIELDS if f != "agency"},
                agency=item.agency,
            )
            copy.target_elements.set(item.target_elements.all())
            mapping[item.pk] = copy
        for item in old:
            mapping[item.pk].depends_on.set([mapping[d.pk] for d in item.depends_on.all()])
    audit_record(
        actor=actor,
        action="spbe.roadmap.version",
        obj=version,
        changes={
            "number": [None, version.number],
            "kind": [None, version.kind],
            "years": [None, f"{version.start_year}-{version.end_year}"],
        },
    )
    publish("spbe.roadmap.changed", {"version": version.number}, perm=VIEW)
    return version


def _depends_cycle(version: RoadmapVersion, initiative_id: int | None, depends: list[int]) -> bool:
    edges: dict[int, set[int]] = {}
    for item in version.initiatives.prefetch_related("depends_on"):
        edges[item.pk] = {d.pk for d in item.depends_on.all()}
    if initiative_id is None:
        return False  # a new initiative has no one depending on it yet
    edges[initiative_id] = set(depends)
    stack = list(depends)
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node == initiative_id:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(edges.get(node, ()))
    return False


@transaction.atomic
def initiative_save(
    *,
    actor: Actor,
    version: RoadmapVersion,
    initiative: Initiative | None = None,
    code: str,
    name: str,
    domain: str,
    start_year: int,
    end_year: int,
    agency: Agency | None = None,
    budget=0,
    status: str = InitiativeStatus.RENCANA,
    progress: int = 0,
    target_elements: list[Element] | None = None,
    depends_on: list[Initiative] | None = None,
    indicator_codes: list[str] | None = None,
) -> Initiative:
    _require(actor, MANAGE)
    latest = RoadmapVersion.objects.select_for_update().order_by("-number").first()
    if latest is None or latest.pk != version.pk:
        raise Conflict(
            _("Hanya versi peta rencana terbaru yang dapat diubah; versi lama adalah riwayat.")
        )
    errors = []
    code = (code or "").strip()
    if not ELEMENT_CODE_RE.match(code):
        errors.append(
            {"field": "code", "message": _("kode 2–40 karakter: huruf, angka, titik, strip")}
        )
    if not (name or "").strip():
        errors.append({"field": "name", "message": _("nama wajib diisi")})
    if domain not in Domain.values:
        errors.append({"field": "domain", "message": _("domain tidak dikenal")})
    if status not in InitiativeStatus.values:
        errors.append({"field": "status", "message": _("status tidak dikenal")})
    try:
        start_year, end_year = int(start_year), int(end_year)
    except (TypeError, ValueError):
        errors.append({"field": "start_year", "message": _("tahun harus angka")})
        start_year = end_year = 0
    if start_year and not (version.start_year <= start_year <= end_year <= version.end_year):
        errors.append(
            {
                "field": "end_year",
                "message": _("tahun harus di dalam cakrawala %(a)s–%(b)s dan mulai ≤ selesai")
                % {"a": version.start_year, "b": version.end_year},
            }
        )
    try:
        budget = Decimal(str(budget or 0))
        if budget < 0 or budget != budget.to_integral_value():
            raise InvalidOperation
    except InvalidOperation:
        errors.append({"field": "budget", "message": _("anggaran harus rupiah bulat ≥ 0")})
        budget = Decimal(0)
    try:
        progress = int(progress or 0)
    except (TypeError, ValueError):
        progress = -1
    if not 0 <= progress <= 100:
        errors.append({"field": "progress", "message": _("kemajuan 0–100%")})
    codes = [c.strip() for c in (indicator_codes or []) if str(c).strip()]
    bad = [c for c in codes if not INDICATOR_CODE_RE.match(c)]
    if bad:
        errors.append(
            {
                "field": "indicator_codes",
                "message": _("kode indikator tidak valid: %(c)s") % {"c": ", ".join(bad)},
            }
        )
    depends = list(depends_on or [])
    if any(d.version_id != version.pk for d in depends):
        errors.append(
            {
                "field": "depends_on",
                "message": _("ketergantungan harus pada inisiatif versi yang sama"),
            }
        )
    if initiative is not None and any(d.pk == initiative.pk for d in depends):
        errors.append(
            {
                "field": "depends_on",
                "message": _("inisiatif tidak dapat bergantung pada dirinya sendiri"),
            }
        )
    if errors:
        raise Invalid(_("Data inisiatif peta rencana tidak valid."), errors=errors)
    clash = version.initiatives.filter(code=code)
    if initiative is not None:
        clash = clash.exclude(pk=initiative.pk)
    if clash.exists():
        raise Conflict(_("Kode inisiatif %(c)s sudah dipakai di versi ini.") % {"c": code})
    if _depends_cycle(version, initiative.pk if initiative else None, [d.pk for d in depends]):
        raise Invalid(_("Ketergantungan ditolak: akan membentuk siklus antar-inisiatif."))
    values = {
        "code": code,
        "name": name.strip(),
        "domain": domain,
        "agency": agency,
        "start_year": start_year,
        "end_year": end_year,
        "budget": budget,
        "status": status,
        "progress": progress,
        "indicator_codes": codes,
    }
    if initiative is None:
        before: dict = {}
        initiative = Initiative.objects.create(version=version, **values)
        action = "spbe.initiative.create"
    else:
        initiative = Initiative.objects.select_for_update().get(pk=initiative.pk, version=version)
        before = snapshot(initiative, INITIATIVE_FIELDS)
        for key, value in values.items():
            setattr(initiative, key, value)
        initiative.save()
        action = "spbe.initiative.update"
    initiative.target_elements.set(target_elements or [])
    initiative.depends_on.set(depends)
    changes = diff(before, snapshot(initiative, INITIATIVE_FIELDS))
    changes["target_elements"] = [None, sorted(e.code for e in target_elements or [])]
    changes["depends_on"] = [None, sorted(d.code for d in depends)]
    audit_record(actor=actor, action=action, obj=initiative, changes=changes)
    publish(
        "spbe.roadmap.changed", {"version": version.number, "initiative": initiative.pk}, perm=VIEW
    )
    return initiative


# ---- internal policies -------------------------------------------------------------------

POLICY_TITLES = [
    "Kebijakan Internal Arsitektur SPBE",
    "Kebijakan Internal Peta Rencana SPBE",
    "Kebijakan Internal Manajemen Data",
    "Kebijakan Internal Pembangunan Aplikasi SPBE",
    "Kebijakan Internal Layanan Pusat Data",
    "Kebijakan Internal Layanan Jaringan Intra",
    "Kebijakan Internal Penggunaan Sistem Penghubung Layanan",
    "Kebijakan Internal Manajemen Keamanan Informasi",
    "Kebijakan Internal Audit TIK",
    "Kebijakan Internal Tim Koordinasi SPBE",
]
POLICY_FIELDS = [
    "status",
    "instrument",
    "enacted_on",
    "review_due",
    "url",
    "note",
    "filename",
    "size",
]


@transaction.atomic
def policies_ensure(*, actor: Actor) -> int:
    """The ten required internal policies as a checklist (idempotent)."""
    _require(actor, MANAGE)
    created = 0
    for number, title in enumerate(POLICY_TITLES, start=1):
        _policy, made = Policy.objects.get_or_create(number=number, defaults={"title": title})
        if made:
            created += 1
    if created:
        audit_record(
            actor=actor,
            action="spbe.policy.ensure",
            object_type="spbe.policy",
            object_repr=_("Daftar periksa kebijakan internal SPBE"),
            changes={"created": [None, created]},
        )
    return created


@transaction.atomic
def policy_update(
    *,
    actor: Actor,
    policy: Policy,
    status: str,
    instrument: str = "",
    enacted_on: date | None = None,
    review_due: date | None = None,
    url: str = "",
    note: str = "",
    document: tuple[str, bytes, str] | None = None,
) -> Policy:
    _require(actor, MANAGE)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    errors = []
    if status not in PolicyStatus.values:
        errors.append({"field": "status", "message": _("status tidak dikenal")})
    if status == PolicyStatus.DITETAPKAN and (not instrument.strip() or enacted_on is None):
        errors.append(
            {
                "field": "instrument",
                "message": _("kebijakan yang ditetapkan perlu produk hukum dan tanggal penetapan"),
            }
        )
    if enacted_on and enacted_on > timezone.localdate():
        errors.append(
            {"field": "enacted_on", "message": _("tanggal penetapan tidak boleh di masa depan")}
        )
    if enacted_on and review_due and review_due < enacted_on:
        errors.append(
            {"field": "review_due", "message": _("tanggal reviu harus setelah penetapan")}
        )
    if url and not re.match(r"^https?://[^\s/]+\.[^\s]+$", url.strip()):
        errors.append({"field": "url", "message": _("tautan harus alamat http(s) lengkap")})
    if errors:
        raise Invalid(_("Data kebijakan internal tidak valid."), errors=errors)
    before = snapshot(policy, POLICY_FIELDS)
    if document is not None:
        filename, content, content_type = document
        check_document(filename, content, content_type)
        policy.filename, policy.content, policy.content_type, policy.size = (
            Path(filename).name[:200],
            content,
            content_type[:100],
            len(content),
        )
    policy.status, policy.instrument, policy.enacted_on = status, instrument.strip(), enacted_on
    policy.review_due, policy.url, policy.note = review_due, url.strip(), note.strip()
    policy.save()
    changes = diff(before, snapshot(policy, POLICY_FIELDS))
    if changes:
        audit_record(actor=actor, action="spbe.policy.update", obj=policy, changes=changes)
        publish("spbe.policy.changed", {"number": policy.number}, perm=VIEW)
    return policy


__all__ = [
    "components_sync",
    "element_create",
    "element_update",
    "element_delete",
    "element_validate",
    "relation_add",
    "relation_remove",
    "reference_codes_load",
    "framework_load",
    "evaluation_create",
    "answer_save",
    "answer_submit",
    "answer_review",
    "may_review",
    "evidence_add_document",
    "evidence_add_link",
    "evidence_add_live",
    "evidence_remove",
    "evaluation_lock",
    "roadmap_version_create",
    "initiative_save",
    "policies_ensure",
    "policy_update",
    "NotFound",
]
