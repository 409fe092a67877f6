"""Import a KIB from XLSX: the column names an OPD exports from SIMDA BMD (and that Kendali's
own KIB export writes), or any layout through a column mapping.

A dry run lists every problem per row and column; the import then writes all rows as draft
acquisitions of one batch, or nothing. The workbook is read in openpyxl's read-only mode,
row by row, so memory stays bounded whatever the file size. Formulas, merged cells, text in
number columns and files over ``MAX_ROWS`` rows are refused with a clear message.
"""

from __future__ import annotations

import re
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.assets.choices import KIB_FIELDS, Condition, EntryKind, EntryStatus, ItemStatus, Origin
from kendali.assets.models import (
    CodeNode,
    Counter,
    ImportBatch,
    Item,
    LedgerEntry,
    SemesterLock,
    period_index,
    period_of,
)
from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.models import Agency
from kendali.core.scope import may_see_agency

MAX_ROWS = 100_000
MAX_BYTES = 60 * 1024 * 1024

# field -> accepted header names (lower-case, compared without spaces/punctuation)
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("kode barang", "kode"),
    "name": ("nama barang", "nama/jenis barang", "jenis barang/nama barang", "uraian"),
    "nibar": ("nibar",),
    "register": ("no register", "nomor register", "register"),
    "acquisition_date": (
        "tanggal perolehan",
        "tgl perolehan",
        "tahun perolehan",
        "tahun pengadaan",
    ),
    "origin": ("asal usul", "asal-usul", "cara perolehan"),
    "condition": ("kondisi", "keadaan barang"),
    "quantity": ("jumlah",),
    "unit": ("satuan",),
    "certificate_number": ("nomor sertifikat/dokumen", "nomor sertifikat", "no sertifikat"),
    "value": ("nilai perolehan", "harga", "harga (rp)", "nilai perolehan (rp)"),
    "note": ("keterangan",),
}
REQUIRED = ("code", "name", "acquisition_date", "value")
FIELD_LABELS = {  # labels shown on the mapping step
    "code": gettext_lazy("Kode barang"),
    "name": gettext_lazy("Nama barang"),
    "nibar": "NIBAR",
    "acquisition_date": gettext_lazy("Tanggal/tahun perolehan"),
    "origin": gettext_lazy("Asal usul"),
    "condition": gettext_lazy("Kondisi"),
    "quantity": gettext_lazy("Jumlah"),
    "unit": gettext_lazy("Satuan"),
    "certificate_number": gettext_lazy("Nomor sertifikat/dokumen"),
    "value": gettext_lazy("Nilai perolehan (Rp)"),
    "note": gettext_lazy("Keterangan"),
}
CONDITIONS = {
    "b": "B",
    "baik": "B",
    "kb": "KB",
    "kurang baik": "KB",
    "rb": "RB",
    "rusak berat": "RB",
    "rusak": "RB",
}


def _norm(text: Any) -> str:
    return re.sub(r"[^a-z0-9/]+", " ", str(text or "").lower()).strip()


def _stash_dir() -> Path:
    path = Path(settings.BASE_DIR if hasattr(settings, "BASE_DIR") else ".") / "var" / "impor-bmd"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash(upload) -> str:
    if upload.size > MAX_BYTES:
        raise Invalid(_("Berkas lebih dari 60 MB."))
    if not upload.name.lower().endswith(".xlsx"):
        raise Invalid(_("Hanya berkas .xlsx yang dapat diimpor."))
    import time

    for old in _stash_dir().glob("*.xlsx"):
        if old.stat().st_mtime < time.time() - 86400:  # uploads left from earlier days
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    with open(_stash_dir() / f"{token}.xlsx", "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def stashed(token: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise Invalid(_("Berkas unggahan tidak dikenal; unggah lagi."))
    path = _stash_dir() / f"{token}.xlsx"
    if not path.exists():
        raise Invalid(_("Berkas unggahan sudah kedaluwarsa; unggah lagi."))
    return path


@dataclass
class Report:
    rows: int = 0
    ok: int = 0
    skipped: int = 0  # NIBAR already in the register (a re-import of an export)
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    total_value: Decimal = Decimal(0)
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, int] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)

    @property
    def shown_problems(self) -> list[tuple[int, str, str]]:
        return self.problems[:500]


