"""The open-data catalogue: every ``OpenDataset`` modules register, described with the
Satu Data Indonesia metadata (and their DCAT names), versioned by period, published with
personal data removed and small counts suppressed, downloadable as CSV, JSON and XLSX.

Publication rules (docs/indicators.md says them to the public too):

* Only the columns a data set declares are published; a column whose name says it holds a
  phone number, a name, an address or coordinates of a person is never published, even if a
  module declared it (``PERSONAL_COLUMNS``).
* Small counts: a count cell from 1 to 4 (``SUPPRESS_BELOW`` = 5) is published empty and the
  row is marked ``disupresi`` = 1, because so few people can be recognised; 0 stays 0.
* Versions: every data set has one version per year (the last five); one published daily or
  hourly also one per month (the last twelve); the running period is marked "berjalan".
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kendali.core.models import Agency
from kendali.core.registry import OpenDataset, datasets, get_dataset, run_selector

SUPPRESS_BELOW = 5
SUPPRESSED_COLUMN = "disupresi"
PERSONAL_COLUMNS = re.compile(
    r"(^|_)(telepon|phone|nomor_hp|hp|msisdn|nama_pelapor|pelapor|penelepon|reporter|caller|"
    r"email|alamat|address|lat|lon|lng|latitude|longitude|lintang|bujur|nik)($|_)",
    re.I,
)
LICENSE_ID = "CC-BY-4.0"
LICENSE_TITLE = "Creative Commons Attribution 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
WALIDATA = "diskominfo"  # the city's walidata (Perpres 39/2019)
SPATIAL = "Kota Serang, Banten (kode wilayah 36.73)"
SPATIAL_URI = "https://sig.bps.go.id/bridging-kode/index?kode=3673"
VERSIONS_MONTHLY = 12  # monthly versions offered (the last twelve months)
VERSIONS_YEARLY = 5
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "CSV"),
    "json": ("application/json", "JSON"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
}


@dataclass(frozen=True)
class Version:
    label: str  # "2026-11" or "2026"
    start: date
    end: date  # exclusive
    running: bool


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def versions(dataset: OpenDataset, *, today: date | None = None) -> list[Version]:
    """Newest first."""
    today = today or timezone.localdate()
    out = []
    if dataset.frequency in ("harian", "jam-an"):
        first = date(today.year, today.month, 1)
        for _i in range(VERSIONS_MONTHLY):
            out.append(
                Version(
                    first.strftime("%Y-%m"),
                    first,
                    _next_month(first),
                    first <= today < _next_month(first),
                )
            )
            first = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    # Every data set also has one version per year (daily and hourly ones: the whole year).
    for year in range(today.year, today.year - VERSIONS_YEARLY, -1):
        out.append(Version(str(year), date(year, 1, 1), date(year + 1, 1, 1), year == today.year))
    return out


def version_for(dataset: OpenDataset, label: str, *, today: date | None = None) -> Version | None:
    return next((v for v in versions(dataset, today=today) if v.label == label), None)


def published_columns(dataset: OpenDataset) -> list[str]:
    columns = [c for c in dataset.columns if not PERSONAL_COLUMNS.search(c)]
    if dataset.count_columns:
        columns.append(SUPPRESSED_COLUMN)
    return columns


def publish_rows(dataset: OpenDataset, version: Version) -> Iterator[dict]:
    """The rows as published: declared, non-personal columns only; small counts suppressed."""
    columns = [c for c in published_columns(dataset) if c != SUPPRESSED_COLUMN]
    counts = set(dataset.count_columns)
    for raw in run_selector(dataset.rows, start=version.start, end=version.end):
        row = {c: raw.get(c) for c in columns}
        if counts:
            suppressed = 0
            for c in counts & set(columns):
                value = row.get(c)
                if isinstance(value, int | float) and 0 < value < SUPPRESS_BELOW:
                    row[c] = None
                    suppressed = 1
            row[SUPPRESSED_COLUMN] = suppressed
        yield row


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    # Spreadsheet formula injection: a cell starting with = + - @ is read as text.
    if text[:1] in ("=", "+", "@") or (text[:1] == "-" and not _is_number(text)):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_chunks(columns: list[str], rows: Iterable[dict], batch: int = 500) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
        n += 1
        if n % batch == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def json_chunks(
    meta: dict, columns: list[str], rows: Iterable[dict], batch: int = 500
) -> Iterator[bytes]:
    head = json.dumps({**meta, "columns": columns}, ensure_ascii=False)
    yield (head[:-1] + ', "data": [').encode("utf-8")
    parts: list[str] = []
    first = True
    for row in rows:
        parts.append(("" if first else ",") + json.dumps(row, ensure_ascii=False, default=str))
        first = False
        if len(parts) >= batch:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("]}")
    yield "".join(parts).encode("utf-8")


def xlsx_file(title: str, columns: list[str], rows: Iterable[dict]):
    """A spooled temporary file holding the workbook (openpyxl write-only mode keeps one row
    in memory at a time); the caller streams it out."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[^A-Za-z0-9 _-]", "", title)[:31] or "data")
    sheet.append(columns)
    for row in rows:
        sheet.append([_xlsx_value(row.get(c)) for c in columns])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle


