"""What a draft must hold before it may become a CAP message, with Indonesian messages.

Forms and the API turn these into field errors; services run the same checks again, since
publishing must never produce a document the standard rejects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlparse

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.alerts.choices import CapStatus, Category, Certainty, Severity, Urgency

MAX_RADIUS_KM = 100.0


@dataclass
class DraftInput:
    event: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    categories: list[str] = field(default_factory=list)
    urgency: str = ""
    severity: str = ""
    certainty: str = ""
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    sender_name: str = ""
    contact: str = ""
    web: str = ""
    status: str = CapStatus.ACTUAL
    source: str = ""
    note: str = ""
    kelurahan: list[str] = field(default_factory=list)
    kecamatan: list[str] = field(default_factory=list)
    circle_lat: float | None = None
    circle_lon: float | None = None
    circle_radius_km: float | None = None
    circle_description: str = ""
    event_en: str = ""
    headline_en: str = ""
    description_en: str = ""
    instruction_en: str = ""

    @property
    def has_circle(self) -> bool:
        return any(v is not None for v in (self.circle_lat, self.circle_lon, self.circle_radius_km))

    @property
    def has_english(self) -> bool:
        return any((self.event_en, self.headline_en, self.description_en, self.instruction_en))


_TEXT_LIMITS = {"event": 200, "headline": 160, "sender_name": 200, "contact": 200}
# Characters XML 1.0 forbids (§2.2): C0 controls other than tab, newline and carriage return,
# lone surrogates, U+FFFE and U+FFFF. Text pasted from Word brings a vertical tab (\x0b) for a
# manual line break; in a CAP document it makes the whole message unparseable.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FREE_TEXT = (
    "event",
    "headline",
    "description",
    "instruction",
    "sender_name",
    "contact",
    "web",
    "source",
    "note",
    "circle_description",
    "event_en",
    "headline_en",
    "description_en",
    "instruction_en",
)


# The tables the checks below read: each row is a field and what is wrong when it fails.
_REQUIRED = (
    ("event", gettext_lazy("Jenis kejadian wajib diisi (misalnya «Banjir»).")),
    ("headline", gettext_lazy("Judul peringatan wajib diisi.")),
    ("description", gettext_lazy("Uraian peringatan wajib diisi.")),
)
_CAP_CHOICES = (
    ("urgency", Urgency, gettext_lazy("urgensi")),
    ("severity", Severity, gettext_lazy("keparahan")),
    ("certainty", Certainty, gettext_lazy("kepastian")),
)
# An English version is all or nothing: once one English field is filled, these are required.
_REQUIRED_IN_ENGLISH = (
    (
        "event_en",
        gettext_lazy(
            "Isi juga jenis kejadian dalam bahasa Inggris, atau kosongkan semua isian bahasa Inggris."
        ),
    ),
    (
        "headline_en",
        gettext_lazy(
            "Isi juga judul dalam bahasa Inggris, atau kosongkan semua isian bahasa Inggris."
        ),
    ),
    (
        "description_en",
        gettext_lazy(
            "Isi juga uraian dalam bahasa Inggris, atau kosongkan semua isian bahasa Inggris."
        ),
    ),
)


@dataclass(frozen=True)
class _Areas:
    kelurahan: set[str]
    kecamatan: set[str]


Errors = Iterator[tuple[str, str]]


def _check_required(data: DraftInput, areas: _Areas) -> Errors:
    for name, message in _REQUIRED:
        if not (getattr(data, name) or "").strip():
            yield name, str(message)


def _check_lengths(data: DraftInput, areas: _Areas) -> Errors:
    for name, limit in _TEXT_LIMITS.items():
        if len(getattr(data, name) or "") > limit:
            yield name, _("Paling banyak %(n)d karakter.") % {"n": limit}


def _check_categories(data: DraftInput, areas: _Areas) -> Errors:
    if not data.categories:
        yield "categories", _("Pilih paling sedikit satu kategori.")
    elif not set(data.categories) <= set(Category.values):
        yield "categories", _("Kategori tidak dikenal dalam CAP 1.2.")


def _check_cap_choices(data: DraftInput, areas: _Areas) -> Errors:
    for name, choices, label in _CAP_CHOICES:
        value = getattr(data, name)
        if not value:
            yield name, _("Pilih %(what)s.") % {"what": label}
        elif value not in choices.values:
            yield name, _("Nilai %(what)s tidak dikenal dalam CAP 1.2.") % {"what": label}


def _check_status(data: DraftInput, areas: _Areas) -> Errors:
    if data.status not in CapStatus.values:
        yield "status", _("Status tidak dikenal.")


def _check_expires(data: DraftInput, areas: _Areas) -> Errors:
    if data.expires is None:
        yield "expires", _("Waktu berakhir wajib diisi, agar peringatan keluar dari umpan.")
    elif data.onset is not None and data.expires <= data.onset:
        yield "expires", _("Waktu berakhir harus sesudah perkiraan mulai.")
    elif data.effective is not None and data.expires <= data.effective:
        yield "expires", _("Waktu berakhir harus sesudah waktu berlaku.")


def _check_web(data: DraftInput, areas: _Areas) -> Errors:
    if data.web:
        parsed = urlparse(data.web)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            yield "web", _("Tautan harus alamat http(s) lengkap.")


def _check_area(data: DraftInput, areas: _Areas) -> Errors:
    if not (data.kelurahan or data.kecamatan or data.has_circle):
        yield (
            "area",
            _(
                "Wilayah peringatan kosong: pilih kelurahan, kecamatan, atau gambar lingkaran di peta."
            ),
        )
    unknown = [k for k in data.kelurahan if k not in areas.kelurahan]
    unknown += [k for k in data.kecamatan if k not in areas.kecamatan]
    if unknown:
        yield "area", _("Kode wilayah tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}


def _check_circle(data: DraftInput, areas: _Areas) -> Errors:
    if not data.has_circle:
        return
    lat, lon, radius = data.circle_lat, data.circle_lon, data.circle_radius_km
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        yield "circle", _("Titik pusat lingkaran belum dipilih di peta atau tidak sah.")
    elif radius is None or not (0 < radius <= MAX_RADIUS_KM):
        yield (
            "circle",
            _("Jari-jari lingkaran harus lebih dari 0 dan paling besar %(max)g km.")
            % {"max": MAX_RADIUS_KM},
        )


def _check_english(data: DraftInput, areas: _Areas) -> Errors:
    if data.has_english:
        for name, message in _REQUIRED_IN_ENGLISH:
            if not getattr(data, name).strip():
                yield name, str(message)


def _check_xml_characters(data: DraftInput, areas: _Areas) -> Errors:
    for name in _FREE_TEXT:
        if XML_ILLEGAL.search(getattr(data, name) or ""):
            yield (
                name,
                _(
                    "Teks berisi karakter kontrol tak terlihat (misalnya dari salinan Word) yang "
                    "tidak boleh ada dalam dokumen CAP. Hapus lalu ketik ulang bagian itu."
                ),
            )


# In order: when two checks fault the same field, the later message replaces the earlier
# (the invisible characters last: that is the one to fix first).
DRAFT_CHECKS: tuple[Callable[[DraftInput, _Areas], Errors], ...] = (
    _check_required,
    _check_lengths,
    _check_categories,
    _check_cap_choices,
    _check_status,
    _check_expires,
    _check_web,
    _check_area,
    _check_circle,
    _check_english,
    _check_xml_characters,
)


def draft_errors(
    data: DraftInput, *, known_kelurahan: set[str], known_kecamatan: set[str]
) -> dict[str, str]:
    """Field → message for everything that would make the CAP message wrong or unusable."""
    areas = _Areas(kelurahan=known_kelurahan, kecamatan=known_kecamatan)
    errors: dict[str, str] = {}
    for check in DRAFT_CHECKS:
        errors.update(check(data, areas))
    return errors


def publish_errors(*, expires: datetime, now: datetime | None = None) -> dict[str, str]:
    now = now or timezone.now()
    if expires <= now:
        return {
            "expires": _("Waktu berakhir sudah lewat; ubah draf sebelum diajukan atau diterbitkan.")
        }
    return {}