def _has_merged_cells(path: Path) -> bool:
    # Read-only worksheets do not expose merged ranges; look for them in the sheet XML,
    # streaming it so a large file is never held in memory.
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                tail = b""
                with archive.open(name) as handle:
                    while chunk := handle.read(1 << 20):
                        if b"<mergeCell " in tail + chunk:
                            return True
                        tail = chunk[-20:]
    return False


def _open(path: Path):
    from openpyxl import load_workbook

    try:
        if _has_merged_cells(path):
            raise Invalid(
                _("Berkas berisi sel gabungan (merged cells); pisahkan sel lalu unggah lagi.")
            )
        wb = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError):
        raise Invalid(_("Berkas bukan XLSX yang valid."))
    ws = wb.worksheets[0]
    if (ws.max_row or 0) > MAX_ROWS + 20:
        wb.close()
        raise Invalid(
            _(
                "Berkas berisi %(n)d baris; batas satu impor %(m)d baris. Bagi per KIB atau per tahun."
            )
            % {"n": ws.max_row, "m": MAX_ROWS}
        )
    return wb, ws


def _columns(header: list[str], mapping: dict[str, str]) -> tuple[dict[str, int], dict[str, int]]:
    """(field -> column index, detail key -> column index)."""
    cols: dict[str, int] = {}
    normalised = [_norm(h) for h in header]
    for fieldname, names in HEADERS.items():
        wanted = mapping.get(fieldname)
        if wanted:
            if _norm(wanted) in normalised:
                cols[fieldname] = normalised.index(_norm(wanted))
            continue
        for i, h in enumerate(normalised):
            if h in names:
                cols[fieldname] = i
                break
    details: dict[str, int] = {}
    for kib_fields in KIB_FIELDS.values():
        for key, label, _kind in kib_fields:
            n = _norm(label)
            if n in normalised and key not in details:
                details[key] = normalised.index(n)
    return cols, details


def _rows(ws, mapping: dict[str, str]) -> tuple[list[str], dict, dict, int, Iterator]:
    it = ws.iter_rows(values_only=False)
    header: list[str] = []
    header_row = 0
    for n, row in enumerate(it, start=1):
        values = [c.value for c in row]
        normalised = {_norm(v) for v in values}
        if (
            normalised & set(HEADERS["code"])
            and normalised & set(HEADERS["name"])
            or (mapping and _norm(mapping.get("code", "")) in normalised)
        ):
            header = ["" if v is None else str(v) for v in values]
            header_row = n
            break
        if n > 15:
            break
    if not header:
        raise Invalid(
            _(
                "Baris judul kolom tidak ditemukan (perlu kolom 'Kode Barang' dan 'Nama Barang'); "
                "gunakan pemetaan kolom."
            )
        )
    cols, details = _columns(header, mapping)
    return header, cols, details, header_row, it


def _cell(row, index: int | None):
    if index is None or index >= len(row):
        return None
    return row[index]


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 1900 <= int(value) <= 2100:
        return date(int(value), 1, 1)  # a bare year (SIMDA's "Tahun Perolehan")
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        if re.fullmatch(r"\d{4}", text):
            return date(int(text), 1, 1)
    return None


def _origin(value) -> str:
    text = _norm(value)
    if not text:
        return Origin.APBD
    for choice in Origin:
        if text == choice.value or text in _norm(choice.label):
            return choice.value
    if "hibah" in text:
        return Origin.HIBAH
    if "beli" in text or "apbd" in text:
        return Origin.APBD
    return Origin.OTHER


