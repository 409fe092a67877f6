"""Barang Milik Daerah: the code tree, per-prefix settings, rooms, the register, its
append-only ledger, semester depreciation, locks, stock-takes and maintenance tasks.

The register (``Item``'s OPD, code, value, condition, status, life) is a projection of the
approved ledger entries; ``kendali.assets.services.register_rebuild`` recomputes it and
``register_differences`` compares. Depreciation lines are their own journal: an item's
accumulated depreciation is the sum of its lines.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kendali.assets.choices import (
    AttachmentKind,
    Condition,
    EntryKind,
    EntryStatus,
    ItemStatus,
    Kib,
    Origin,
    RunStatus,
    ScanResult,
    StockTakeStatus,
    TaskStatus,
)
from kendali.regions.fields import region_field


class _MoneyDigits(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: _MoneyDigits = {"max_digits": 18, "decimal_places": 2}


class CodeNode(models.Model):
    """One node of the Permendagri 108/2016 kodefikasi (7 levels, e.g. 1.3.2.10.01.02.001)."""

    code = models.CharField(_("kode barang"), max_length=24, unique=True)
    name = models.CharField(_("uraian"), max_length=255)
    level = models.PositiveSmallIntegerField(_("tingkat"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kib = models.CharField(_("KIB"), max_length=1, choices=Kib.choices, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kode barang")
        verbose_name_plural = _("kode barang")
        permissions = [("manage_codes", _("Mengelola kodefikasi dan pengaturan BMD"))]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CodeSetting(models.Model):
    """Per code prefix, from a date: masa manfaat, capitalisation threshold, depreciated or not.

    The longest matching prefix in effect on a date wins. Thresholds come from the mayor's
    regulation (Perwal) and are entered as data; none is written into code."""

    prefix = models.CharField(_("awalan kode"), max_length=24)
    effective_from = models.DateField(_("berlaku sejak"))
    useful_life_years = models.PositiveSmallIntegerField(_("masa manfaat (tahun)"), null=True)
    threshold = models.DecimalField(_("batas kapitalisasi (Rp)"), null=True, **MONEY)
    depreciable = models.BooleanField(_("disusutkan"), default=True)
    basis = models.CharField(_("dasar (peraturan)"), max_length=200, blank=True)

    class Meta:
        ordering = ["prefix", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "effective_from"], name="codesetting_once")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} @ {self.effective_from}"


class LifeExtension(models.Model):
    """Capitalised maintenance adds years of life: per prefix, by the maintenance cost as a
    percentage of the item's acquisition value (a configurable table)."""

    prefix = models.CharField(_("awalan kode"), max_length=24)
    min_percent = models.DecimalField(_("dari (%)"), max_digits=6, decimal_places=2)
    max_percent = models.DecimalField(_("sampai (%)"), max_digits=6, decimal_places=2)
    extra_years = models.PositiveSmallIntegerField(_("tambahan masa manfaat (tahun)"))

    class Meta:
        ordering = ["prefix", "min_percent"]

    def __str__(self) -> str:
        return f"{self.prefix} {self.min_percent}–{self.max_percent}% +{self.extra_years} th"


