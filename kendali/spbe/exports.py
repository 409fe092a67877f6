"""Downloads: the SIA-SPBE alignment matrix and an evaluation per indicator (XLSX, PDF)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kendali.spbe.pdf import Document

HEADER_FILL = PatternFill("solid", fgColor="0B2239")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def _sheet(ws, header: list[str], rows: list[list], widths: list[int]) -> None:
    ws.append(header)
    for cell in ws[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        ws.append(row)
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def matrix_xlsx(rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Matriks SIA-SPBE")[:31]
    header = [
        _("Domain"),
        _("Kode komponen instansi"),
        _("Nama"),
        _("Kode referensi SIA-SPBE"),
        _("Deskripsi referensi"),
        _("OPD pengampu"),
        _("Keterpaduan/API"),
        _("Status validasi"),
        _("Divalidasi oleh"),
        _("Tanggal validasi"),
        _("Diubah terakhir oleh"),
    ]
    body = [
        [
            r["domain"],
            r["code"],
            r["name"],
            r["reference_code"],
            r["reference_description"],
            r["agency"],
            r["api"],
            r["validation"],
            r["validated_by"],
            r["validated_at"],
            r["changed_by"],
        ]
        for r in rows
    ]
    _sheet(ws, header, body, [18, 24, 44, 20, 50, 36, 28, 16, 28, 14, 28])
    return _bytes(wb)


def evaluation_rows(evaluation, answers) -> list[list]:
    rows = []
    for a in answers:
        evidence = "; ".join(_evidence_line(e) for e in a.evidence.all())
        level_name = ""
        if a.level:
            level_name = next(
                (lv["nama"] for lv in a.indicator.levels if lv.get("tingkat") == a.level), ""
            )
        rows.append(
            [
                a.indicator.aspect.domain.code,
                a.indicator.aspect.code,
                a.indicator.code,
                a.indicator.name,
                a.indicator.weight,
                a.level if a.level is not None else "",
                level_name,
                a.get_status_display(),
                a.agency.short_name if a.agency else "",
                a.justification,
                evidence,
            ]
        )
    return rows


def _evidence_line(e) -> str:
    if e.kind == "dokumen":
        return f"{e.title} ({e.filename}, {round(e.size / 1024)} KB)"
    if e.kind == "tautan":
        return f"{e.title} <{e.url}>"
    figures = ", ".join(f"{k}: {v}" for k, v in (e.snapshot.get("figures") or {}).items())
    return f"{e.title} [{figures}]"


HEADER = None


def _header() -> list[str]:
    return [
        _("Domain"),
        _("Aspek"),
        _("No."),
        _("Indikator"),
        _("Bobot (%)"),
        _("Tingkat"),
        _("Nama tingkat"),
        _("Status"),
        _("OPD penjawab"),
        _("Penjelasan"),
        _("Bukti dukung"),
    ]


def evaluation_xlsx(evaluation, answers, score: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ringkasan")[:31]
    ws.append([_("Kerangka"), evaluation.framework.name])
    ws.append([_("Tahun"), evaluation.year])
    ws.append([_("Status"), evaluation.get_status_display()])
    ws.append([_("Indeks"), score["index"]])
    ws.append([_("Predikat"), score["predicate"]])
    ws.append([])
    ws.append([_("Domain"), _("Nama"), _("Bobot (%)"), _("Indeks domain")])
    for d in score["domains"]:
        ws.append([d["code"], d["name"], d["weight"], round(d["index"], 4)])
        for a in d["aspects"]:
            ws.append([a["code"], "  " + a["name"], a["weight"], round(a["index"], 4)])
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 60
    ws2 = wb.create_sheet(_("Per indikator")[:31])
    _sheet(
        ws2,
        _header(),
        evaluation_rows(evaluation, answers),
        [8, 8, 6, 50, 10, 8, 18, 14, 16, 60, 70],
    )
    return _bytes(wb)


def evaluation_pdf(evaluation, answers, score: dict) -> bytes:
    doc = Document()
    doc.heading(
        _("Evaluasi SPBE %(y)s — %(f)s") % {"y": evaluation.year, "f": evaluation.framework.name}
    )
    doc.paragraph(
        _("Indeks %(i)s, predikat %(p)s. Status: %(s)s. Dicetak %(t)s WIB.")
        % {
            "i": f"{score['index']:.2f}",
            "p": score["predicate"],
            "s": evaluation.get_status_display(),
            "t": timezone.localtime().strftime("%d-%m-%Y %H:%M"),
        }
    )
    doc.table(
        [_("Domain"), _("Nama"), _("Bobot"), _("Indeks")],
        [[d["code"], d["name"], f"{d['weight']:g}", f"{d['index']:.2f}"] for d in score["domains"]],
        widths=[50, 330, 60, 75],
    )
    for a in answers:
        doc.heading(f"{a.indicator.code}. {a.indicator.name}", size=10)
        doc.paragraph(
            _("Tingkat: %(l)s · Status: %(s)s · OPD: %(o)s")
            % {
                "l": a.level if a.level is not None else "—",
                "s": a.get_status_display(),
                "o": a.agency.short_name if a.agency else "—",
            }
        )
        if a.justification:
            doc.paragraph(a.justification)
        for e in a.evidence.all():
            doc.paragraph("• " + _evidence_line(e), indent=12)
    return doc.render()
