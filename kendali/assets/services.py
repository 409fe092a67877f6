"""Every write of the regional-asset (BMD) module.

Rules kept here: an OPD's officers act only on their OPD's items (``core.scope``); an entry
is approved by someone other than its drafter; an approved entry is never edited (a reversing
entry corrects it); nothing is booked into a locked semester; the register is the fold of the
approved entries (``register_rebuild``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
import time as _time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.assets.choices import (
    KIB_FIELDS,
    AttachmentKind,
    Condition,
    EntryKind,
    EntryStatus,
    ItemStatus,
    Origin,
    RunStatus,
    ScanResult,
    StockTakeStatus,
    TaskStatus,
    UsageKind,
    kib_of_code,
)
from kendali.assets.models import (
    CodeNode,
    CodeSetting,
    Counter,
    DepreciationLine,
    DepreciationRun,
    Item,
    ItemAttachment,
    LedgerEntry,
    LifeExtension,
    MaintenanceTask,
    Room,
    SemesterLock,
    StockTake,
    StockTakeScan,
    period_end,
    period_index,
    period_of,
)
from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.models import Agency
from kendali.core.scope import may_see_agency
from kendali.regions.models import Region

CENT = Decimal("0.01")
PERM_VIEW = "assets.view_item"
PERM_DRAFT = "assets.draft_entry"
PERM_APPROVE = "assets.approve_entry"


def _require(actor: Actor, perm: str, message: str | None = None) -> None:
    if not actor.has_perm(perm):
        raise NotAllowed(message or _("Peran Anda tidak berhak melakukan aksi BMD ini."))


def _scoped(actor: Actor, agency_id: int | None) -> None:
    # Outside the actor's OPD the object does not exist for them (404, never 403).
    if not may_see_agency(actor, agency_id):
        raise NotFound(_("Barang tidak ditemukan."))


def _next(key: str) -> int:
    """The next number of a sequence; the row lock closes the race of two approvals
    taking the same NIBAR or entry number."""
    Counter.objects.get_or_create(key=key)
    counter = Counter.objects.select_for_update().get(key=key)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value


def _money(value: Any, field: str = "value") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise Invalid(_("Nilai harus berupa angka."), errors={field: [_("Bukan angka.")]})
    return amount


def _events(topic: str, item: Item, **extra: Any) -> None:
    publish(
        topic,
        {"item": item.pk, "nibar": item.nibar, "agency": item.agency_id, **extra},
        perm=PERM_VIEW,
        agency_ids=[item.agency_id],
    )


# --------------------------------------------------------------------------- periods & locks


def locked_periods() -> set[str]:
    return set(SemesterLock.objects.values_list("period", flat=True))


def _check_open(day: date) -> None:
    period = period_of(day)
    if SemesterLock.objects.filter(period=period).exists():
        raise Invalid(
            _("Semester %(p)s sudah dikunci; entri bertanggal %(d)s tidak dapat dibukukan.")
            % {"p": period, "d": day.strftime("%d-%m-%Y")},
            errors={"entry_date": [_("Semester terkunci.")]},
        )


def _check_not_future(day: date, field: str = "entry_date") -> None:
    if day > timezone.localdate():
        raise Invalid(
            _("Tanggal %(d)s masih di masa depan.") % {"d": day.strftime("%d-%m-%Y")},
            errors={field: [_("Tanggal di masa depan.")]},
        )


@transaction.atomic
def semester_lock(*, actor: Actor, period: str) -> SemesterLock:
    _require(
        actor, "assets.lock_semester", _("Hanya BPKAD/Pengelola Barang yang mengunci semester.")
    )
    try:
        index = period_index(period)
    except (ValueError, IndexError):
        raise Invalid(_("Semester harus berbentuk TTTT-S1 atau TTTT-S2."))
    if period_end(index) >= timezone.localdate():
        raise Invalid(_("Semester %(p)s belum berakhir.") % {"p": period})
    if SemesterLock.objects.filter(period=period).exists():
        raise Conflict(_("Semester %(p)s sudah dikunci.") % {"p": period})
    pending = LedgerEntry.objects.filter(
        status=EntryStatus.DRAFT,
        entry_date__gte=date(index // 2, 1 if index % 2 == 0 else 7, 1),
        entry_date__lte=period_end(index),
    ).count()
    if pending:
        raise Conflict(
            _("Masih ada %(n)d entri konsep di semester %(p)s; setujui atau tolak dulu.")
            % {"n": pending, "p": period}
        )
    lock = SemesterLock.objects.create(period=period, locked_by=actor.user)
    DepreciationRun.objects.filter(period=period).update(status=RunStatus.LOCKED)
    audit_record(actor=actor, action="assets.semester.lock", obj=lock, changes={"period": period})
    publish("assets.semester.locked", {"period": period}, perm=PERM_VIEW, agency_ids=["*"])
    return lock


# --------------------------------------------------------------------------- codes & settings


def _code_level(code: str) -> int:
    return len(code.split("."))


def _parse_code_rows(data: bytes, filename: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for i, row in enumerate(wb.worksheets[0].iter_rows(values_only=True)):
            if i == 0 or not row or row[0] is None:
                continue
            rows.append((str(row[0]).strip(), str(row[1] or "").strip()))
        wb.close()
    else:
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        for i, row in enumerate(reader):
            if i == 0 or not row or not row[0].strip():
                continue
            rows.append((row[0].strip(), (row[1] if len(row) > 1 else "").strip()))
    return rows


@transaction.atomic
def codes_import(*, actor: Actor, data: bytes, filename: str = "kodefikasi.csv") -> int:
    """Load (or update) the kodefikasi tree from CSV/XLSX with columns kode, uraian. Every
    parent must be in the file or already known; nothing is written when one row is wrong."""
    _require(actor, "assets.manage_codes", _("Hanya BPKAD yang mengelola kodefikasi."))
    rows = _parse_code_rows(data, filename)
    known = dict(CodeNode.objects.values_list("code", "id"))
    errors = []
    wanted = {code for code, _name in rows}
    for n, (code, name) in enumerate(rows, start=2):
        parts = code.split(".")
        if not all(p.isdigit() for p in parts) or len(parts) > 7:
            errors.append(
                _("Baris %(n)d: kode %(c)s tidak berbentuk kodefikasi.") % {"n": n, "c": code}
            )
        elif len(parts) > 1 and ".".join(parts[:-1]) not in wanted | set(known):
            errors.append(_("Baris %(n)d: induk kode %(c)s tidak ada.") % {"n": n, "c": code})
        if not name:
            errors.append(_("Baris %(n)d: uraian kosong.") % {"n": n})
    if errors:
        raise Invalid(_("Berkas kodefikasi tidak dapat dimuat."), errors={"file": errors[:50]})
    count = 0
    for code, name in sorted(rows, key=lambda r: _code_level(r[0])):
        parent_code = ".".join(code.split(".")[:-1])
        node, created = CodeNode.objects.update_or_create(
            code=code,
            defaults={
                "name": name[:255],
                "level": _code_level(code),
                "parent_id": known.get(parent_code) if parent_code else None,
                "kib": kib_of_code(code) or "",
            },
        )
        known[code] = node.pk
        count += 1
    _setting_cache.cache_clear()
    audit_record(
        actor=actor,
        action="assets.codes.import",
        object_type="assets.codenode",
        changes={"rows": count, "file": filename},
    )
    return count


def codes_load_bundled(*, actor: Actor) -> int:
    from importlib.resources import files

    data = files("kendali.assets").joinpath("data/kodefikasi.csv").read_bytes()
    return codes_import(actor=actor, data=data, filename="kodefikasi.csv")


@transaction.atomic
def code_setting_save(
    *,
    actor: Actor,
    prefix: str,
    effective_from: date,
    useful_life_years: int | None,
    threshold: Decimal | None,
    depreciable: bool,
    basis: str = "",
) -> CodeSetting:
    _require(actor, "assets.manage_codes", _("Hanya BPKAD yang mengelola pengaturan BMD."))
    if not CodeNode.objects.filter(code=prefix).exists():
        raise Invalid(_("Awalan %(c)s tidak ada dalam kodefikasi.") % {"c": prefix})
    if depreciable and not useful_life_years:
        raise Invalid(_("Barang yang disusutkan memerlukan masa manfaat."))
    if threshold is not None and threshold < 0:
        raise Invalid(_("Batas kapitalisasi tidak boleh negatif."))
    setting, created = CodeSetting.objects.update_or_create(
        prefix=prefix,
        effective_from=effective_from,
        defaults={
            "useful_life_years": useful_life_years,
            "threshold": threshold,
            "depreciable": depreciable,
            "basis": basis,
        },
    )
    _setting_cache.cache_clear()
    audit_record(
        actor=actor,
        action="assets.setting.save",
        obj=setting,
        changes={
            "prefix": prefix,
            "effective_from": effective_from,
            "useful_life_years": useful_life_years,
            "threshold": threshold,
            "depreciable": depreciable,
        },
    )
    return setting


def settings_import_csv(*, actor: Actor, data: bytes) -> int:
    """awalan, berlaku_sejak, masa_manfaat_tahun, batas_kapitalisasi, disusutkan, dasar."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    count = 0
    with transaction.atomic():
        for row in reader:
            code_setting_save(
                actor=actor,
                prefix=row["awalan"].strip(),
                effective_from=date.fromisoformat(row["berlaku_sejak"].strip()),
                useful_life_years=int(row["masa_manfaat_tahun"])
                if row["masa_manfaat_tahun"]
                else None,
                threshold=Decimal(row["batas_kapitalisasi"]) if row["batas_kapitalisasi"] else None,
                depreciable=row["disusutkan"].strip() in ("1", "ya", "true"),
                basis=row.get("dasar", ""),
            )
            count += 1
    return count