def _check_rows(
    path: Path, agency: Agency, mapping: dict[str, str], report: Report, on_row=None
) -> None:
    wb, ws = _open(path)
    try:
        header, cols, details, header_row, it = _rows(ws, mapping)
        report.headers = header
        report.mapping = cols
        missing = [f for f in REQUIRED if f not in cols]
        if missing:
            raise Invalid(
                _("Kolom wajib tidak ditemukan: %(c)s. Petakan kolom berkas ke isian Kendali.")
                % {"c": ", ".join(str(FIELD_LABELS[f]) for f in missing)},
                errors={"columns": missing},
            )
        used = set(cols.values()) | set(details.values())
        report.unmapped = [
            h
            for i, h in enumerate(header)
            if i not in used
            and h
            and _norm(h)
            not in (
                "no",
                "kib",
                "no register",
                "ruang",
                "intra/ekstra",
                "nilai tercatat",
                "akumulasi penyusutan",
                "nilai buku",
            )
        ]
        codes = dict(CodeNode.objects.filter(level=7).values_list("code", "kib"))
        land_codes = dict(CodeNode.objects.filter(kib="A").values_list("code", "kib"))
        codes.update(land_codes)
        known_nibar = set()
        known_certs = set(
            Item.objects.exclude(certificate_number="")
            .exclude(status__in=[ItemStatus.REJECTED, ItemStatus.CANCELLED])
            .values_list("certificate_number", flat=True)
        )
        seen_certs: set[str] = set()
        locked = set(SemesterLock.objects.values_list("period", flat=True))
        today = timezone.localdate()
        for n, row in enumerate(it, start=header_row + 1):
            cells = list(row)
            values = [c.value for c in cells]
            if all(v in (None, "") for v in values):
                continue
            report.rows += 1
            if report.rows > MAX_ROWS:
                raise Invalid(_("Lebih dari %(m)d baris data.") % {"m": MAX_ROWS})
            problems: list[tuple[str, str]] = []
            for c in cells:
                if getattr(c, "data_type", None) == "f" or (
                    isinstance(c.value, str) and c.value.startswith("=")
                ):
                    problems.append(
                        (
                            header[c.column - 1] if c.column and c.column <= len(header) else "?",
                            _("berisi rumus; simpan sebagai nilai"),
                        )
                    )
            code = str(_cell(values, cols["code"]) or "").strip()
            kib = codes.get(code)
            if not code:
                problems.append(("Kode Barang", _("kosong")))
            elif kib is None:
                problems.append(
                    (
                        "Kode Barang",
                        _("%(c)s tidak ada dalam kodefikasi (atau bukan kode rinci)") % {"c": code},
                    )
                )
            name = str(_cell(values, cols["name"]) or "").strip()
            if not name:
                problems.append(("Nama Barang", _("kosong")))
            raw_value = _cell(values, cols["value"])
            value = None
            if isinstance(raw_value, bool) or not isinstance(raw_value, int | float | Decimal):
                problems.append(
                    ("Nilai Perolehan", _("bukan angka (%(v)s)") % {"v": str(raw_value)[:30]})
                )
            else:
                value = Decimal(str(raw_value)).quantize(Decimal("0.01"))
                if value <= 0:
                    problems.append(("Nilai Perolehan", _("harus lebih dari nol")))
            day = _parse_date(_cell(values, cols["acquisition_date"]))
            if day is None:
                problems.append(("Tanggal Perolehan", _("bukan tanggal")))
            elif day > today:
                problems.append(("Tanggal Perolehan", _("di masa depan")))
            elif period_of(day) in locked:
                problems.append(
                    ("Tanggal Perolehan", _("semester %(p)s terkunci") % {"p": period_of(day)})
                )
            condition_raw = _cell(values, cols.get("condition"))
            condition = (
                CONDITIONS.get(_norm(condition_raw), None) if condition_raw else Condition.GOOD
            )
            if condition is None:
                problems.append(("Kondisi", _("harus B, KB atau RB")))
            cert = str(_cell(values, cols.get("certificate_number")) or "").strip()
            nibar = str(_cell(values, cols.get("nibar")) or "").strip() or None
            qty = _cell(values, cols.get("quantity"))
            if qty is not None and not isinstance(qty, int | float):
                problems.append(("Jumlah", _("bukan angka")))
            detail_values = {}
            for key, index in details.items():
                v = _cell(values, index)
                if v not in (None, ""):
                    detail_values[key] = v.isoformat()[:10] if isinstance(v, date | datetime) else v
            if nibar and Item.objects.filter(nibar=nibar).exists():
                known_nibar.add(nibar)
                report.skipped += 1
                continue
            if cert:
                if cert in known_certs or cert in seen_certs:
                    problems.append(
                        ("Nomor Sertifikat/Dokumen", _("%(c)s sudah tercatat") % {"c": cert})
                    )
                seen_certs.add(cert)
            if problems or value is None:  # no value is always among the problems
                report.problems.extend((n, col, msg) for col, msg in problems)
                continue
            report.ok += 1
            report.total_value += value
            if on_row is not None:
                on_row(
                    {
                        "code": code,
                        "kib": kib,
                        "name": name[:255],
                        "value": value,
                        "day": day,
                        "origin": _origin(_cell(values, cols.get("origin"))),
                        "condition": condition,
                        "certificate_number": cert,
                        "nibar": nibar,
                        "quantity": int(qty or 1),
                        "unit": str(_cell(values, cols.get("unit")) or "unit")[:20],
                        "note": str(_cell(values, cols.get("note")) or "")[:1000],
                        "details": detail_values,
                    }
                )
    finally:
        wb.close()


