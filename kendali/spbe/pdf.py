"""A small PDF writer (A4, Helvetica, WinAnsi) with wrapped paragraphs and simple tables,
in the manner of the dispatch reports, for the SPBE evaluation export."""

from __future__ import annotations

import zlib

PAGE_W, PAGE_H = 595, 842
MARGIN = 42


def _escape(text: str) -> str:
    text = str(text).encode("cp1252", "replace").decode("cp1252")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, size: float, width: float) -> list[str]:
    per_line = max(int(width / (size * 0.5)), 8)
    lines: list[str] = []
    for raw in str(text).splitlines() or [""]:
        words = raw.split(" ")
        line = ""
        for word in words:
            while len(word) > per_line:
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:per_line])
                word = word[per_line:]
            candidate = f"{line} {word}".strip()
            if len(candidate) > per_line:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


class Document:
    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.y: float = PAGE_H - MARGIN

    def _room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.pages.append([])
            self.y = PAGE_H - MARGIN

    def _text(self, x: float, text: str, size: float, bold: bool = False) -> None:
        font = "F2" if bold else "F1"
        self.pages[-1].append(
            f"BT /{font} {size} Tf {x:.1f} {self.y:.1f} Td ({_escape(text)}) Tj ET"
        )

    def heading(self, text: str, size: float = 14) -> None:
        for line in _wrap(text, size, PAGE_W - 2 * MARGIN):
            self._room(size + 8)
            self.y -= size + 4
            self._text(MARGIN, line, size, bold=True)
        self.y -= 3

    def paragraph(self, text: str, size: float = 9, indent: float = 0) -> None:
        for line in _wrap(text, size, PAGE_W - 2 * MARGIN - indent):
            self._room(size + 4)
            self.y -= size + 3
            self._text(MARGIN + indent, line, size)
        self.y -= 2

    def table(
        self, header: list[str], rows: list[list[str]], widths: list[float], size: float = 8
    ) -> None:
        xs: list[float] = [MARGIN]
        for w in widths[:-1]:
            xs.append(xs[-1] + w)
        for r, row in enumerate([header, *rows]):
            cells = [_wrap(str(v), size, widths[i] - 4) for i, v in enumerate(row)]
            height = max(len(c) for c in cells) * (size + 2) + 3
            self._room(height)
            for i, lines in enumerate(cells):
                y0 = self.y
                for line in lines:
                    self.y -= size + 2
                    self._text(xs[i], line, size, bold=(r == 0))
                self.y = y0
            self.y -= height
        self.y -= 4

    def render(self) -> bytes:
        objects: list[bytes] = [b"", b""]
        objects.append(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
        )
        objects.append(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
        )
        kids = []
        for n, ops in enumerate(self.pages, start=1):
            ops = [*ops, f"BT /F1 7 Tf {PAGE_W - MARGIN - 30} 20 Td ({n}/{len(self.pages)}) Tj ET"]
            stream = zlib.compress("\n".join(ops).encode("cp1252", "replace"))
            objects.append(
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
                + stream
                + b"\nendstream"
            )
            content = len(objects)
            objects.append(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % (PAGE_W, PAGE_H, content)
            )
            kids.append(len(objects))
        objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
        objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
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
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1,
            xref,
        )
        return bytes(out)