@transaction.atomic
def life_extensions_import_csv(*, actor: Actor, data: bytes) -> int:
    _require(actor, "assets.manage_codes")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    rows = [
        LifeExtension(
            prefix=r["awalan"].strip(),
            min_percent=Decimal(r["dari_persen"]),
            max_percent=Decimal(r["sampai_persen"]),
            extra_years=int(r["tambahan_tahun"]),
        )
        for r in reader
    ]
    LifeExtension.objects.filter(prefix__in={r.prefix for r in rows}).delete()
    LifeExtension.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="assets.life_extension.import",
        object_type="assets.lifeextension",
        changes={"rows": len(rows)},
    )
    return len(rows)


@dataclass(frozen=True)
class Rule:
    life_years: int | None
    threshold: Decimal | None
    depreciable: bool


@lru_cache(maxsize=1)
def _setting_cache() -> tuple[tuple[str, date, int | None, Decimal | None, bool], ...]:
    return tuple(
        CodeSetting.objects.order_by("-effective_from").values_list(
            "prefix", "effective_from", "useful_life_years", "threshold", "depreciable"
        )
    )


def rule_for(code: str, on: date) -> Rule:
    """The setting for a code on a date: the longest matching prefix wins, and for that prefix
    the newest setting not after the date. An item older than every setting of its prefix
    takes the earliest one (a regulation's table applies to the assets already held).
    No setting at all: not depreciated, intrakomptabel."""
    matching = [row for row in _setting_cache() if code == row[0] or code.startswith(row[0] + ".")]
    if not matching:
        return Rule(None, None, False)
    longest = max(len(row[0]) for row in matching)
    rows = sorted((row for row in matching if len(row[0]) == longest), key=lambda r: r[1])
    chosen = rows[0]
    for row in rows:
        if row[1] <= on:
            chosen = row
    _prefix, _since, life, threshold, depreciable = chosen
    return Rule(life, threshold, bool(depreciable) and bool(life))


def _extra_semesters(code: str, acquisition_value: Decimal, amount: Decimal) -> int:
    if acquisition_value <= 0:
        return 0
    percent = amount * 100 / acquisition_value
    rows = [
        r
        for r in LifeExtension.objects.all()
        if code == r.prefix or code.startswith(r.prefix + ".")
    ]
    if not rows:
        return 0
    longest = max(len(r.prefix) for r in rows)
    for r in rows:
        if len(r.prefix) == longest and r.min_percent <= percent <= r.max_percent:
            return r.extra_years * 2
    return 0


# --------------------------------------------------------------------------- rooms


@transaction.atomic
def room_save(*, actor: Actor, agency: Agency, code: str, name: str, building: str = "") -> Room:
    _require(actor, PERM_DRAFT)
    _scoped(actor, agency.pk)
    room, _created = Room.objects.update_or_create(
        agency=agency, code=code.strip(), defaults={"name": name, "building": building}
    )
    audit_record(actor=actor, action="assets.room.save", obj=room, changes={"name": name})
    return room


# --------------------------------------------------------------------------- register


def _clean_details(kib: str, details: dict | None) -> dict:
    allowed = {key: kind for key, _label, kind in KIB_FIELDS.get(kib, [])}
    clean: dict[str, Any] = {}
    problems = {}
    for key, value in (details or {}).items():
        if key not in allowed or value in (None, ""):
            continue
        kind = allowed[key]
        try:
            if kind == "number":
                number = float(str(value).replace(",", "."))
                if number < 0:
                    raise ValueError
                clean[key] = number
            elif kind == "int":
                clean[key] = int(value)
            elif kind == "date":
                clean[key] = (
                    value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
                ).isoformat()
            else:
                clean[key] = str(value)[:300]
        except (TypeError, ValueError):
            problems[key] = [_("Isian tidak valid.")]
    if problems:
        raise Invalid(_("Rincian KIB tidak valid."), errors=problems)
    return clean


def _code(code: str) -> CodeNode:
    node = CodeNode.objects.filter(code=str(code).strip()).first()
    if node is None:
        raise Invalid(
            _("Kode barang %(c)s tidak ada dalam kodefikasi Permendagri 108/2016.") % {"c": code},
            errors={"code": [_("Kode tidak dikenal.")]},
        )
    if node.level < 7 and node.kib not in ("A",):
        # Items sit on the most detailed level (sub-sub rincian objek).
        if node.children.exists():
            raise Invalid(
                _("Kode %(c)s bukan kode rinci; pilih kode sub-sub rincian objek.") % {"c": code},
                errors={"code": [_("Bukan kode rinci.")]},
            )
    if not node.kib:
        raise Invalid(_("Kode %(c)s bukan aset tetap (1.3.1–1.3.6).") % {"c": code})
    return node


def _check_certificate(number: str, exclude_item: int | None = None) -> None:
    if not number:
        return
    qs = Item.objects.filter(certificate_number=number).exclude(
        status__in=[ItemStatus.REJECTED, ItemStatus.CANCELLED]
    )
    if exclude_item:
        qs = qs.exclude(pk=exclude_item)
    if qs.exists():
        raise Invalid(
            _("Nomor sertifikat/dokumen %(n)s sudah tercatat pada barang lain.") % {"n": number},
            errors={"certificate_number": [_("Nomor sudah dipakai.")]},
        )


def _locate(lat: float | None, lon: float | None) -> dict:
    if lat is None or lon is None:
        return {"kelurahan": None, "kecamatan": None}
    from kendali.regions.locate import locate, validate

    try:
        lat, lon = validate(lat, lon)
    except Exception:  # noqa: BLE001 - validate raises its own error type
        raise Invalid(_("Koordinat tidak valid."), errors={"lat": [_("Koordinat tidak valid.")]})
    place = locate(lat, lon)
    regions = Region.objects.in_bulk([place.kelurahan_kode, place.kecamatan_kode])
    return {
        "kelurahan": regions.get(place.kelurahan_kode),
        "kecamatan": regions.get(place.kecamatan_kode),
    }


def _entry_number(day: date) -> str:
    return f"BMD-{day.year}-{_next(f'entry-{day.year}'):07d}"


