from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kendali.incidents.choices import (
    OPEN_STATUSES,
    IncidentSource,
    IncidentStatus,
    LocationFlag,
    Priority,
    TimelineKind,
)
from kendali.regions.fields import region_field


class IncidentType(models.Model):
    """A category of the taxonomy the 112 center uses (kebakaran, banjir, medis, ...)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    default_priority = models.CharField(
        _("prioritas bawaan"), max_length=2, choices=Priority.choices, default=Priority.P3
    )
    shortcut = models.CharField(
        _("pintasan konsol"), max_length=8, blank=True, help_text=_("Tombol singkat di konsol 112")
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=100)
    default_agencies = models.ManyToManyField(
        "core.Agency",
        blank=True,
        related_name="default_incident_types",
        verbose_name=_("instansi bawaan"),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("jenis kejadian")
        verbose_name_plural = _("jenis kejadian")
        constraints = [
            models.UniqueConstraint(
                fields=["shortcut"],
                condition=~models.Q(shortcut=""),
                name="incident_type_shortcut_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class IncidentCounter(models.Model):
    """The last readable number handed out per year (112-YYYY-NNNNNN)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("penghitung nomor kejadian")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class IncidentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Incident(models.Model):
    number = models.CharField(_("nomor"), max_length=20, unique=True)
    type = models.ForeignKey(
        IncidentType, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("jenis")
    )
    priority = models.CharField(_("prioritas"), max_length=2, choices=Priority.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=IncidentStatus.choices,
        default=IncidentStatus.BARU,
        db_index=True,
    )
    source = models.CharField(
        _("sumber"), max_length=10, choices=IncidentSource.choices, default=IncidentSource.MANUAL
    )
    lat = models.FloatField(_("lintang"), null=True, blank=True)
    lon = models.FloatField(_("bujur"), null=True, blank=True)
    location_flag = models.CharField(
        _("catatan lokasi"), max_length=20, choices=LocationFlag.choices, blank=True, default=""
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    kelurahan = region_field(_("kelurahan"))
    kecamatan = region_field(_("kecamatan"))
    description = models.TextField(_("uraian"), blank=True)
    # Personal data (UU 27/2022): every read is audited; blanked after the retention period.
    reporter_name = models.CharField(_("nama pelapor"), max_length=200, blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=40, blank=True)
    reporter_blanked_at = models.DateTimeField(null=True, blank=True, editable=False)
    agencies = models.ManyToManyField(
        "core.Agency",
        blank=True,
        related_name="incidents",
        verbose_name=_("instansi penanggung jawab"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("digabung ke"),
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kejadian")
        verbose_name_plural = _("kejadian")
        permissions = [
            ("view_reporter_contact", _("Melihat kontak pelapor kejadian")),
            ("merge_incident", _("Menggabungkan kejadian ganda")),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="incident_status_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(lat__isnull=True) & models.Q(lon__isnull=True))
                | (
                    models.Q(lat__gte=-90)
                    & models.Q(lat__lte=90)
                    & models.Q(lon__gte=-180)
                    & models.Q(lon__lte=180)
                ),
                name="incident_coordinates_possible",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")),
                name="incident_not_merged_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


class IncidentTimeline(models.Model):
    """One line of an incident's history: a change, a note, a linked call, a dispatch."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(_("waktu"), db_index=True)
    kind = models.CharField(_("jenis"), max_length=30)
    actor_label = models.CharField(_("oleh"), max_length=200, blank=True)
    summary = models.CharField(_("ringkasan"), max_length=500)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("riwayat kejadian")
        verbose_name_plural = _("riwayat kejadian")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}: {self.summary}"

    @property
    def kind_label(self) -> str:
        try:
            return str(TimelineKind(self.kind).label)
        except ValueError:
            return self.kind


class IdempotentRequest(models.Model):
    """The first answer to a create request carrying an Idempotency-Key, per actor."""

    key = models.CharField(max_length=200)
    actor_key = models.CharField(max_length=220)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor_key", "key"], name="incident_idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.actor_key} {self.key}"
