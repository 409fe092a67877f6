"""A minimal PDF writer for tabular reports: Helvetica text, A4 pages, no dependencies.

Only what the reports need (headings and fixed-column tables); text outside
Windows-1252 (WinAnsi) is replaced, since the standard Helvetica font has no other glyphs.
"""

from __future__ import annotations

PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN = 40


def _escape(text: str) -> str:
    text = str(text).encode("cp1252", "replace").decode("cp1252")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


class SimplePdf:
    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.y = PAGE_H - MARGIN

    def _room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.pages.append([])
            self.y = PAGE_H - MARGIN

    def text(self, x: float, text: str, size: float = 9, bold: bool = False) -> None:
        font = "F2" if bold else "F1"
        self.pages[-1].append(
            f"BT /{font} {size} Tf {x:.1f} {self.y:.1f} Td ({_escape(text)}) Tj ET"
        )

    def heading(self, text: str, size: float = 14) -> None:
        self._room(size + 12)
        self.y -= size + 6
        self.text(MARGIN, text, size=size, bold=True)
        self.y -= 6

    def table(self, header: list, rows: list[list], size: float = 8) -> None:
        width = PAGE_W - 2 * MARGIN
        ncol = max(len(header), 1)
        # The last column (often free text) gets the remaining width.
        first = min(110.0, width / ncol * 1.4)
        rest = (width - first) / max(ncol - 1, 1)
        xs = [MARGIN] + [MARGIN + first + rest * i for i in range(ncol - 1)]
        chars = [
            int((xs[i + 1] - xs[i]) / (size * 0.5)) if i + 1 < ncol else 200 for i in range(ncol)
        ]
        line = size + 3
        for r, row in enumerate([header, *rows]):
            self._room(line)
            self.y -= line
            for i, value in enumerate(row[:ncol]):
                cell = str(value)
                if len(cell) > chars[i]:
                    cell = cell[: max(chars[i] - 1, 1)] + "…"
                self.text(xs[i], cell, size=size, bold=(r == 0))
        if not rows:
            self._room(line)
            self.y -= line
            self.text(MARGIN, "—", size=size)
        self.y -= 4

    def render(self) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        catalog = add(b"")  # placeholder, filled below
        pages_id = add(b"")
        f1 = add(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
        )
        f2 = add(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
        )
        kids = []
        for ops in self.pages:
            stream = "\n".join(ops).encode("cp1252", "replace")
            content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
            kids.append(
                add(
                    b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
                    % (pages_id, PAGE_W, PAGE_H, content, f1, f2)
                )
            )
        objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
        objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
            b" ".join(b"%d 0 R" % k for k in kids),
            len(kids),
        )
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for n, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1,
            catalog,
            xref,
        )
        return bytes(out)