def _xlsx_value(value):
    if isinstance(value, str):
        return _cell(value)
    return value


def all_datasets() -> list[OpenDataset]:
    return datasets()


def dataset(key: str) -> OpenDataset | None:
    return get_dataset(key)


def slug(key: str) -> str:
    """CKAN names: lowercase letters, digits, - and _ (2–100 characters)."""
    return re.sub(r"[^a-z0-9_-]", "-", key.lower())[:100]


def by_slug(name: str) -> OpenDataset | None:
    return next((d for d in datasets() if slug(d.key) == name or d.key == name), None)


def metadata(dataset: OpenDataset, *, today: date | None = None) -> dict:
    """Satu Data Indonesia metadata of a data set (Indonesian field names), with the agency
    names resolved from core."""
    names = {
        a.code: a
        for a in Agency.objects.filter(code__in=[dataset.producer, WALIDATA]).prefetch_related(
            "channels"
        )
    }
    producer = names.get(dataset.producer)
    walidata = names.get(WALIDATA)
    vs = versions(dataset, today=today)
    return {
        "judul": str(dataset.title),
        "deskripsi": str(dataset.description),
        "produsen_data": producer.name if producer else dataset.producer,
        "produsen_kode": dataset.producer,
        "walidata": walidata.name if walidata else WALIDATA,
        "frekuensi": dataset.frequency,
        "cakupan_waktu": {
            "mulai": min(v.start for v in vs).isoformat(),
            # The last day with data, inclusive (as dct:temporal's endDate is read): the
            # versions' ends are exclusive, and the running one has no data after today.
            "sampai": min(
                max(v.end for v in vs) - timedelta(days=1), today or timezone.localdate()
            ).isoformat(),
        },
        "cakupan_wilayah": SPATIAL,
        "lisensi": LICENSE_ID,
        "format": [label for _ct, label in FORMATS.values()],
        "kata_kunci": [str(t) for t in dataset.tags],
        "kontak": _contact(walidata),
        "kolom": published_columns(dataset),
        "aturan_supresi": (
            _("Sel hitungan bernilai 1–4 dikosongkan (kolom disupresi = 1).")
            if dataset.count_columns
            else ""
        ),
    }


def _contact(agency) -> dict:
    if agency is None:
        return {"nama": _("Walidata Kota Serang"), "email": "", "telepon": ""}
    email = phone = ""
    for channel in agency.channels.all():
        if channel.kind == "email" and not email:
            email = channel.value
        if channel.kind == "phone" and not phone:
            phone = channel.value
    return {"nama": agency.name, "email": email, "telepon": phone}


def complete(meta: dict) -> bool:
    """All Satu Data metadata present (the open-data indicator counts these)."""
    required = (
        "judul",
        "deskripsi",
        "produsen_data",
        "walidata",
        "frekuensi",
        "cakupan_waktu",
        "cakupan_wilayah",
        "lisensi",
        "format",
        "kata_kunci",
    )
    return all(meta.get(k) for k in required) and bool(meta["kontak"].get("nama"))