class Room(models.Model):
    """A room of an OPD, for the Kartu Inventaris Ruangan."""

    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("kode ruang"), max_length=30)
    name = models.CharField(_("nama ruang"), max_length=200)
    building = models.CharField(_("gedung"), max_length=200, blank=True)

    class Meta:
        ordering = ["agency", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="room_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Item(models.Model):
    """One unit of BMD on its KIB. The fields marked *projection* are kept by the ledger."""

    agency = models.ForeignKey(  # projection: the current OPD (Pengguna Barang)
        "core.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("OPD")
    )
    code = models.ForeignKey(CodeNode, on_delete=models.PROTECT, related_name="items")  # proj.
    kib = models.CharField(_("KIB"), max_length=1, choices=Kib.choices)  # projection
    name = models.CharField(_("nama barang"), max_length=255)
    nibar = models.CharField(_("NIBAR"), max_length=20, null=True, blank=True, unique=True)
    register_no = models.PositiveIntegerField(_("nomor register"), null=True, blank=True)
    entered_year = models.PositiveSmallIntegerField(_("tahun masuk OPD"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    acquisition_date = models.DateField(_("tanggal perolehan"))
    origin = models.CharField(_("asal usul"), max_length=12, choices=Origin.choices)
    acquisition_value = models.DecimalField(_("nilai perolehan (Rp)"), **MONEY)
    value = models.DecimalField(_("nilai tercatat (Rp)"), **MONEY)  # projection
    intra = models.BooleanField(_("intrakomptabel"), default=True)  # projection
    condition = models.CharField(  # projection
        _("kondisi"), max_length=2, choices=Condition.choices, default=Condition.GOOD
    )
    quantity = models.PositiveIntegerField(_("jumlah"), default=1)
    unit = models.CharField(_("satuan"), max_length=20, default="unit")
    certificate_number = models.CharField(_("nomor sertifikat/dokumen"), max_length=80, blank=True)
    details = models.JSONField(_("rincian KIB"), default=dict, blank=True)
    lat = models.FloatField(_("lintang"), null=True, blank=True)
    lon = models.FloatField(_("bujur"), null=True, blank=True)
    shape = models.JSONField(_("bentuk (GeoJSON)"), null=True, blank=True)
    # Where the item lies, as incidents and parks say it: the Region rows (the kelurahan's
    # Kemendagri code is ``kelurahan_id``); none outside the city or without a point.
    kelurahan = region_field(_("kelurahan"))
    kecamatan = region_field(_("kecamatan"))
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    device_ref = models.CharField(_("perangkat Kendali"), max_length=80, null=True, blank=True)
    in_use_by = models.CharField(_("dimanfaatkan oleh"), max_length=200, blank=True)  # proj.
    note = models.TextField(_("keterangan"), blank=True)
    # Depreciation projections: life in semesters (extended by capitalised maintenance),
    # the first semester depreciated (year*2 + semester-1), and the journal's running totals.
    life_semesters = models.PositiveSmallIntegerField(default=0)
    depreciable = models.BooleanField(default=False)
    start_index = models.PositiveIntegerField(default=0)
    accumulated = models.DecimalField(_("akumulasi penyusutan (Rp)"), default=0, **MONEY)
    depreciated_through = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    import_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("barang")
        verbose_name_plural = _("barang")
        indexes = [
            models.Index(fields=["agency", "kib", "status"], name="item_agency_kib"),
            models.Index(fields=["kib", "status"], name="item_kib_status"),
            models.Index(fields=["status", "depreciable"], name="item_dep"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number="") & ~Q(status="rejected"),
                name="item_certificate_once",
            ),
            models.UniqueConstraint(
                fields=["device_ref"], condition=Q(device_ref__isnull=False), name="item_device"
            ),
            models.CheckConstraint(condition=Q(acquisition_value__gt=0), name="item_value_gt0"),
        ]
        permissions = [
            ("draft_entry", _("Menyusun entri BMD (Pengurus Barang)")),
            ("approve_entry", _("Menyetujui entri BMD")),
            ("run_depreciation", _("Menjalankan penyusutan semester")),
            ("lock_semester", _("Mengunci semester")),
            ("manage_stocktake", _("Mengelola inventarisasi")),
            ("import_items", _("Mengimpor KIB dari Excel")),
            ("view_reports", _("Mengunduh laporan BMD")),
        ]

    def __str__(self) -> str:
        return f"{self.nibar or '—'} {self.name}"

    @property
    def book_value(self) -> Decimal:
        return self.value - self.accumulated

    @property
    def register_code(self) -> str:
        """Kode register: current OPD, year it entered that OPD, kode barang, intra/ekstra,
        number — it follows the item's current OPD (re-issued on mutasi masuk)."""
        if self.register_no is None:
            return ""
        return ".".join(
            [
                self.agency.code.upper(),
                str(self.entered_year or ""),
                self.code.code,
                "I" if self.intra else "E",
                f"{self.register_no:04d}",
            ]
        )


class Counter(models.Model):
    """Sequences that must never repeat (NIBAR, register numbers per OPD and code)."""

    key = models.CharField(max_length=80, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class ImportBatch(models.Model):
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"impor {self.filename}"


class LedgerEntry(models.Model):
    """One change to one item. Drafted by one person, approved (or rejected) by another;
    an approved entry is never edited — a reversing entry corrects it."""

    number = models.CharField(_("nomor"), max_length=30, unique=True)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("jenis"), max_length=20, choices=EntryKind.choices)
    status = models.CharField(max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    entry_date = models.DateField(_("tanggal"))
    amount = models.DecimalField(_("perubahan nilai (Rp)"), default=0, **MONEY)
    agency = models.ForeignKey(  # the OPD the entry is booked for (source OPD on mutasi)
        "core.Agency", on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "core.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.TextField(_("keterangan"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drafted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # Order in which approved entries were applied to the register (a rebuild folds them so).
    applied_seq = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )

    class Meta:
        ordering = ["entry_date", "id"]
        verbose_name = _("entri buku BMD")
        verbose_name_plural = _("entri buku BMD")
        indexes = [
            models.Index(fields=["item", "status"], name="entry_item_status"),
            models.Index(fields=["agency", "status", "entry_date"], name="entry_agency_date"),
            models.Index(fields=["to_agency", "status", "entry_date"], name="entry_to_date"),
            # The approvals waiting (shown as a count on every register page): few rows of
            # a ledger that grows by every entry ever made.
            models.Index(
                fields=["drafted_at"],
                condition=models.Q(status=EntryStatus.DRAFT),
                name="entry_drafts",
            ),
        ]
        constraints = [
            # The database itself refuses self-approval (the service says so first).
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(drafted_by__isnull=True)
                | ~Q(decided_by=models.F("drafted_by"))
                | Q(status="rejected"),
                name="entry_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def reversed_entry(self) -> LedgerEntry:
        """The entry this pembalikan reverses; entry_reverse always names one."""
        if self.reverses is None:
            raise ValueError(f"pembalikan {self.number} names no entry it reverses")
        return self.reverses


class SemesterLock(models.Model):
    period = models.CharField(_("semester"), max_length=7, unique=True)  # "2025-S2"
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period"]

    def __str__(self) -> str:
        return self.period


class DepreciationRun(models.Model):
    period = models.CharField(_("semester"), max_length=7)
    agency = models.ForeignKey(  # None: the whole city
        "core.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.DONE)
    items = models.PositiveIntegerField(default=0)
    total = models.DecimalField(default=0, **MONEY)
    seconds = models.FloatField(default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_at = models.DateTimeField(auto_now=True)
    runs = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "agency"], name="deprun_once", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"penyusutan {self.period}"


class DepreciationLine(models.Model):
    """Depreciation of one item for one semester. ``opening`` is the catch-up of earlier
    semesters booked when an item is depreciated for the first time."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="depreciation")
    period_index = models.PositiveIntegerField()  # year*2 + semester-1
    agency_id_at = models.PositiveIntegerField()
    opening = models.DecimalField(default=0, **MONEY)
    amount = models.DecimalField(**MONEY)
    accumulated_after = models.DecimalField(**MONEY)
    book_after = models.DecimalField(**MONEY)
    previous_through = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["period_index"]
        constraints = [
            models.UniqueConstraint(fields=["item", "period_index"], name="depline_once")
        ]
        indexes = [models.Index(fields=["period_index", "agency_id_at"], name="depline_period")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.period}"

    @property
    def period(self) -> str:
        return period_name(self.period_index)


class StockTake(models.Model):
    """An inventarisasi (census) of an OPD, or of one room of it."""

    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField(_("nama kegiatan"), max_length=200)
    planned_for = models.DateField(_("tanggal"))
    status = models.CharField(
        max_length=10, choices=StockTakeStatus.choices, default=StockTakeStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # At the close: the items expected and not found (the Lembar Kerja stays what it was
    # after their disposals are approved and they leave the register).
    missing_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-planned_for", "-id"]

    def __str__(self) -> str:
        return self.name


class StockTakeScan(models.Model):
    stocktake = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="scans")
    key = models.CharField(max_length=64)  # idempotency key made by the page, one per scan
    scanned_code = models.CharField(max_length=80)
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.PROTECT)
    result = models.CharField(max_length=14, choices=ScanResult.choices)
    condition = models.CharField(max_length=2, choices=Condition.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    photo = models.TextField(blank=True)  # a small data: URL taken by the page, optional
    # A find that is not in the register: what the officer saw (name, and the code and value
    # when known), and the draft item it became (a maker draft waiting for approval).
    proposed = models.JSONField(default=dict, blank=True)
    drafted_item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="found_by_scans"
    )
    scanned_at = models.DateTimeField()
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-scanned_at"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "key"], name="scan_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.scanned_code} {self.result}"


def _attachment_path(instance: ItemAttachment, filename: str) -> str:
    # The stored name is ours (item and a random part), never the uploader's file name.
    return f"assets/lampiran/{instance.item_id}/{filename}"


class ItemAttachment(models.Model):
    """A document or photo of an item (sertifikat, BAST, foto kondisi…), stored under the
    media root and served only through an authorized view. Removing one hides it from the
    item page; the file stays for the audit trail."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("jenis lampiran"), max_length=12, choices=AttachmentKind.choices)
    title = models.CharField(_("judul"), max_length=200)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("lampiran barang")
        verbose_name_plural = _("lampiran barang")

    def __str__(self) -> str:
        return f"{self.item_id} {self.title}"

    @property
    def download_name(self) -> str:
        if not self.file.name:  # the field is required: a row without a file is a bug
            raise ValueError(f"attachment {self.pk} has no stored file")
        ext = self.file.name.rsplit(".", 1)[-1]
        return f"{self.item.nibar or self.item_id}-{self.kind}-{self.pk}.{ext}"

    @property
    def inline(self) -> bool:
        # Photos open in the page; PDFs download (a sandboxed PDF viewer shows nothing).
        return self.content_type.startswith("image/")


class MaintenanceTask(models.Model):
    """Work on an item: opened by hand or when its device goes offline/is reported broken."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("judul"), max_length=200)
    reason = models.CharField(max_length=40)  # "offline", "rusak", "manual"
    status = models.CharField(max_length=6, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "reason"], condition=Q(status="open"), name="task_open_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


def period_index(period: str) -> int:
    year, sem = period.split("-S")
    return int(year) * 2 + int(sem) - 1


def period_name(index: int) -> str:
    return f"{index // 2}-S{index % 2 + 1}"


def period_of(day: date) -> str:
    return f"{day.year}-S{1 if day.month <= 6 else 2}"


def period_end(index: int) -> date:
    year, half = divmod(index, 2)
    return date(year, 6, 30) if half == 0 else date(year, 12, 31)


def period_start(index: int) -> date:
    year, half = divmod(index, 2)
    return date(year, 1, 1) if half == 0 else date(year, 7, 1)