def dry_run(*, path: Path, agency: Agency, mapping: dict[str, str] | None = None) -> Report:
    report = Report()
    _check_rows(path, agency, mapping or {}, report)
    return report


def _block(key: str, size: int) -> int:
    """Reserve ``size`` numbers of a sequence; returns the first."""
    Counter.objects.get_or_create(key=key)
    counter = Counter.objects.select_for_update().get(key=key)
    first = counter.value + 1
    counter.value += size
    counter.save(update_fields=["value"])
    return first


class BulkWriter:
    """Writes checked rows as draft items with their acquisition entries, 2,000 at a time
    (used by the XLSX import and the demo). The caller holds the transaction."""

    def __init__(self, *, actor: Actor, agency: Agency, batch: ImportBatch, note: str) -> None:
        self.actor, self.agency, self.batch, self.note = actor, agency, batch, note
        self.codes = dict(CodeNode.objects.values_list("code", "id"))
        self.items: list[Item] = []
        self.rows: list[dict] = []

    def add(self, row: dict) -> None:
        self.items.append(
            Item(
                agency=self.agency,
                code_id=self.codes[row["code"]],
                kib=row["kib"],
                name=row["name"],
                acquisition_date=row["day"],
                origin=row["origin"],
                acquisition_value=row["value"],
                value=row["value"],
                condition=row["condition"],
                certificate_number=row["certificate_number"],
                quantity=max(row["quantity"], 1),
                unit=row["unit"],
                note=row["note"],
                details=row["details"],
                lat=row.get("lat"),
                lon=row.get("lon"),
                kelurahan_id=row.get("kelurahan_id"),
                kecamatan_id=row.get("kecamatan_id"),
                room_id=row.get("room_id"),
                created_by=self.actor.user,
                import_batch=self.batch,
            )
        )
        self.rows.append(row)
        if len(self.items) >= 2000:
            self.flush()

    def flush(self) -> None:
        if not self.items:
            return
        Item.objects.bulk_create(self.items, batch_size=1000)
        year = timezone.localdate().year
        first = _block(f"entry-{year}", len(self.items))
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    number=f"BMD-{year}-{first + i:07d}",
                    item=item,
                    kind=EntryKind.ACQUISITION,
                    entry_date=row["day"],
                    amount=row["value"],
                    agency=self.agency,
                    data={
                        "code": row["code"],
                        "condition": row["condition"],
                        "imported_nibar": row.get("nibar"),
                    },
                    note=self.note,
                    drafted_by=self.actor.user,
                    import_batch=self.batch,
                )
                for i, (item, row) in enumerate(zip(self.items, self.rows, strict=True))
            ],
            batch_size=1000,
        )
        self.batch.rows += len(self.items)
        self.items.clear()
        self.rows.clear()


@transaction.atomic
def import_commit(
    *, actor: Actor, path: Path, agency: Agency, mapping: dict[str, str] | None = None
) -> ImportBatch:
    """Write every row as a draft acquisition of one batch, or nothing at all."""
    if not actor.has_perm("assets.import_items"):
        raise NotAllowed(_("Peran Anda tidak berhak mengimpor KIB."))
    if not may_see_agency(actor, agency.pk):
        raise NotFound(_("OPD tidak ditemukan."))
    check = dry_run(path=path, agency=agency, mapping=mapping)
    if check.problems:
        raise Invalid(
            _("Berkas masih bermasalah (%(n)d catatan); tidak ada yang diimpor.")
            % {"n": len(check.problems)}
        )
    if not check.ok:
        raise Invalid(_("Tidak ada baris baru untuk diimpor."))
    batch = ImportBatch.objects.create(agency=agency, filename=path.name, created_by=actor.user)
    writer = BulkWriter(
        actor=actor, agency=agency, batch=batch, note=_("Impor %(f)s") % {"f": path.name}
    )
    on_row = writer.add
    report = Report()
    _check_rows(path, agency, mapping or {}, report, on_row=on_row)
    writer.flush()
    batch.save(update_fields=["rows"])
    audit_record(
        actor=actor,
        action="assets.import.commit",
        obj=batch,
        object_repr=f"impor {path.name}",
        changes={"rows": report.ok, "agency": agency.pk, "value": report.total_value},
    )
    return batch


