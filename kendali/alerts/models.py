"""Public warnings as CAP 1.2 messages.

One ``Alert`` is one CAP message (Alert, Update or Cancel). The values every ``info`` block
shares — category, urgency, severity, certainty, times, sender name, contact, web — live on
the Alert once, because the form has one set of them and two copies could drift apart; each
``AlertInfo`` carries the words of one language (id-ID always, en-US optionally). Every
``AlertArea`` is repeated inside each info block when the document is rendered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kendali.alerts.choices import (
    LANG_ID,
    AlertState,
    AreaKind,
    CapStatus,
    Category,
    Certainty,
    MsgType,
    Severity,
    Urgency,
)


class Alert(models.Model):
    identifier = models.CharField(_("identitas CAP"), max_length=120, unique=True)
    sender = models.CharField(_("pengirim CAP"), max_length=200)
    sent = models.DateTimeField(_("dikirim"), null=True, blank=True)
    status = models.CharField(
        _("status CAP"), max_length=10, choices=CapStatus.choices, default=CapStatus.ACTUAL
    )
    msg_type = models.CharField(
        _("jenis pesan"), max_length=10, choices=MsgType.choices, default=MsgType.ALERT
    )
    scope = models.CharField(_("cakupan"), max_length=10, default="Public", editable=False)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("memperbarui/membatalkan"),
    )
    state = models.CharField(
        _("tahap"),
        max_length=12,
        choices=AlertState.choices,
        default=AlertState.DRAFT,
        db_index=True,
    )
    source = models.CharField(_("sumber"), max_length=200, blank=True)
    note = models.TextField(_("catatan CAP"), blank=True)

    categories = models.JSONField(_("kategori"), default=list)
    urgency = models.CharField(_("urgensi"), max_length=10, choices=Urgency.choices)
    severity = models.CharField(_("keparahan"), max_length=10, choices=Severity.choices)
    certainty = models.CharField(_("kepastian"), max_length=10, choices=Certainty.choices)
    sender_name = models.CharField(_("nama pengirim"), max_length=200)
    contact = models.CharField(_("kontak"), max_length=200, blank=True)
    web = models.URLField(_("tautan informasi"), blank=True)
    effective = models.DateTimeField(_("berlaku sejak"), null=True, blank=True)
    onset = models.DateTimeField(_("perkiraan mulai"), null=True, blank=True)
    expires = models.DateTimeField(_("berakhir"), db_index=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="alerts_authored",
        verbose_name=_("penyusun"),
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts_approved",
        verbose_name=_("penyetuju"),
    )
    review_note = models.TextField(_("catatan penyetuju"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # superseded, cancelled or expired
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("peringatan publik")
        verbose_name_plural = _("peringatan publik")
        permissions = [
            ("draft_alert", "Menyusun peringatan publik"),
            ("approve_alert", "Menyetujui dan menerbitkan peringatan publik"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(onset__isnull=True) | Q(expires__gt=F("onset")),
                name="alerts_expires_after_onset",
            ),
            models.CheckConstraint(
                condition=Q(effective__isnull=True) | Q(expires__gt=F("effective")),
                name="alerts_expires_after_effective",
            ),
            models.CheckConstraint(
                condition=Q(msg_type="Alert") | Q(replaces__isnull=False),
                name="alerts_update_cancel_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.identifier

    def info(self, language: str = LANG_ID):
        for info in self.infos.all():
            if info.language == language:
                return info
        return None

    @property
    def headline(self) -> str:
        info = self.info()
        return info.headline if info else ""

    @property
    def event(self) -> str:
        info = self.info()
        return info.event if info else ""

    @property
    def category_labels(self) -> list[str]:
        """The CAP categories in words ("Meteorologi (banjir, cuaca)", not "Met")."""
        return [str(Category(c).label) if c in Category.values else c for c in self.categories]


class AlertInfo(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="infos")
    language = models.CharField(_("bahasa"), max_length=10)
    event = models.CharField(_("kejadian"), max_length=200)
    headline = models.CharField(_("judul"), max_length=160)
    description = models.TextField(_("uraian"))
    instruction = models.TextField(_("arahan bagi warga"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "language"], name="alerts_one_info_per_lang")
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.headline}"


class AlertArea(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="areas")
    kind = models.CharField(_("jenis wilayah"), max_length=10, choices=AreaKind.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_km = models.FloatField(null=True, blank=True)
    description = models.CharField(_("uraian wilayah"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="circle") & Q(radius_km__gt=0) & Q(lat__isnull=False))
                | (~Q(kind="circle") & Q(region__isnull=False)),
                name="alerts_area_region_or_circle",
            )
        ]

    def __str__(self) -> str:
        return self.description or str(self.region)