@transaction.atomic
def item_draft(
    *,
    actor: Actor,
    agency: Agency,
    code: str,
    name: str,
    acquisition_date: date,
    value: Any,
    origin: str = Origin.APBD,
    condition: str = Condition.GOOD,
    details: dict | None = None,
    certificate_number: str = "",
    lat: float | None = None,
    lon: float | None = None,
    shape: dict | None = None,
    room: Room | None = None,
    quantity: int = 1,
    unit: str = "unit",
    note: str = "",
    device_ref: str | None = None,
) -> Item:
    """A Pengurus Barang records an acquisition: the item (as a draft) and its acquisition
    entry, waiting for approval by someone else. Nothing is written when anything is wrong."""
    _require(actor, PERM_DRAFT, _("Hanya Pengurus Barang yang menyusun entri BMD."))
    _scoped(actor, agency.pk)
    if agency.kind != "opd":
        raise Invalid(_("Barang milik daerah hanya dicatat pada OPD."))
    node = _code(code)
    amount = _money(value)
    if amount <= 0:
        raise Invalid(
            _("Nilai perolehan harus lebih dari nol."), errors={"value": [_("Harus > 0.")]}
        )
    _check_not_future(acquisition_date, "acquisition_date")
    _check_open(acquisition_date)
    if not name.strip():
        raise Invalid(_("Nama barang wajib diisi."), errors={"name": [_("Wajib diisi.")]})
    if condition not in Condition.values:
        raise Invalid(_("Kondisi tidak dikenal."))
    if origin not in Origin.values:
        raise Invalid(_("Asal usul tidak dikenal."))
    if room is not None and room.agency_id != agency.pk:
        raise Invalid(_("Ruang itu bukan milik OPD ini."), errors={"room": [_("Ruang lain OPD.")]})
    certificate_number = (certificate_number or "").strip()
    _check_certificate(certificate_number)
    if device_ref and Item.objects.filter(device_ref=device_ref).exists():
        raise Invalid(_("Perangkat itu sudah tertaut ke barang lain."))
    item = Item(
        agency=agency,
        code=node,
        kib=node.kib,
        name=name.strip()[:255],
        acquisition_date=acquisition_date,
        origin=origin,
        acquisition_value=amount,
        value=amount,
        condition=condition,
        details=_clean_details(node.kib, details),
        certificate_number=certificate_number,
        lat=lat,
        lon=lon,
        shape=shape,
        room=room,
        quantity=max(int(quantity or 1), 1),
        unit=unit or "unit",
        note=note,
        device_ref=device_ref or None,
        created_by=actor.user,
        **_locate(lat, lon),
    )
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise Invalid(_("Nomor sertifikat/dokumen atau perangkat sudah tercatat."))
    entry = LedgerEntry.objects.create(
        number=_entry_number(acquisition_date),
        item=item,
        kind=EntryKind.ACQUISITION,
        entry_date=acquisition_date,
        amount=amount,
        agency=agency,
        data={"code": node.code, "condition": condition},
        note=note,
        drafted_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="assets.item.draft",
        obj=item,
        changes={"code": node.code, "value": amount, "agency": agency.pk, "entry": entry.number},
    )
    _events("assets.entry.drafted", item, entry=entry.pk)
    return item


_DRAFTABLE = {
    EntryKind.TRANSFER,
    EntryKind.RECLASS,
    EntryKind.CORRECTION,
    EntryKind.MAINTENANCE,
    EntryKind.CONDITION,
    EntryKind.USAGE,
    EntryKind.USAGE_END,
    EntryKind.DISPOSAL,
}


@transaction.atomic
def entry_draft(
    *,
    actor: Actor,
    item: Item,
    kind: str,
    entry_date: date,
    amount: Any = 0,
    to_agency: Agency | None = None,
    data: dict | None = None,
    note: str = "",
) -> LedgerEntry:
    """A change to a recorded item, waiting for approval."""
    _require(actor, PERM_DRAFT, _("Hanya Pengurus Barang yang menyusun entri BMD."))
    _scoped(actor, item.agency_id)
    if kind not in _DRAFTABLE:
        raise Invalid(_("Jenis entri tidak dikenal."), errors={"kind": [_("Tidak dikenal.")]})
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.status != ItemStatus.ACTIVE:
        raise Conflict(_("Barang belum tercatat atau sudah dihapus."))
    _check_not_future(entry_date)
    _check_open(entry_date)
    if entry_date < item.acquisition_date:
        raise Invalid(_("Tanggal entri sebelum tanggal perolehan."))
    data = dict(data or {})
    money = _money(amount or 0, "amount")
    if kind == EntryKind.TRANSFER:
        if to_agency is None:
            raise Invalid(
                _("OPD tujuan mutasi wajib dipilih."), errors={"to_agency": [_("Wajib.")]}
            )
        if to_agency.pk == item.agency_id:
            raise Invalid(
                _("Mutasi ke OPD yang sama tidak dapat dibukukan."),
                errors={"to_agency": [_("Sama dengan OPD asal.")]},
            )
        if to_agency.kind != "opd":
            raise Invalid(_("Mutasi hanya antar-OPD Pemerintah Kota."))
        money = Decimal(0)
    elif kind == EntryKind.RECLASS:
        node = _code(data.get("code", ""))
        if node.pk == item.code_id:
            raise Invalid(_("Kode baru sama dengan kode sekarang."))
        data = {"code": node.code}
        money = Decimal(0)
    elif kind == EntryKind.CORRECTION:
        if money == 0:
            raise Invalid(_("Koreksi nilai tidak boleh nol."), errors={"amount": [_("Nol.")]})
        if item.value + money <= 0:
            raise Invalid(_("Koreksi membuat nilai barang menjadi nol atau negatif."))
    elif kind == EntryKind.MAINTENANCE:
        if money <= 0:
            raise Invalid(
                _("Nilai pemeliharaan harus lebih dari nol."), errors={"amount": [_("Harus > 0.")]}
            )
    elif kind == EntryKind.CONDITION:
        if data.get("condition") not in Condition.values:
            raise Invalid(_("Kondisi tidak dikenal."), errors={"condition": [_("Tidak dikenal.")]})
        if data["condition"] == item.condition:
            raise Invalid(_("Kondisi baru sama dengan kondisi sekarang."))
        data = {"condition": data["condition"]}
        money = Decimal(0)
    elif kind == EntryKind.USAGE:
        if data.get("usage") not in UsageKind.values or not str(data.get("party", "")).strip():
            raise Invalid(_("Bentuk pemanfaatan dan pihak pemakai wajib diisi."))
        if item.in_use_by:
            raise Conflict(_("Barang sedang dimanfaatkan pihak lain."))
        data = {
            "usage": data["usage"],
            "party": str(data["party"]).strip()[:150],
            "until": str(data.get("until", ""))[:10],
        }
        money = Decimal(0)
    elif kind == EntryKind.USAGE_END:
        if not item.in_use_by:
            raise Conflict(_("Barang tidak sedang dimanfaatkan pihak lain."))
        money = Decimal(0)
    elif kind == EntryKind.DISPOSAL:
        money = Decimal(0)
    if LedgerEntry.objects.filter(item=item, status=EntryStatus.DRAFT).exists():
        raise Conflict(_("Barang ini masih punya entri konsep yang menunggu persetujuan."))
    entry = LedgerEntry.objects.create(
        number=_entry_number(entry_date),
        item=item,
        kind=kind,
        entry_date=entry_date,
        amount=money,
        agency_id=item.agency_id,
        to_agency=to_agency if kind == EntryKind.TRANSFER else None,
        data=data,
        note=note,
        drafted_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="assets.entry.draft",
        obj=entry,
        changes={"item": item.pk, "kind": kind, "amount": money, "data": data},
    )
    _events("assets.entry.drafted", item, entry=entry.pk)
    return entry