@transaction.atomic
def batch_approve(*, actor: Actor, batch_id: int) -> int:
    """Approve every draft acquisition of an import batch at once (a different person than
    the importer): NIBAR from the file when it had one, else a new one."""
    from kendali.assets.services import _is_intra, rule_for

    if not actor.has_perm("assets.approve_entry"):
        raise NotAllowed(_("Peran Anda tidak berhak menyetujui entri BMD."))
    batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None or not may_see_agency(actor, batch.agency_id):
        raise NotFound(_("Batch impor tidak ditemukan."))
    if batch.approved_at:
        raise Conflict(_("Batch ini sudah disetujui."))
    if actor.user is not None and batch.created_by_id == actor.user.pk:
        raise NotAllowed(_("Entri harus disetujui oleh orang lain, bukan penyusunnya."))
    entries = list(
        LedgerEntry.objects.filter(import_batch=batch, status=EntryStatus.DRAFT).select_related(
            "item", "item__code"
        )
    )
    locked = {period_of(e.entry_date) for e in entries} & set(
        SemesterLock.objects.values_list("period", flat=True)
    )
    if locked:
        raise Invalid(
            _("Ada entri di semester terkunci: %(p)s.") % {"p": ", ".join(sorted(locked))}
        )
    now = timezone.now()
    first_seq = _block("applied", len(entries))
    fresh = [e for e in entries if not (e.data or {}).get("imported_nibar")]
    first_nibar = _block("nibar", len(fresh)) if fresh else 0
    registers: dict[tuple[int, int], list[Item]] = {}
    items = []
    k = 0
    for i, entry in enumerate(entries):
        item = entry.item
        rule = rule_for(item.code.code, item.acquisition_date)
        item.status = ItemStatus.ACTIVE
        item.life_semesters = (rule.life_years or 0) * 2
        item.depreciable = rule.depreciable
        item.intra = _is_intra(item.code.code, item.value, item.acquisition_date)
        item.start_index = period_index(period_of(entry.entry_date))
        imported = (entry.data or {}).get("imported_nibar")
        if imported:
            item.nibar = imported
        else:
            item.nibar = f"{entry.entry_date.year}{first_nibar + k:08d}"
            k += 1
        item.entered_year = entry.entry_date.year
        registers.setdefault((item.agency_id, item.code_id), []).append(item)
        entry.status = EntryStatus.APPROVED
        entry.decided_by = actor.user
        entry.decided_at = now
        entry.applied_seq = first_seq + i
        entry.data = {
            **entry.data,
            "before": {
                "code": item.code.code,
                "condition": item.condition,
                "depreciable": False,
                "life_semesters": 0,
                "in_use_by": "",
                "value": "0",
            },
        }
        items.append(item)
    for (agency_id, code_id), group in registers.items():
        start = _block(f"register-{agency_id}-{code_id}", len(group))
        for j, item in enumerate(group):
            item.register_no = start + j
    Item.objects.bulk_update(
        items,
        [
            "status",
            "life_semesters",
            "depreciable",
            "intra",
            "start_index",
            "nibar",
            "entered_year",
            "register_no",
        ],
        batch_size=1000,
    )
    LedgerEntry.objects.bulk_update(
        entries, ["status", "decided_by", "decided_at", "applied_seq", "data"], batch_size=1000
    )
    batch.approved_by = actor.user
    batch.approved_at = now
    batch.save(update_fields=["approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="assets.import.approve",
        obj=batch,
        object_repr=f"impor {batch.filename}",
        changes={"rows": len(entries)},
    )
    return len(entries)
