"""A small PDF writer for the BMD reports and label sheets: Helvetica text, filled
rectangles (QR modules are drawn as vector squares), A4 portrait or landscape.

Text outside Windows-1252 is replaced: the standard Helvetica font has no other glyphs.
"""

from __future__ import annotations

import zlib

A4 = (595.0, 842.0)
MM = 72 / 25.4


def _escape(text: object) -> str:
    raw = str(text).encode("cp1252", "replace").decode("cp1252")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


class Pdf:
    def __init__(self, landscape: bool = False) -> None:
        self.width, self.height = (A4[1], A4[0]) if landscape else A4
        self.pages: list[list[str]] = []
        self.margin = 36.0
        self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.height - self.margin

    def text(self, x: float, y: float, text: object, size: float = 8, bold: bool = False) -> None:
        font = "F2" if bold else "F1"
        self.pages[-1].append(
            f"BT /{font} {size:.1f} Tf {x:.2f} {y:.2f} Td ({_escape(text)}) Tj ET"
        )

    def rect(self, x: float, y: float, w: float, h: float, fill: bool = True) -> None:
        self.pages[-1].append(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re {'f' if fill else 'S'}")

    def qr(self, x: float, y: float, size: float, data: str) -> None:
        """A QR code (segno) as black squares, ``(x, y)`` its lower-left corner."""
        import segno

        code = segno.make(data, error="m")
        rows = list(code.matrix_iter(border=1))
        cell = size / len(rows)
        ops = []
        for r, row in enumerate(rows):
            for c, dark in enumerate(row):
                if dark:
                    ops.append(
                        f"{x + c * cell:.2f} {y + size - (r + 1) * cell:.2f} {cell:.2f} {cell:.2f} re"
                    )
        self.pages[-1].append(" ".join(ops) + " f")

    def heading(self, text: str, size: float = 12) -> None:
        self._room(size + 8)
        self.y -= size + 4
        self.text(self.margin, self.y, text, size=size, bold=True)
        self.y -= 4

    def line(self, text: str, size: float = 8) -> None:
        self._room(size + 4)
        self.y -= size + 3
        self.text(self.margin, self.y, text, size=size)

    def _room(self, height: float) -> None:
        if self.y - height < self.margin:
            self.new_page()

    def table(self, header: list[str], rows, widths: list[float], size: float = 6.5) -> None:
        """Rows of text in fixed columns (``widths`` in points); the header repeats on each page."""
        line_h = size + 3.5

        def draw(row, bold=False):
            self.y -= line_h
            x = self.margin
            for value, width in zip(row, widths, strict=False):
                cell = "" if value is None else str(value)
                limit = max(int(width / (size * 0.5)), 1)
                if len(cell) > limit:
                    cell = cell[: limit - 1] + "…"
                self.text(x + 1, self.y, cell, size=size, bold=bold)
                x += width

        self._room(line_h * 2)
        draw(header, bold=True)
        for row in rows:
            if self.y - line_h < self.margin:
                self.new_page()
                draw(header, bold=True)
            draw(row)

    def output(self) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        add(b"<< /Type /Catalog /Pages 2 0 R >>")
        add(b"")  # pages, filled in below
        f1 = add(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
        )
        f2 = add(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
        )
        kids = []
        for ops in self.pages:
            stream = zlib.compress("\n".join(ops).encode("cp1252", "replace"))
            content = add(
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
                + stream
                + b"\nendstream"
            )
            kids.append(
                add(
                    (
                        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {self.width:.0f} {self.height:.0f}] "
                        f"/Resources << /Font << /F1 {f1} 0 R /F2 {f2} 0 R >> >> /Contents {content} 0 R >>"
                    ).encode()
                )
            )
        objects[1] = (
            f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
        ).encode()
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
        for offset in offsets:
            out += f"{offset:010d} 00000 n \n".encode()
        out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        return bytes(out)
