"""Citizen reports: categories (Open311 services), routing rules, reports, their timeline,
photos, reporters' contacts (personal data, kept apart) and phone verification codes."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kendali.core.models import Agency
from kendali.regions.fields import region_field
from kendali.reports.choices import (
    OPEN_STATUSES,
    Geometry,
    HideReason,
    ReportStatus,
    Source,
    Stage,
    UpdateKind,
)


class Category(models.Model):
    """A kind of problem; its ``code`` is the Open311 ``service_code``."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    group = models.CharField(_("kelompok"), max_length=80, blank=True)
    keywords = models.CharField(_("kata kunci"), max_length=200, blank=True)
    geometry = models.CharField(
        _("bentuk lokasi"), max_length=10, choices=Geometry.choices, default=Geometry.POINT
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("OPD penanggung jawab"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_categories",
    )
    # An emergency category (fire, flood) is shown with the 112 number and may be escalated
    # to a 112 incident of this type in one step.
    is_emergency = models.BooleanField(_("darurat"), default=False)
    incident_type_code = models.CharField(max_length=40, blank=True)
    # Open311 service definition attributes: [{"code", "datatype", "required", "description",
    # "order", "values": [{"key", "name"}]}]
    attributes = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField(default=100)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("kategori laporan")
        verbose_name_plural = _("kategori laporan")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Category (and optionally kelurahan) → responsible body. A rule for one kelurahan wins
    over the category's default, so "the kelurahan office handles it here" is one row."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="rules")
    # No kelurahan: the category's city-wide rule.
    kelurahan = region_field(_("kelurahan"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "kelurahan"], name="reports_rule_unique"),
            # NULLs are distinct in a unique index, so the city-wide rule needs its own.
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(kelurahan__isnull=True),
                name="reports_rule_citywide_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}/{self.kelurahan_id or '*'} → {self.agency_id}"


class Report(models.Model):
    tracking = models.CharField(_("nomor laporan"), max_length=20, unique=True)
    # Open311 ``token`` and the reporter's key to reopen; random, never shown to staff lists.
    token = models.CharField(max_length=32, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    description = models.TextField(_("uraian"))
    public_description = models.TextField(blank=True)  # phone numbers, NIK, e-mail masked
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    line = models.JSONField(null=True, blank=True)  # [[lat, lon], ...] for a length of street
    # Where the report lies, as incidents say it: the Region rows (the kelurahan's Kemendagri
    # code is ``kelurahan_id``, its name ``kelurahan.nama``); none for "unknown".
    kelurahan = region_field(_("kelurahan"))
    kecamatan = region_field(_("kecamatan"))
    outside_city = models.BooleanField(default=False)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NEW)
    status_notes = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    client = models.CharField(max_length=120, blank=True)  # Open311 application name
    asset_code = models.CharField(_("kode barang/register BMD"), max_length=60, blank=True)
    incident_number = models.CharField(max_length=30, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=20, choices=HideReason.choices, blank=True)
    submitter_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # SP4N-LAPOR! clock: every due time is computed in working days at the step it starts.
    forward_due = models.DateTimeField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    followup_due = models.DateTimeField(null=True, blank=True)
    followup_at = models.DateTimeField(null=True, blank=True)
    close_due = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("laporan warga")
        verbose_name_plural = _("laporan warga")
        permissions = [
            ("act_report", _("Menangani laporan warga OPD-nya")),
            ("moderate_report", _("Memoderasi laporan warga")),
            ("view_reporter_contact", _("Melihat kontak pelapor")),
            ("escalate_report", _("Mengeskalasi laporan ke kejadian 112")),
            ("manage_open311", _("Mengelola kunci aplikasi Open311")),
        ]
        indexes = [
            models.Index(fields=["hidden", "-created_at"], name="reports_public_recent"),
            models.Index(fields=["category", "status", "lat"], name="reports_dup_lookup"),
            models.Index(fields=["agency", "status"], name="reports_agency_status"),
        ]

    def __str__(self) -> str:
        return self.tracking

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReportContact(models.Model):
    """The reporter's contact: personal data, read only through an audited selector."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField(max_length=120, blank=True)
    phone_raw = models.CharField(max_length=40, blank=True)
    phone_e164 = models.CharField(max_length=20, blank=True, db_index=True)
    phone_verified = models.BooleanField(default=False)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return f"kontak {self.report_id}"


class ReportUpdate(models.Model):
    """One step of the report's timeline. Public ones are shown on the tracking page."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=UpdateKind.choices)
    status = models.CharField(max_length=20, choices=ReportStatus.choices, blank=True)
    note = models.TextField(blank=True)
    by_label = models.CharField(max_length=120, blank=True)  # an OPD name, never a person
    is_public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"


def _photo_path(instance: ReportPhoto, filename: str) -> str:
    return f"reports/{timezone.now():%Y/%m}/{filename}"


class ReportPhoto(models.Model):
    """A photo, re-encoded as JPEG without EXIF (so no camera location leaks)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.image.name or ""


class PhoneChallenge(models.Model):
    """A one-time code sent by SMS to prove a reporter owns a phone number."""

    phone_e164 = models.CharField(max_length=20, db_index=True)
    code_digest = models.CharField(max_length=64)
    submitter_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"otp {self.pk}"