def _entry_for_update(actor: Actor, entry_id: int) -> LedgerEntry:
    entry = (
        LedgerEntry.objects.select_for_update(of=("self",))
        .select_related("item", "reverses")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound(_("Entri tidak ditemukan."))
    _scoped(actor, entry.agency_id)
    return entry


def _apply(state: dict, entry: dict, on: date) -> None:
    """Fold one approved entry into an item's projected state (shared by approval and the
    rebuild, so the two can never disagree)."""
    kind = entry["kind"]
    data = entry["data"] or {}
    if kind == EntryKind.REVERSAL:
        original = entry["reversed"]
        _unapply(state, original)
    elif kind == EntryKind.ACQUISITION:
        state.update(
            status=ItemStatus.ACTIVE,
            agency_id=entry["agency_id"],
            code=data["code"],
            value=entry["amount"],
            condition=data.get("condition", Condition.GOOD),
            in_use_by="",
        )
        rule = rule_for(data["code"], on)
        state["life_semesters"] = (rule.life_years or 0) * 2
        state["depreciable"] = rule.depreciable
    elif kind == EntryKind.TRANSFER:
        state["agency_id"] = entry["to_agency_id"]
    elif kind == EntryKind.RECLASS:
        state["code"] = data["code"]
        rule = rule_for(data["code"], on)
        state["depreciable"] = rule.depreciable
        state["life_semesters"] = (rule.life_years or 0) * 2 + data.get("extra", 0)
    elif kind in (EntryKind.CORRECTION, EntryKind.MAINTENANCE):
        state["value"] = state["value"] + entry["amount"]
        state["life_semesters"] += int(data.get("extra_semesters", 0))
    elif kind == EntryKind.CONDITION:
        state["condition"] = data["condition"]
    elif kind == EntryKind.USAGE:
        state["in_use_by"] = f"{UsageKind(data['usage']).label}: {data['party']}"
    elif kind == EntryKind.USAGE_END:
        state["in_use_by"] = ""
    elif kind == EntryKind.DISPOSAL:
        state["status"] = ItemStatus.DISPOSED
    state["intra"] = _is_intra(state["code"], state["value"], state["acquisition_date"])


def _unapply(state: dict, original: dict) -> None:
    kind = original["kind"]
    before = (original["data"] or {}).get("before", {})
    if kind == EntryKind.ACQUISITION:
        state["status"] = ItemStatus.CANCELLED
    elif kind == EntryKind.TRANSFER:
        state["agency_id"] = original["agency_id"]
    elif kind == EntryKind.RECLASS:
        state["code"] = before["code"]
        state["depreciable"] = before["depreciable"]
        state["life_semesters"] = before["life_semesters"]
    elif kind in (EntryKind.CORRECTION, EntryKind.MAINTENANCE):
        state["value"] = state["value"] - original["amount"]
        state["life_semesters"] -= int((original["data"] or {}).get("extra_semesters", 0))
    elif kind == EntryKind.CONDITION:
        state["condition"] = before["condition"]
    elif kind in (EntryKind.USAGE, EntryKind.USAGE_END):
        state["in_use_by"] = before.get("in_use_by", "")
    elif kind == EntryKind.DISPOSAL:
        state["status"] = ItemStatus.ACTIVE


def _is_intra(code: str, value: Decimal, on: date) -> bool:
    rule = rule_for(code, on)
    return rule.threshold is None or value >= rule.threshold


PROJECTED = (
    "status",
    "agency_id",
    "code",
    "value",
    "condition",
    "in_use_by",
    "life_semesters",
    "depreciable",
    "intra",
)


def _state_of(item: Item) -> dict:
    return {
        "status": item.status,
        "agency_id": item.agency_id,
        "code": item.code.code,
        "value": item.value,
        "condition": item.condition,
        "in_use_by": item.in_use_by,
        "life_semesters": item.life_semesters,
        "depreciable": item.depreciable,
        "intra": item.intra,
        "acquisition_date": item.acquisition_date,
    }


def _entry_dict(entry: LedgerEntry) -> dict:
    return {
        "kind": entry.kind,
        "data": entry.data,
        "amount": entry.amount,
        "agency_id": entry.agency_id,
        "to_agency_id": entry.to_agency_id,
        "reversed": _entry_dict(entry.reverses) if entry.reverses is not None else None,
    }


def _store_state(item: Item, state: dict) -> None:
    codes = {state["code"]: item.code} if item.code.code == state["code"] else {}
    node = codes.get(state["code"]) or CodeNode.objects.get(code=state["code"])
    item.status = state["status"]
    item.agency_id = state["agency_id"]
    item.code = node
    item.kib = node.kib
    item.value = state["value"]
    item.condition = state["condition"]
    item.in_use_by = state["in_use_by"]
    item.life_semesters = state["life_semesters"]
    item.depreciable = state["depreciable"]
    item.intra = state["intra"]


@transaction.atomic
def entry_approve(*, actor: Actor, entry_id: int, note: str = "") -> LedgerEntry:
    """Approve a draft entry and apply it to the register. The approver is never the drafter;
    a second approval of the same entry finds it no longer a draft (row lock)."""
    _require(actor, PERM_APPROVE, _("Peran Anda tidak berhak menyetujui entri BMD."))
    entry = _entry_for_update(actor, entry_id)
    if entry.status != EntryStatus.DRAFT:
        raise Conflict(_("Entri ini sudah diputuskan."))
    if actor.user is not None and entry.drafted_by_id == actor.user.pk:
        raise NotAllowed(_("Entri harus disetujui oleh orang lain, bukan penyusunnya."))
    if entry.kind == EntryKind.TRANSFER and not may_see_agency(actor, entry.agency_id):
        raise NotFound(_("Entri tidak ditemukan."))
    _check_open(entry.entry_date)
    item = Item.objects.select_for_update().select_related("code", "agency").get(pk=entry.item_id)
    state = _state_of(item)
    # Before-values make every entry reversible without reading the register's history.
    entry.data = {
        **(entry.data or {}),
        "before": {
            "code": state["code"],
            "condition": state["condition"],
            "depreciable": state["depreciable"],
            "life_semesters": state["life_semesters"],
            "in_use_by": state["in_use_by"],
            "value": str(state["value"]),
        },
    }
    if entry.kind == EntryKind.MAINTENANCE:
        entry.data["extra_semesters"] = _extra_semesters(
            state["code"], item.acquisition_value, entry.amount
        )
    if entry.kind == EntryKind.RECLASS:
        entry.data["extra"] = max(
            state["life_semesters"]
            - (rule_for(state["code"], item.acquisition_date).life_years or 0) * 2,
            0,
        )
    original = entry.reversed_entry() if entry.kind == EntryKind.REVERSAL else None
    if original is not None:
        _check_reversible(item, original)
    _apply(state, _entry_dict(entry), item.acquisition_date)
    _store_state(item, state)
    if entry.kind == EntryKind.ACQUISITION:
        if not item.nibar:
            item.nibar = f"{entry.entry_date.year}{_next('nibar'):08d}"
        item.start_index = period_index(period_of(entry.entry_date))
    if entry.kind in (EntryKind.ACQUISITION, EntryKind.TRANSFER) or (
        original is not None and original.kind == EntryKind.TRANSFER
    ):
        # The register number follows the current OPD: re-issued on entering an OPD.
        item.register_no = _next(f"register-{item.agency_id}-{item.code_id}")
        item.entered_year = entry.entry_date.year
        if entry.kind == EntryKind.TRANSFER:
            item.room = None
    item.save()
    entry.status = EntryStatus.APPROVED
    entry.decided_by = actor.user
    entry.decided_at = timezone.now()
    entry.decision_note = note
    entry.applied_seq = _next("applied")
    entry.save()
    audit_record(
        actor=actor,
        action="assets.entry.approve",
        obj=entry,
        changes={"item": item.pk, "nibar": item.nibar, "kind": entry.kind, "amount": entry.amount},
    )
    _events("assets.entry.approved", item, entry=entry.pk)
    if entry.kind == EntryKind.CONDITION and item.condition == Condition.BROKEN:
        maintenance_open(
            actor=Actor.system("assets.kondisi_rusak"),
            item=item,
            reason="rusak",
            title=_("Dilaporkan rusak berat (%(n)s)") % {"n": entry.number},
        )
    if entry.to_agency_id:
        publish(
            "assets.entry.approved",
            {"item": item.pk, "entry": entry.pk},
            perm=PERM_VIEW,
            agency_ids=[entry.agency_id],
        )
    return entry


def _check_reversible(item: Item, original: LedgerEntry) -> None:
    if original.kind == EntryKind.TRANSFER and item.agency_id != original.to_agency_id:
        raise Conflict(_("Barang sudah berpindah lagi; balik mutasi terakhir lebih dulu."))
    newer = LedgerEntry.objects.filter(
        item=item, status=EntryStatus.APPROVED, applied_seq__gt=original.applied_seq
    ).exclude(kind=EntryKind.REVERSAL)
    if original.kind == EntryKind.ACQUISITION and newer.exists():
        raise Conflict(_("Perolehan hanya dapat dibalik sebelum ada entri lain pada barang."))


@transaction.atomic
def entry_reject(*, actor: Actor, entry_id: int, note: str) -> LedgerEntry:
    _require(actor, PERM_APPROVE, _("Peran Anda tidak berhak memutuskan entri BMD."))
    entry = _entry_for_update(actor, entry_id)
    if entry.status != EntryStatus.DRAFT:
        raise Conflict(_("Entri ini sudah diputuskan."))
    if not note.strip():
        raise Invalid(_("Alasan penolakan wajib diisi."), errors={"note": [_("Wajib diisi.")]})
    entry.status = EntryStatus.REJECTED
    entry.decided_by = actor.user
    entry.decided_at = timezone.now()
    entry.decision_note = note
    entry.save()
    if entry.kind == EntryKind.ACQUISITION:
        Item.objects.filter(pk=entry.item_id).update(status=ItemStatus.REJECTED)
    audit_record(actor=actor, action="assets.entry.reject", obj=entry, changes={"note": note})
    _events("assets.entry.rejected", entry.item, entry=entry.pk)
    return entry


@transaction.atomic
def entry_reverse(*, actor: Actor, entry_id: int, entry_date: date, note: str) -> LedgerEntry:
    """Draft a reversing entry of an approved one (the only way to correct the ledger)."""
    _require(actor, PERM_DRAFT, _("Hanya Pengurus Barang yang menyusun entri BMD."))
    entry = _entry_for_update(actor, entry_id)
    if entry.status != EntryStatus.APPROVED or entry.kind == EntryKind.REVERSAL:
        raise Conflict(_("Hanya entri yang disetujui (bukan pembalikan) yang dapat dibalik."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("Entri ini sudah dibalik."))
    if not note.strip():
        raise Invalid(_("Alasan pembalikan wajib diisi."), errors={"note": [_("Wajib diisi.")]})
    _check_not_future(entry_date)
    _check_open(entry_date)
    item = Item.objects.select_for_update().get(pk=entry.item_id)
    _scoped(actor, item.agency_id)
    _check_reversible(item, entry)
    reversal = LedgerEntry.objects.create(
        number=_entry_number(entry_date),
        item=item,
        kind=EntryKind.REVERSAL,
        entry_date=entry_date,
        amount=-entry.amount,
        agency_id=item.agency_id,
        reverses=entry,
        note=note,
        drafted_by=actor.user,
    )
    audit_record(
        actor=actor, action="assets.entry.reverse", obj=reversal, changes={"reverses": entry.number}
    )
    _events("assets.entry.drafted", item, entry=reversal.pk)
    return reversal


def register_rebuild(item_ids: Iterable[int] | None = None) -> dict[int, dict]:
    """The register as the fold of the approved ledger, per item (not written anywhere)."""
    items = Item.objects.all()
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    base = {row["id"]: row for row in items.values("id", "acquisition_date", "status")}
    scope = base.keys() if item_ids is not None else Item.objects.values_list("id", flat=True)
    entries = LedgerEntry.objects.filter(status=EntryStatus.APPROVED, item_id__in=scope).order_by(
        "applied_seq"
    )
    by_id: dict[int, dict] = {}
    states: dict[int, dict] = {}
    fields = ("id", "item_id", "kind", "data", "amount", "agency_id", "to_agency_id", "reverses_id")
    for row in entries.values(*fields).iterator(chunk_size=5000):
        row["reversed"] = by_id.get(row["reverses_id"]) if row["reverses_id"] else None
        by_id[row["id"]] = row
        info = base[row["item_id"]]
        state = states.get(row["item_id"])
        if state is None:
            state = states[row["item_id"]] = {
                "status": ItemStatus.DRAFT,
                "agency_id": None,
                "code": None,
                "value": Decimal(0),
                "condition": Condition.GOOD,
                "in_use_by": "",
                "life_semesters": 0,
                "depreciable": False,
                "intra": True,
                "acquisition_date": info["acquisition_date"],
            }
        _apply(state, row, info["acquisition_date"])
    sums = {
        row["item_id"]: row
        for row in DepreciationLine.objects.filter(item_id__in=states.keys())
        .values("item_id")
        .annotate(last=Max("period_index"))
        .values("item_id", "last")
    }
    from django.db.models import Sum

    totals = dict(
        DepreciationLine.objects.filter(item_id__in=states.keys())
        .values("item_id")
        .annotate(total=Sum("opening") + Sum("amount"))
        .values_list("item_id", "total")
    )
    for item_id, state in states.items():
        state.pop("acquisition_date", None)
        state["accumulated"] = Decimal(str(totals.get(item_id) or 0)).quantize(CENT)
        state["depreciated_through"] = sums[item_id]["last"] if item_id in sums else None
    return states


def register_differences(item_ids: Iterable[int] | None = None) -> list[tuple[int, str, Any, Any]]:
    """[(item, field, stored, rebuilt)] where the stored register differs from the ledger."""
    rebuilt = register_rebuild(item_ids)
    stored = Item.objects.filter(pk__in=list(rebuilt.keys())).values(
        "id",
        *[f for f in PROJECTED if f != "code"],
        "code__code",
        "accumulated",
        "depreciated_through",
    )
    problems = []
    for row in stored.iterator(chunk_size=5000):
        row["code"] = row.pop("code__code")
        expected = rebuilt[row["id"]]
        for key, want in expected.items():
            have = row[key]
            if isinstance(want, Decimal):
                have = Decimal(str(have)).quantize(CENT)
                want = want.quantize(CENT)
            if have != want:
                problems.append((row["id"], key, have, want))
    return problems


# --------------------------------------------------------------------------- depreciation


def _dep_sql(agency_id: int | None) -> tuple[str, str, str]:
    item = Item._meta.db_table
    line = DepreciationLine._meta.db_table
    scope = " AND agency_id = %s" if agency_id else ""
    line_scope = " AND agency_id_at = %s" if agency_id else ""
    # Table names come from the models; every value is a bound parameter.
    insert = f"""
INSERT INTO {line} (item_id, period_index, agency_id_at, opening, amount,
                    accumulated_after, book_after, previous_through)
SELECT id, %s, agency_id, opening, amount, prior + amount, value - prior - amount, through
FROM (
  SELECT id, agency_id, value, through, prior,
         CASE WHEN through IS NULL THEN prior ELSE 0 END AS opening,
         CASE WHEN value - prior <= 0 OR rem <= 0 THEN 0
              WHEN rem = 1 THEN value - prior
              ELSE ROUND((value - prior) * 1.0 / rem, 2) END AS amount
  FROM (
    SELECT id, agency_id, value, depreciated_through AS through,
           CASE WHEN depreciated_through IS NULL
                THEN ROUND(value * 1.0 * (CASE WHEN %s - start_index < life_semesters
                                          THEN %s - start_index ELSE life_semesters END)
                           / life_semesters, 2)
                ELSE accumulated END AS prior,
           life_semesters - (%s - start_index) AS rem
    FROM {item}
    WHERE status = 'active' AND depreciable = %s AND life_semesters > 0
      AND start_index <= %s
      AND (depreciated_through IS NULL OR depreciated_through < %s){scope}
  ) s1
) s2
"""  # noqa: S608
    # UPDATE … FROM (SQLite ≥ 3.33 and PostgreSQL): one join instead of a subquery per row.
    update = f"""
UPDATE {item} SET accumulated = l.accumulated_after, depreciated_through = l.period_index
FROM {line} l
WHERE l.item_id = {item}.id AND l.period_index = %s{line_scope.replace("agency_id_at", "l.agency_id_at")}
"""  # noqa: S608
    undo = f"""
UPDATE {item} SET accumulated = l.accumulated_after - l.opening - l.amount,
                  depreciated_through = l.previous_through
FROM {line} l
WHERE l.item_id = {item}.id AND l.period_index = %s{line_scope.replace("agency_id_at", "l.agency_id_at")}
"""  # noqa: S608
    return insert, update, undo


@transaction.atomic
def depreciation_run(*, actor: Actor, period: str, agency: Agency | None = None) -> DepreciationRun:
    """Straight-line depreciation of one semester for the city or one OPD, in three SQL
    statements whatever the number of items. Re-running the same semester first undoes its
    lines (idempotent); a locked semester, or one older than a semester already run, is
    refused."""
    _require(actor, "assets.run_depreciation", _("Hanya BPKAD yang menjalankan penyusutan."))
    if agency is not None:
        _scoped(actor, agency.pk)
    try:
        index = period_index(period)
    except (ValueError, IndexError):
        raise Invalid(_("Semester harus berbentuk TTTT-S1 atau TTTT-S2."))
    if SemesterLock.objects.filter(period=period).exists():
        raise Conflict(
            _("Semester %(p)s sudah dikunci; penyusutan tidak dapat diulang.") % {"p": period}
        )
    if period_end(index) > timezone.localdate() and period_of(timezone.localdate()) != period:
        raise Invalid(_("Semester %(p)s belum dimulai.") % {"p": period})
    later = DepreciationLine.objects.filter(period_index__gt=index)
    if agency is not None:
        later = later.filter(agency_id_at=agency.pk)
    if later.exists():
        raise Conflict(_("Sudah ada penyusutan semester sesudah %(p)s.") % {"p": period})
    started = _time.perf_counter()
    insert, update, undo = _dep_sql(agency.pk if agency else None)
    scope = [agency.pk] if agency else []
    with connection.cursor() as cursor:
        cursor.execute(undo, [index, *scope])
        lines = DepreciationLine.objects.filter(period_index=index)
        if agency is not None:
            lines = lines.filter(agency_id_at=agency.pk)
        lines._raw_delete(lines.db)
        cursor.execute(insert, [index, index, index, index, True, index, index, *scope])
        cursor.execute(update, [index, *scope])
    from django.db.models import Count, Sum

    totals = DepreciationLine.objects.filter(period_index=index)
    if agency is not None:
        totals = totals.filter(agency_id_at=agency.pk)
    summary = totals.aggregate(n=Count("id"), total=Sum("amount"), opening=Sum("opening"))
    run, created = DepreciationRun.objects.get_or_create(
        period=period, agency=agency, defaults={"run_by": actor.user}
    )
    if agency is None:
        DepreciationRun.objects.filter(period=period).exclude(pk=run.pk).delete()
    run.items = summary["n"] or 0
    run.total = Decimal(str(summary["total"] or 0)).quantize(CENT)
    run.seconds = _time.perf_counter() - started
    run.run_by = actor.user
    run.runs = 1 if created else run.runs + 1
    run.status = RunStatus.DONE
    run.save()
    audit_record(
        actor=actor,
        action="assets.depreciation.run",
        obj=run,
        object_repr=f"{period} {agency or _('seluruh kota')}",
        changes={
            "period": period,
            "agency": agency.pk if agency else None,
            "items": run.items,
            "total": run.total,
            "runs": run.runs,
        },
    )
    publish(
        "assets.depreciation.done",
        {"period": period},
        perm=PERM_VIEW,
        agency_ids=[agency.pk] if agency else ["*"],
    )
    return run


# --------------------------------------------------------------------------- attachments

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 40  # shown on one item
# The file's first bytes decide its type (the browser's type and the name are not trusted).
ATTACHMENT_TYPES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}


def _sniff_attachment(head: bytes) -> tuple[str, str]:
    for magic, kind in ATTACHMENT_TYPES.items():
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    raise Invalid(
        _("Lampiran harus berupa PDF, JPEG, PNG atau WebP (isi berkas diperiksa)."),
        errors={"file": [_("Jenis berkas tidak diterima.")]},
    )


@transaction.atomic
def attachment_add(
    *, actor: Actor, item_id: int, upload, kind: str, title: str = ""
) -> ItemAttachment:
    """Attach a document or photo to an item of the actor's OPD. The type comes from the
    file's content, the size is bounded, the stored name is ours; audited."""
    _require(actor, PERM_DRAFT, _("Hanya Pengurus Barang yang melampirkan dokumen BMD."))
    item = Item.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("Barang tidak ditemukan."))
    _scoped(actor, item.agency_id)
    if item.status in (ItemStatus.REJECTED, ItemStatus.CANCELLED):
        raise Conflict(_("Barang yang ditolak atau dibatalkan tidak diberi lampiran."))
    if kind not in AttachmentKind.values:
        raise Invalid(_("Jenis lampiran tidak dikenal."), errors={"kind": [_("Tidak dikenal.")]})
    if upload is None:
        raise Invalid(_("Pilih berkas lampiran."), errors={"file": [_("Wajib diisi.")]})
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_ATTACHMENT_BYTES:
        raise Invalid(
            _("Lampiran terlalu besar (maks. %(m)d MB).") % {"m": MAX_ATTACHMENT_BYTES // 1048576},
            errors={"file": [_("Terlalu besar.")]},
        )
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise Invalid(
            _("Lampiran terlalu besar (maks. %(m)d MB).") % {"m": MAX_ATTACHMENT_BYTES // 1048576},
            errors={"file": [_("Terlalu besar.")]},
        )
    if not data:
        raise Invalid(_("Berkas lampiran kosong."), errors={"file": [_("Kosong.")]})
    content_type, ext = _sniff_attachment(data[:16])
    if item.attachments.filter(removed_at__isnull=True).count() >= MAX_ATTACHMENTS:
        raise Conflict(
            _("Barang ini sudah punya %(n)d lampiran; hapus yang tidak diperlukan dulu.")
            % {"n": MAX_ATTACHMENTS}
        )
    from django.core.files.base import ContentFile

    original = str(getattr(upload, "name", "") or "")[:200]
    attachment = ItemAttachment(
        item=item,
        kind=kind,
        title=(title or "").strip()[:200] or str(AttachmentKind(kind).label),
        original_name=original,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor.user,
    )
    attachment.file.save(f"{kind}-{secrets.token_hex(8)}.{ext}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            attachment.save()
            audit_record(
                actor=actor,
                action="assets.attachment.add",
                obj=attachment,
                changes={
                    "item": item.pk,
                    "kind": kind,
                    "title": attachment.title,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                    "content_type": content_type,
                },
            )
    except Exception:
        attachment.file.delete(save=False)  # a failed write leaves no orphan file behind
        raise
    _events("assets.attachment.added", item, attachment=attachment.pk)
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Actor, attachment_id: int, reason: str) -> ItemAttachment:
    """Hide an attachment from the item (uploaded by mistake). The file is kept: what was
    once shown as evidence stays in the archive and in the backup."""
    _require(actor, PERM_DRAFT, _("Hanya Pengurus Barang yang mengelola lampiran BMD."))
    attachment = (
        ItemAttachment.objects.select_for_update(of=("self",))
        .select_related("item")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise NotFound(_("Lampiran tidak ditemukan."))
    _scoped(actor, attachment.item.agency_id)
    if attachment.removed_at is not None:
        raise Conflict(_("Lampiran ini sudah dihapus."))
    if not (reason or "").strip():
        raise Invalid(
            _("Alasan penghapusan lampiran wajib diisi."), errors={"reason": [_("Wajib.")]}
        )
    attachment.removed_at = timezone.now()
    attachment.removed_by = actor.user
    attachment.save(update_fields=["removed_at", "removed_by"])
    audit_record(
        actor=actor,
        action="assets.attachment.remove",
        obj=attachment,
        changes={"item": attachment.item_id, "title": attachment.title},
        note=reason.strip()[:300],
    )
    _events("assets.attachment.removed", attachment.item, attachment=attachment.pk)
    return attachment


@transaction.atomic
def maintenance_open(
    *, actor: Actor, item: Item, reason: str, title: str
) -> MaintenanceTask | None:
    """Open a maintenance task on an item unless one for the same reason is open."""
    if not actor.is_system:
        _require(actor, PERM_DRAFT)
        _scoped(actor, item.agency_id)
    if MaintenanceTask.objects.filter(item=item, reason=reason, status=TaskStatus.OPEN).exists():
        return None
    task = MaintenanceTask.objects.create(item=item, reason=reason, title=title[:200])
    audit_record(actor=actor, action="assets.task.open", obj=task, changes={"reason": reason})
    _events("assets.task.opened", item, task=task.pk)
    return task


@transaction.atomic
def maintenance_close(*, actor: Actor, task_id: int) -> MaintenanceTask:
    _require(actor, PERM_DRAFT)
    task = (
        MaintenanceTask.objects.select_for_update()
        .select_related("item")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound(_("Tugas tidak ditemukan."))
    _scoped(actor, task.item.agency_id)
    if task.status == TaskStatus.DONE:
        raise Conflict(_("Tugas sudah selesai."))
    task.status = TaskStatus.DONE
    task.closed_at = timezone.now()
    task.save()
    audit_record(actor=actor, action="assets.task.close", obj=task)
    return task


def devices_sweep() -> int:
    """Background job: every linked device that is offline (or has open alarms for a
    broken device) gets a maintenance task on its item; read through the registry."""
    from kendali.core.registry import asset_sources, run_selector

    actor = Actor.system("assets.devices_sweep")
    linked = {
        ref: pk
        for ref, pk in Item.objects.filter(
            device_ref__isnull=False, status=ItemStatus.ACTIVE
        ).values_list("device_ref", "id")
        if ref is not None  # always, by the filter; said for the type checker
    }
    if not linked:
        return 0
    opened = 0
    for source in asset_sources():
        refs = [ref for ref in linked if ref.startswith(source.key + ":")]
        if not refs:
            continue
        states = run_selector(source.states, refs=refs)
        for ref, state in states.items():
            if state.get("online") is False:
                item = Item.objects.get(pk=linked[ref])
                if maintenance_open(
                    actor=actor,
                    item=item,
                    reason="offline",
                    title=_("Perangkat luring: %(s)s") % {"s": state.get("summary", ref)},
                ):
                    opened += 1
    return opened


@transaction.atomic
def device_link(*, actor: Actor, item: Item, ref: str) -> Item:
    _require(actor, PERM_DRAFT)
    _scoped(actor, item.agency_id)
    if item.kib != "B":
        raise Invalid(_("Perangkat hanya ditautkan ke barang KIB B."))
    if Item.objects.filter(device_ref=ref).exclude(pk=item.pk).exists():
        raise Conflict(_("Perangkat itu sudah tertaut ke barang lain."))
    before = item.device_ref
    Item.objects.filter(pk=item.pk).update(device_ref=ref)
    item.device_ref = ref
    audit_record(
        actor=actor,
        action="assets.item.link_device",
        obj=item,
        changes={"device_ref": [before, ref]},
    )
    return item


# --------------------------------------------------------------------------- stock-taking


@transaction.atomic
def stocktake_plan(
    *, actor: Actor, agency: Agency, name: str, planned_for: date, room: Room | None = None
) -> StockTake:
    _require(
        actor, "assets.manage_stocktake", _("Peran Anda tidak berhak merencanakan inventarisasi.")
    )
    _scoped(actor, agency.pk)
    if room is not None and room.agency_id != agency.pk:
        raise Invalid(_("Ruang itu bukan milik OPD ini."))
    if not name.strip():
        raise Invalid(_("Nama kegiatan wajib diisi."))
    stocktake = StockTake.objects.create(
        agency=agency, room=room, name=name.strip(), planned_for=planned_for, created_by=actor.user
    )
    audit_record(
        actor=actor,
        action="assets.stocktake.plan",
        obj=stocktake,
        changes={"agency": agency.pk, "room": room.pk if room else None},
    )
    return stocktake


def _stocktake_for_update(actor: Actor, stocktake_id: int) -> StockTake:
    stocktake = StockTake.objects.select_for_update().filter(pk=stocktake_id).first()
    if stocktake is None or not may_see_agency(actor, stocktake.agency_id):
        raise NotFound(_("Inventarisasi tidak ditemukan."))
    return stocktake


@transaction.atomic
def stocktake_start(*, actor: Actor, stocktake_id: int) -> StockTake:
    _require(actor, "assets.manage_stocktake")
    stocktake = _stocktake_for_update(actor, stocktake_id)
    if stocktake.status != StockTakeStatus.PLANNED:
        raise Conflict(_("Inventarisasi sudah dimulai."))
    stocktake.status = StockTakeStatus.RUNNING
    stocktake.save(update_fields=["status"])
    audit_record(actor=actor, action="assets.stocktake.start", obj=stocktake)
    return stocktake


def stocktake_items(stocktake: StockTake):
    qs = Item.objects.filter(agency_id=stocktake.agency_id, status=ItemStatus.ACTIVE)
    if stocktake.room_id:
        qs = qs.filter(room_id=stocktake.room_id)
    return qs


@transaction.atomic
def scan_record(
    *,
    actor: Actor,
    stocktake_id: int,
    key: str,
    code: str,
    condition: str = "",
    note: str = "",
    lat: float | None = None,
    lon: float | None = None,
    photo: str = "",
    scanned_at: datetime | None = None,
    found_name: str = "",
    found_code: str = "",
    found_value: Any = None,
) -> tuple[StockTakeScan, bool]:
    """Record one scan. ``key`` is made by the page once per scan, so a scan sent again
    after a lost answer is recognised and not counted twice. Returns (scan, created).

    An item on site that is not in the register (no label, or a label the register does
    not know) is recorded with what the officer saw: ``found_name`` and, when known, its
    ``found_code`` and ``found_value``; it becomes a draft item (``found_item_draft``)."""
    _require(actor, "assets.manage_stocktake", _("Peran Anda tidak berhak mencatat inventarisasi."))
    key = (key or "").strip()[:64]
    if not key:
        raise Invalid(_("Kunci pemindaian wajib ada."))
    stocktake = _stocktake_for_update(actor, stocktake_id)
    existing = StockTakeScan.objects.filter(stocktake=stocktake, key=key).first()
    if existing is not None:
        return existing, False
    if stocktake.status != StockTakeStatus.RUNNING:
        raise Conflict(_("Inventarisasi tidak sedang berjalan."))
    if condition and condition not in Condition.values:
        raise Invalid(_("Kondisi tidak dikenal."))
    if photo and (not photo.startswith("data:image/") or len(photo) > 400_000):
        raise Invalid(_("Foto harus gambar kecil (maks. 300 KB)."))
    code = (code or "").strip()
    found_name = (found_name or "").strip()[:255]
    if not code and not found_name:
        raise Invalid(
            _("Isi kode pada label, atau uraian barang yang tidak berlabel."),
            errors={"code": [_("Wajib diisi.")]},
        )
    nibar = code.rsplit("/", 1)[-1].replace("BMD:", "").strip()
    item = Item.objects.filter(nibar=nibar).first() if nibar else None
    if item is None:
        result = ScanResult.UNREGISTERED
    elif stocktake_items(stocktake).filter(pk=item.pk).exists():
        result = ScanResult.FOUND
    else:
        result = ScanResult.OUT_OF_SCOPE
        if not may_see_agency(actor, item.agency_id):
            item = None  # another OPD's item is not named to this officer
    proposed: dict = {}
    if result == ScanResult.UNREGISTERED:
        proposed = {"name": found_name or note.strip()[:255]}
        if (found_code or "").strip():
            proposed["code"] = found_code.strip()[:24]
        if found_value not in (None, ""):
            proposed["value"] = str(_money(found_value, "found_value"))
    scan = StockTakeScan.objects.create(
        stocktake=stocktake,
        key=key,
        scanned_code=code[:80],
        item=item,
        proposed=proposed,
        result=result,
        condition=condition,
        note=note[:300],
        lat=lat,
        lon=lon,
        photo=photo,
        scanned_at=scanned_at or timezone.now(),
        scanned_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="assets.stocktake.scan",
        obj=stocktake,
        changes={"code": code[:80], "result": result, "key": key},
    )
    return scan, True


@transaction.atomic
def stocktake_close(*, actor: Actor, stocktake_id: int) -> dict:
    """Close the census; each difference becomes a draft entry for the approver:
    not found → draft penghapusan (to be investigated), a changed condition → draft
    perubahan kondisi, found but not registered → a draft acquisition of a new item (from
    the code and value given at the scan or completed on the census page). A find with
    neither, not dismissed with a reason, keeps the census open."""
    _require(actor, "assets.manage_stocktake")
    stocktake = _stocktake_for_update(actor, stocktake_id)
    if stocktake.status != StockTakeStatus.RUNNING:
        raise Conflict(_("Inventarisasi tidak sedang berjalan."))
    today = timezone.localdate()
    found_ids = set(
        stocktake.scans.filter(result=ScanResult.FOUND).values_list("item_id", flat=True)
    )
    drafted = {"not_found": 0, "condition": 0, "unregistered": 0}
    missing = list(stocktake_items(stocktake).exclude(pk__in=found_ids).order_by("pk"))
    stocktake.missing_ids = [item.pk for item in missing]
    for item in missing:
        if LedgerEntry.objects.filter(item=item, status=EntryStatus.DRAFT).exists():
            continue
        entry_draft(
            actor=actor,
            item=item,
            kind=EntryKind.DISPOSAL,
            entry_date=today,
            note=_("Tidak ditemukan pada %(s)s; perlu penelusuran sebelum penghapusan.")
            % {"s": stocktake.name},
        )
        drafted["not_found"] += 1
    latest: dict[int, str] = {}
    for scan in (
        stocktake.scans.filter(result=ScanResult.FOUND).exclude(condition="").order_by("scanned_at")
    ):
        if scan.item_id is None:  # scan_record finds only items of the register
            raise ValueError(f"scan {scan.pk} is a find without an item")
        latest[scan.item_id] = scan.condition
    for item in Item.objects.filter(pk__in=latest.keys()):
        if (
            latest[item.pk] != item.condition
            and not LedgerEntry.objects.filter(item=item, status=EntryStatus.DRAFT).exists()
        ):
            entry_draft(
                actor=actor,
                item=item,
                kind=EntryKind.CONDITION,
                entry_date=today,
                data={"condition": latest[item.pk]},
                note=stocktake.name,
            )
            drafted["condition"] += 1
    _auto, incomplete = _draft_finds(actor, stocktake, today)
    # Every find of this census drafted as a new item (on the page earlier, or just now).
    drafted["unregistered"] = (
        stocktake.scans.filter(drafted_item__isnull=False).values("drafted_item").distinct().count()
    )
    if incomplete:
        # Nothing of the close is kept (one transaction): a find is never dropped.
        raise Conflict(
            _(
                "Masih ada %(n)d temuan belum tercatat tanpa kode barang dan nilai; lengkapi "
                "(catat sebagai konsep) atau abaikan dengan alasan sebelum menutup."
            )
            % {"n": incomplete}
        )
    stocktake.status = StockTakeStatus.CLOSED
    stocktake.closed_at = timezone.now()
    stocktake.save(update_fields=["status", "closed_at", "missing_ids"])
    audit_record(actor=actor, action="assets.stocktake.close", obj=stocktake, changes=drafted)
    return drafted


def _open_finds(stocktake: StockTake):
    """Unregistered scans still waiting: neither drafted nor dismissed."""
    return (
        stocktake.scans.filter(result=ScanResult.UNREGISTERED, drafted_item__isnull=True)
        .exclude(proposed__has_key="dismissed")
        .order_by("scanned_at", "id")
    )


def _draft_finds(actor: Actor, stocktake: StockTake, day: date) -> tuple[int, int]:
    """Draft every open find that carries a code and a value; (drafted, still incomplete)."""
    drafted = incomplete = 0
    for scan in _open_finds(stocktake):
        scan.refresh_from_db(fields=["drafted_item"])
        if scan.drafted_item_id:  # drafted together with an earlier scan of the same label
            continue
        proposed = scan.proposed or {}
        if not (proposed.get("code") and proposed.get("value") and proposed.get("name")):
            incomplete += 1
            continue
        try:
            with transaction.atomic():
                found_item_draft(
                    actor=actor,
                    scan_id=scan.pk,
                    code=proposed["code"],
                    name=proposed["name"],
                    value=proposed["value"],
                    acquisition_date=day,
                    origin=Origin.OTHER,
                )
        except Invalid:
            incomplete += 1  # a code not in the tree: a person completes it on the page
        else:
            drafted += 1
    return drafted, incomplete


def _open_find_for_update(actor: Actor, scan_id: int) -> StockTakeScan:
    """An unregistered find still waiting, locked: two officers completing the same find
    at once cannot make two draft items of it."""
    _require(
        actor, "assets.manage_stocktake", _("Peran Anda tidak berhak mencatat hasil inventarisasi.")
    )
    scan = (
        StockTakeScan.objects.select_for_update(of=("self",))
        .select_related("stocktake", "stocktake__agency", "stocktake__room")
        .filter(pk=scan_id)
        .first()
    )
    if scan is None or not may_see_agency(actor, scan.stocktake.agency_id):
        raise NotFound(_("Pindaian tidak ditemukan."))
    if scan.result != ScanResult.UNREGISTERED:
        raise Conflict(_("Pindaian ini bukan temuan yang belum tercatat."))
    if scan.drafted_item_id or "dismissed" in (scan.proposed or {}):
        raise Conflict(_("Temuan ini sudah dicatat atau diabaikan."))
    return scan


@transaction.atomic
def found_item_draft(
    *,
    actor: Actor,
    scan_id: int,
    code: str,
    name: str,
    value: Any,
    acquisition_date: date,
    origin: str = Origin.OTHER,
    certificate_number: str = "",
    note: str = "",
) -> Item:
    """An item found on site but not in the register becomes a draft acquisition (the
    maker's draft; someone else approves it, and its NIBAR is issued then). Every scan of
    the same unknown label in the census points to the one draft; the scan's photo becomes
    the item's first condition photo."""
    scan = _open_find_for_update(actor, scan_id)
    stocktake = scan.stocktake
    item = item_draft(
        actor=actor,
        agency=stocktake.agency,
        code=code,
        name=name,
        acquisition_date=acquisition_date,
        value=value,
        origin=origin,
        condition=scan.condition or Condition.GOOD,
        certificate_number=certificate_number,
        lat=scan.lat,
        lon=scan.lon,
        room=stocktake.room,
        note=(
            _("Temuan inventarisasi %(s)s (belum tercatat; kode dipindai: %(c)s).")
            % {"s": stocktake.name, "c": scan.scanned_code or "—"}
            + (f" {note.strip()}" if note.strip() else "")
        ),
    )
    same = stocktake.scans.filter(
        result=ScanResult.UNREGISTERED, drafted_item__isnull=True
    ).exclude(proposed__has_key="dismissed")
    same = (
        same.filter(scanned_code=scan.scanned_code)
        if scan.scanned_code
        else same.filter(pk=scan.pk)
    )
    linked = same.update(drafted_item=item)
    if scan.photo.startswith("data:image/") and "," in scan.photo:
        _attach_scan_photo(actor, item, scan)
    audit_record(
        actor=actor,
        action="assets.stocktake.find_draft",
        obj=stocktake,
        changes={"scan": scan.pk, "item": item.pk, "code": code, "scans": linked},
    )
    return item


def _attach_scan_photo(actor: Actor, item: Item, scan: StockTakeScan) -> None:
    import base64
    import binascii

    from django.core.files.base import ContentFile

    try:
        data = base64.b64decode(scan.photo.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return  # the photo the page took is unreadable: the draft stands without it
    try:
        with transaction.atomic():
            attachment_add(
                actor=actor,
                item_id=item.pk,
                upload=ContentFile(data, name="pindaian.jpg"),
                kind=AttachmentKind.PHOTO,
                title=_("Foto saat inventarisasi"),
            )
    except Invalid:
        return


@transaction.atomic
def found_item_dismiss(*, actor: Actor, scan_id: int, reason: str) -> StockTakeScan:
    """A find that is not BMD after all (a private laptop, a duplicate scan): set aside with
    the reason, audited, so the census can close."""
    scan = _open_find_for_update(actor, scan_id)
    if scan.stocktake.status == StockTakeStatus.CLOSED:
        raise Conflict(_("Inventarisasi sudah ditutup."))
    if not (reason or "").strip():
        raise Invalid(_("Alasan wajib diisi."), errors={"reason": [_("Wajib diisi.")]})
    scan.proposed = {**(scan.proposed or {}), "dismissed": reason.strip()[:300]}
    scan.save(update_fields=["proposed"])
    audit_record(
        actor=actor,
        action="assets.stocktake.find_dismiss",
        obj=scan.stocktake,
        changes={"scan": scan.pk, "code": scan.scanned_code},
        note=reason.strip()[:300],
    )
    return scan
