"""The official BMD reports as XLSX (real numbers and dates in cells, written in openpyxl's
streaming mode to a temporary file) and PDF.

Sheet codes follow the Lampiran of Permendagri 47/2021 where known: III.K.2 (KIR),
IV.L.4.1/IV.L.4.3 (Rekapitulasi Mutasi per SKPD / pemda), IV.L.4.2/IV.L.4.4 (Laporan BMD
per SKPD / pemda, used for the LBPS and LBPT). KIB A–F and the Buku Inventaris carry no
confirmed annex code and are titled by name.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from kendali.assets.choices import KIB_FIELDS, EntryKind, EntryStatus, ItemStatus, Kib, kib_of_code
from kendali.assets.models import (
    DepreciationLine,
    Item,
    LedgerEntry,
    Room,
    StockTakeScan,
    period_end,
    period_index,
    period_name,
    period_start,
)
from kendali.assets.pdf import Pdf
from kendali.core.actors import Actor
from kendali.core.errors import Invalid, NotFound
from kendali.core.models import Agency
from kendali.core.scope import may_see_agency, visible_agencies

# key: (title, code for one OPD, code for the city, needs)
CATALOGUE = {
    **{
        f"kib_{k.lower()}": (f"Kartu Inventaris Barang (KIB) {k}", "", "", "opd")
        for k in Kib.values
    },
    "kir": ("Kartu Inventaris Ruangan (KIR)", "III.K.2", "III.K.2", "room"),
    "buku_inventaris": ("Buku Inventaris", "", "", "opd"),
    "rekap_mutasi": ("Rekapitulasi Mutasi Tambah-Kurang BMD", "IV.L.4.1", "IV.L.4.3", "period"),
    "lbps": ("Laporan Barang Pengguna Semesteran (LBPS)", "IV.L.4.2", "IV.L.4.4", "period"),
    "lbpt": ("Laporan Barang Pengguna Tahunan (LBPT)", "IV.L.4.2", "IV.L.4.4", "year"),
    "penyusutan": ("Daftar Penyusutan BMD", "", "", "period"),
}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column headers of a KIB sheet; the importer reads the same names.
BASE_COLUMNS = ["No", "Kode Barang", "Nama Barang", "NIBAR", "No Register"]
TAIL_COLUMNS = [
    "Tanggal Perolehan",
    "Asal Usul",
    "Kondisi",
    "Jumlah",
    "Satuan",
    "Nomor Sertifikat/Dokumen",
    "Ruang",
    "Intra/Ekstra",
    "Nilai Perolehan",
    "Nilai Tercatat",
    "Akumulasi Penyusutan",
    "Nilai Buku",
    "Keterangan",
]


@dataclass(frozen=True)
class Spec:
    kind: str
    agency: Agency | None  # None: the whole city
    room: Room | None = None
    start: date | None = None
    end: date | None = None
    period: str = ""

    @property
    def title(self) -> str:
        return CATALOGUE[self.kind][0]

    @property
    def code(self) -> str:
        entry = CATALOGUE[self.kind]
        return entry[1] if self.agency else entry[2]

    @property
    def scope_name(self) -> str:
        if self.room:
            return f"{self.room.agency.name} — {self.room.code} {self.room.name}"
        return self.agency.name if self.agency else _("Pemerintah Kota Serang (seluruh OPD)")

    def dates(self) -> tuple[date, date]:
        """First and last day of a semester or year report (spec_of sets both)."""
        if self.start is None or self.end is None:
            raise ValueError(f"report {self.kind} has no period")
        return self.start, self.end

    def filename(self, ext: str) -> str:
        who = self.agency.code if self.agency else "kota-serang"
        return f"{self.kind}-{who}{('-' + self.period) if self.period else ''}.{ext}"


def spec_from(*, actor: Actor, params) -> Spec:
    kind = params.get("kind", "")
    if kind not in CATALOGUE:
        raise Invalid(_("Jenis laporan tidak dikenal."))
    needs = CATALOGUE[kind][3]
    agency = None
    if params.get("opd"):
        agency = Agency.objects.filter(pk=params.get("opd"), kind="opd").first()
        if agency is None or not may_see_agency(actor, agency.pk):
            raise NotFound(_("OPD tidak ditemukan."))
    elif isinstance(ids := visible_agencies(actor), frozenset):  # bound to an OPD: its own
        agency = Agency.objects.filter(pk__in=list(ids)).first() if ids else None
        if agency is None:
            raise NotFound(_("OPD tidak ditemukan."))
    room = None
    if needs == "room":
        room = Room.objects.select_related("agency").filter(pk=params.get("room") or 0).first()
        if room is None or not may_see_agency(actor, room.agency_id):
            raise NotFound(_("Ruang tidak ditemukan."))
        agency = room.agency
    start = end = None
    period = ""
    if needs == "period":
        period = params.get("period", "")
        try:
            index = period_index(period)
        except (ValueError, IndexError):
            raise Invalid(_("Semester harus berbentuk TTTT-S1 atau TTTT-S2."))
        start, end = period_start(index), period_end(index)
    elif needs == "year":
        try:
            year = int(params.get("year", ""))
        except ValueError:
            raise Invalid(_("Tahun tidak valid."))
        start, end, period = date(year, 1, 1), date(year, 12, 31), str(year)
    return Spec(kind=kind, agency=agency, room=room, start=start, end=end, period=period)


# --------------------------------------------------------------------------- rows


def _item_rows(spec: Spec, kib: str | None) -> tuple[list[str], Iterator[list]]:
    fields = KIB_FIELDS.get(kib, []) if kib else []
    header = [*BASE_COLUMNS, *[str(label) for _k, label, _t in fields], *TAIL_COLUMNS]
    if not kib:
        header.insert(1, "KIB")
    qs = Item.objects.filter(status=ItemStatus.ACTIVE)
    if spec.agency:
        qs = qs.filter(agency=spec.agency)
    if spec.room:
        qs = qs.filter(room=spec.room)
    if kib:
        qs = qs.filter(kib=kib)
    values = qs.order_by("kib", "code__code", "register_no", "id").values_list(
        "kib",
        "code__code",
        "name",
        "nibar",
        "register_no",
        "details",
        "acquisition_date",
        "origin",
        "condition",
        "quantity",
        "unit",
        "certificate_number",
        "room__code",
        "intra",
        "acquisition_value",
        "value",
        "accumulated",
        "note",
    )

    def rows() -> Iterator[list]:
        for n, r in enumerate(values.iterator(chunk_size=2000), start=1):
            (
                k,
                code,
                name,
                nibar,
                reg,
                details,
                acq,
                origin,
                cond,
                qty,
                unit,
                cert,
                room,
                intra,
                acq_value,
                value,
                acc,
                note,
            ) = r
            value, acc, acq_value = Decimal(value), Decimal(acc), Decimal(acq_value)
            row = [n, code, name, nibar, reg]
            if not kib:
                row.insert(1, k)
            row += [details.get(key) for key, _l, _t in fields]
            row += [
                acq,
                origin,
                cond,
                qty,
                unit,
                cert,
                room or "",
                "Intra" if intra else "Ekstra",
                acq_value,
                value,
                acc,
                value - acc,
                note,
            ]
            yield row

    return header, rows()


def movements(*, start: date, end: date, agency_ids: set[int] | None) -> dict:
    """Mutasi tambah/kurang per (OPD, KIB) between two dates from the approved ledger:
    opening balance (before ``start``), additions, reductions; counts and values."""
    table: dict = defaultdict(
        lambda: {
            "awal_n": 0,
            "awal_v": Decimal(0),
            "tambah_n": 0,
            "tambah_v": Decimal(0),
            "kurang_n": 0,
            "kurang_v": Decimal(0),
        }
    )
    by_id: dict[int, Mapping[str, Any]] = {}
    qs = LedgerEntry.objects.filter(status=EntryStatus.APPROVED, entry_date__lte=end).order_by(
        "applied_seq"
    )
    for e in qs.values(
        "id", "kind", "amount", "agency_id", "to_agency_id", "data", "reverses_id", "entry_date"
    ).iterator(chunk_size=5000):
        by_id[e["id"]] = e
        moves = (
            _moves(e)
            if e["kind"] != EntryKind.REVERSAL
            else [
                (a, k, -n, -v) for a, k, n, v in _moves(by_id.get(e["reverses_id"], {"kind": ""}))
            ]
        )
        before = e["entry_date"] < start
        for agency_id, kib, n, v in moves:
            if agency_ids is not None and agency_id not in agency_ids:
                continue
            cell = table[(agency_id, kib)]
            if before:
                cell["awal_n"] += n
                cell["awal_v"] += v
            elif v > 0 or (v == 0 and n > 0):
                cell["tambah_n"] += max(n, 0)
                cell["tambah_v"] += v
            else:
                cell["kurang_n"] += max(-n, 0)
                cell["kurang_v"] += -v
    return table


def _moves(e: Mapping[str, Any]) -> list[tuple[int, str, int, Decimal]]:
    kind, data = e["kind"], e.get("data") or {}
    before = data.get("before", {})
    value = Decimal(str(before.get("value", 0)))
    kib_before = kib_of_code(before.get("code", "")) or ""
    amount = Decimal(str(e.get("amount") or 0))
    if kind == EntryKind.ACQUISITION:
        return [(e["agency_id"], kib_of_code(data["code"]) or "", 1, amount)]
    if kind == EntryKind.TRANSFER:
        return [(e["agency_id"], kib_before, -1, -value), (e["to_agency_id"], kib_before, 1, value)]
    if kind == EntryKind.RECLASS:
        return [
            (e["agency_id"], kib_before, -1, -value),
            (e["agency_id"], kib_of_code(data["code"]) or "", 1, value),
        ]
    if kind in (EntryKind.CORRECTION, EntryKind.MAINTENANCE):
        return [(e["agency_id"], kib_before, 0, amount)]
    if kind == EntryKind.DISPOSAL:
        return [(e["agency_id"], kib_before, -1, -value)]
    return []


def _agency_ids(spec: Spec) -> set[int] | None:
    return {spec.agency.pk} if spec.agency else None


def _names() -> dict[int, str]:
    return dict(Agency.objects.values_list("id", "short_name"))


def _mutasi_rows(spec: Spec):
    header = [
        "OPD",
        "Golongan (KIB)",
        "Saldo Awal (unit)",
        "Saldo Awal (Rp)",
        "Tambah (unit)",
        "Tambah (Rp)",
        "Kurang (unit)",
        "Kurang (Rp)",
        "Saldo Akhir (unit)",
        "Saldo Akhir (Rp)",
    ]
    start, end = spec.dates()
    table = movements(start=start, end=end, agency_ids=_agency_ids(spec))
    names = _names()

    def rows():
        for (agency_id, kib), c in sorted(
            table.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0][1])
        ):
            yield [
                names.get(agency_id, ""),
                Kib(kib).label if kib else "",
                c["awal_n"],
                c["awal_v"],
                c["tambah_n"],
                c["tambah_v"],
                c["kurang_n"],
                c["kurang_v"],
                c["awal_n"] + c["tambah_n"] - c["kurang_n"],
                c["awal_v"] + c["tambah_v"] - c["kurang_v"],
            ]

    return header, rows()


def _lbp_rows(spec: Spec):
    header = [
        "OPD",
        "Golongan (KIB)",
        "Saldo Awal (Rp)",
        "Mutasi Tambah (Rp)",
        "Mutasi Kurang (Rp)",
        "Saldo Akhir (unit)",
        "Saldo Akhir (Rp)",
        "Akumulasi Penyusutan (Rp)",
        "Nilai Buku (Rp)",
    ]
    start, end = spec.dates()
    table = movements(start=start, end=end, agency_ids=_agency_ids(spec))
    last = period_index(f"{end.year}-S{1 if end.month <= 6 else 2}")
    dep = DepreciationLine.objects.filter(period_index__lte=last)
    if spec.agency:
        dep = dep.filter(agency_id_at=spec.agency.pk)
    acc: dict = defaultdict(Decimal)
    for r in dep.values("agency_id_at", "item__kib").annotate(o=Sum("opening"), a=Sum("amount")):
        acc[(r["agency_id_at"], r["item__kib"])] += Decimal(str(r["o"] or 0)) + Decimal(
            str(r["a"] or 0)
        )
    names = _names()

    def rows():
        keys = sorted(set(table) | set(acc), key=lambda k: (names.get(k[0], ""), k[1]))
        for key in keys:
            c = table[key]
            closing = c["awal_v"] + c["tambah_v"] - c["kurang_v"]
            yield [
                names.get(key[0], ""),
                Kib(key[1]).label if key[1] else "",
                c["awal_v"],
                c["tambah_v"],
                c["kurang_v"],
                c["awal_n"] + c["tambah_n"] - c["kurang_n"],
                closing,
                acc[key],
                closing - acc[key],
            ]

    return header, rows()


def _dep_rows(spec: Spec):
    header = [
        "NIBAR",
        "Kode Barang",
        "Nama Barang",
        "OPD",
        "Nilai (Rp)",
        "Penyusutan s.d. semester lalu (Rp)",
        "Penyusutan semester ini (Rp)",
        "Akumulasi (Rp)",
        "Nilai Buku (Rp)",
        "Masa Manfaat (semester)",
    ]
    qs = DepreciationLine.objects.filter(period_index=period_index(spec.period))
    if spec.agency:
        qs = qs.filter(agency_id_at=spec.agency.pk)
    names = _names()
    values = qs.order_by("item__code__code", "item__nibar").values_list(
        "item__nibar",
        "item__code__code",
        "item__name",
        "agency_id_at",
        "item__value",
        "opening",
        "amount",
        "accumulated_after",
        "book_after",
        "item__life_semesters",
    )

    def rows():
        for r in values.iterator(chunk_size=2000):
            before = Decimal(r[7]) - Decimal(r[6])
            yield [
                r[0],
                r[1],
                r[2],
                names.get(r[3], ""),
                Decimal(r[4]),
                before,
                Decimal(r[6]),
                Decimal(r[7]),
                Decimal(r[8]),
                r[9],
            ]

    return header, rows()


def rows_for(spec: Spec):
    if spec.kind.startswith("kib_"):
        return _item_rows(spec, spec.kind[-1].upper())
    if spec.kind in ("kir", "buku_inventaris"):
        return _item_rows(spec, None)
    if spec.kind == "rekap_mutasi":
        return _mutasi_rows(spec)
    if spec.kind in ("lbps", "lbpt"):
        return _lbp_rows(spec)
    return _dep_rows(spec)


# --------------------------------------------------------------------------- writers


def _heading_lines(spec: Spec) -> list[str]:
    lines = [
        "PEMERINTAH KOTA SERANG",
        (spec.title + (f" — Lampiran {spec.code}" if spec.code else "")).upper(),
        f"OPD/Unit: {spec.scope_name}",
    ]
    if spec.start:
        lines.append(f"Periode: {spec.start:%d-%m-%Y} s.d. {spec.end:%d-%m-%Y}")
    return lines


def write_xlsx(spec: Spec, target) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    title = (spec.code or spec.title)[:31].replace("/", "-")
    ws = wb.create_sheet(title=title)
    bold = Font(bold=True)
    for line in _heading_lines(spec):
        cell = WriteOnlyCell(ws, value=line)
        cell.font = bold
        ws.append([cell])
    ws.append([])
    header, rows = rows_for(spec)
    ws.append([WriteOnlyCell(ws, value=h) for h in header])
    date_cols = {i for i, h in enumerate(header) if h.startswith("Tanggal")}
    for row in rows:
        out = []
        for i, value in enumerate(row):
            if isinstance(value, Decimal):
                value = float(value)
            elif i in date_cols and isinstance(value, str) and len(value) == 10:
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    pass
            elif value is not None and not isinstance(value, int | float | str | date):
                value = str(value)
            out.append(value)
        ws.append(out)
    wb.save(target)


def write_pdf(spec: Spec, limit: int = 5000) -> bytes:
    header, rows = rows_for(spec)
    pdf = Pdf(landscape=True)
    for i, line in enumerate(_heading_lines(spec)):
        if i < 2:
            pdf.heading(line, size=11)
        else:
            pdf.line(line)
    width = pdf.width - 2 * pdf.margin
    widths = [width / len(header)] * len(header)
    out = []
    for n, row in enumerate(rows):
        if n >= limit:
            break
        out.append([_fmt(v) for v in row])
    pdf.table(header, out, widths)
    if len(out) >= limit:
        pdf.line(_("… dipotong pada %(n)d baris; unduh XLSX untuk daftar lengkap.") % {"n": limit})
    return pdf.output()


def _fmt(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return "" if value is None else str(value)


def render(*, actor: Actor, spec: Spec, fmt: str):
    """(file-like, filename, content type). XLSX is written to a temporary file and streamed."""
    from kendali.core.audit import audit_record

    audit_record(
        actor=actor,
        action="assets.report.download",
        object_type="assets.report",
        object_id=spec.kind,
        object_repr=spec.filename(fmt),
        changes={"agency": spec.agency.pk if spec.agency else None, "period": spec.period},
    )
    if fmt == "pdf":
        import io

        return io.BytesIO(write_pdf(spec)), spec.filename("pdf"), "application/pdf"
    handle = tempfile.TemporaryFile()
    write_xlsx(spec, handle)
    handle.seek(0)
    return handle, spec.filename("xlsx"), XLSX


def period_label(index: int) -> str:
    return period_name(index)


# --------------------------------------------------------------------------- stock-take result

LKI_HEADER = [
    "No",
    "Kode Barang",
    "Nama Barang",
    "NIBAR",
    "KIB",
    "Ruang",
    "Kondisi Tercatat",
    "Nilai Tercatat",
    "Hasil",
    "Kondisi Hasil Inventarisasi",
    "Tanggal Pindai",
    "Keterangan",
]


def _stocktake_expected(stocktake) -> list[Item]:
    from kendali.assets.models import StockTakeScan
    from kendali.assets.services import stocktake_items

    found = StockTakeScan.objects.filter(stocktake=stocktake, result="found").values("item_id")
    if stocktake.status == "closed":
        ids = Q(pk__in=found) | Q(pk__in=list(stocktake.missing_ids or []))
        qs = Item.objects.filter(ids)
    else:
        qs = stocktake_items(stocktake)
    return list(qs.select_related("code", "room").order_by("code__code", "nibar"))


def write_stocktake_xlsx(*, actor: Actor, stocktake, target) -> None:
    """Lembar Kerja Inventarisasi (III.A) and Laporan Hasil Inventarisasi (III.B) of one
    census: every expected item found or not, the condition seen, and every find that was
    not in the register with what became of it. Real numbers and dates in the cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from kendali.assets.choices import Condition
    from kendali.core.audit import audit_record

    audit_record(
        actor=actor,
        action="assets.report.download",
        object_type="assets.stocktake",
        object_id=stocktake.pk,
        object_repr=stocktake_filename(stocktake),
        changes={"agency": stocktake.agency_id, "kind": "hasil_inventarisasi"},
    )
    conditions = {key: str(label) for key, label in Condition.choices}
    latest: dict[int | None, StockTakeScan] = {}  # by item (a found scan always names one)
    for scan in stocktake.scans.filter(result="found").order_by("scanned_at", "id"):
        latest[scan.item_id] = scan
    items = _stocktake_expected(stocktake)
    place = stocktake.agency.name + (f" — {stocktake.room}" if stocktake.room_id else "")
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def heading(ws, title: str) -> None:
        for line in (
            "PEMERINTAH KOTA SERANG",
            title,
            f"OPD/Unit: {place}",
            f"Kegiatan: {stocktake.name} ({stocktake.planned_for:%d-%m-%Y})",
        ):
            cell = WriteOnlyCell(ws, value=line)
            cell.font = bold
            ws.append([cell])
        ws.append([])

    ws = wb.create_sheet(title="III.A Lembar Kerja")
    heading(ws, "LEMBAR KERJA INVENTARISASI — LAMPIRAN III.A")
    ws.append([WriteOnlyCell(ws, value=h) for h in LKI_HEADER])
    per_kib: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    for n, item in enumerate(items, start=1):
        scan = latest.get(item.pk)
        totals = per_kib[item.kib]
        totals[0] += 1
        if scan is not None:
            totals[1] += 1
        else:
            totals[2] += 1
            totals[3] += item.value
        ws.append(
            [
                n,
                item.code.code,
                item.name,
                item.nibar,
                item.kib,
                item.room.name if item.room is not None else "",
                conditions.get(item.condition, ""),
                float(item.value),
                "Ditemukan" if scan is not None else "Tidak ditemukan",
                conditions.get(scan.condition, "") if scan is not None else "",
                scan.scanned_at.date() if scan is not None else None,
                scan.note if scan is not None else "",
            ]
        )
    ws = wb.create_sheet(title="III.B Hasil")
    heading(ws, "LAPORAN HASIL INVENTARISASI — LAMPIRAN III.B")
    ws.append(
        [
            WriteOnlyCell(ws, value=h)
            for h in ("KIB", "Tercatat", "Ditemukan", "Tidak Ditemukan", "Nilai Tidak Ditemukan")
        ]
    )
    for kib in sorted(per_kib):
        expected, found, missing, value = per_kib[kib]
        ws.append([f"KIB {kib}", int(expected), int(found), int(missing), float(value)])
    ws.append([])
    ws.append([WriteOnlyCell(ws, value="Ditemukan tetapi belum tercatat")])
    ws.append(
        [
            WriteOnlyCell(ws, value=h)
            for h in ("Tanggal Pindai", "Kode Dipindai", "Uraian", "Tindak Lanjut", "Nilai")
        ]
    )
    for scan in stocktake.scans.filter(result="unregistered").select_related("drafted_item"):
        proposed = scan.proposed or {}
        if scan.drafted_item_id:
            follow = (
                f"Konsep perolehan: {scan.drafted_item.name} "
                f"({scan.drafted_item.get_status_display()})"
            )
            drafted_value: float | None = float(scan.drafted_item.value)
        elif "dismissed" in proposed:
            follow, drafted_value = f"Diabaikan: {proposed['dismissed']}", None
        else:
            follow, drafted_value = "Belum ditindaklanjuti", None
        ws.append(
            [
                scan.scanned_at.date(),
                scan.scanned_code,
                proposed.get("name", ""),
                follow,
                drafted_value,
            ]
        )
    wb.save(target)


def stocktake_filename(stocktake) -> str:
    return f"hasil-inventarisasi-{stocktake.agency.code}-{stocktake.pk}.xlsx"


def render_stocktake(*, actor: Actor, stocktake):
    """(file-like, filename, content type), like ``render``."""
    handle = tempfile.TemporaryFile()
    write_stocktake_xlsx(actor=actor, stocktake=stocktake, target=handle)
    handle.seek(0)
    return handle, stocktake_filename(stocktake), XLSX
