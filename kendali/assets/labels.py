"""QR labels on an A4 sheet: 3 × 8 labels of 70 × 37 mm, one per item.

The QR holds ``BMD:<NIBAR>`` — short, so it scans from a phone at arm's length, and the
NIBAR never changes, so a label stays valid through mutasi and reclassification."""

from __future__ import annotations

from kendali.assets.pdf import MM, Pdf

COLS, ROWS = 3, 8
LABEL_W, LABEL_H = 70 * MM, 37 * MM
TOP = 297 * MM - (297 * MM - ROWS * LABEL_H) / 2


def qr_payload(nibar: str) -> str:
    return f"BMD:{nibar}"


def label_sheet(items) -> bytes:
    pdf = Pdf()
    for n, item in enumerate(items):
        slot = n % (COLS * ROWS)
        if n and slot == 0:
            pdf.new_page()
        col, row = slot % COLS, slot // COLS
        x = col * LABEL_W
        y = TOP - (row + 1) * LABEL_H
        pad = 3 * MM
        size = LABEL_H - 2 * pad
        pdf.qr(x + pad, y + pad, size, qr_payload(item.nibar))
        tx = x + pad + size + 2 * MM
        pdf.text(tx, y + LABEL_H - pad - 6, "PEMERINTAH KOTA SERANG", size=5.5, bold=True)
        pdf.text(tx, y + LABEL_H - pad - 13, item.agency.short_name[:28], size=6)
        name = item.name
        pdf.text(tx, y + LABEL_H - pad - 22, name[:26], size=6.5, bold=True)
        if len(name) > 26:
            pdf.text(tx, y + LABEL_H - pad - 29, name[26:52], size=6.5, bold=True)
        pdf.text(tx, y + pad + 20, item.code.code, size=6)
        pdf.text(tx, y + pad + 11, f"NIBAR {item.nibar}", size=7, bold=True)
        pdf.text(tx, y + pad + 3, f"Th. {item.acquisition_date.year} · KIB {item.kib}", size=5.5)
    return pdf.output()
