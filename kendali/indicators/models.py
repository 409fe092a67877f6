"""Entered figures (with a second person's approval), yearly targets, the yearly snapshots of
live figures, and the open-data download counter. Indicators and components themselves are
data in ``data/catalogue.json`` (see ``catalogue.py``), referred to here by code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kendali.indicators.choices import FigureStatus


class EnteredFigure(models.Model):
    """One figure an OPD enters for one indicator and year, with its evidence. It counts
    only once a second person approved it; corrections are a new figure after a refusal."""

    indicator_code = models.CharField(_("indikator"), max_length=20, db_index=True)
    year = models.PositiveSmallIntegerField(_("tahun"))
    value = models.FloatField(_("nilai"))
    unit = models.CharField(_("satuan"), max_length=40)
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("OPD")
    )
    evidence = models.TextField(_("bukti dukung"))
    evidence_url = models.URLField(_("tautan bukti"), blank=True)
    note = models.TextField(_("catatan"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FigureStatus.choices,
        default=FigureStatus.SUBMITTED,
        db_index=True,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("diisi oleh"),
    )
    entered_at = models.DateTimeField(_("diisi"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditinjau oleh"),
    )
    reviewed_at = models.DateTimeField(_("ditinjau"), null=True, blank=True)
    review_note = models.TextField(_("catatan peninjau"), blank=True)

    class Meta:
        ordering = ["-year", "indicator_code", "-entered_at"]
        verbose_name = _("angka indikator")
        verbose_name_plural = _("angka indikator")
        permissions = [
            ("view_indicators", "Melihat indikator kota cerdas"),
            ("enter_figure", "Mengisi angka indikator OPD"),
            ("approve_figure", "Menyetujui angka indikator OPD"),
            ("manage_target", "Menetapkan target indikator"),
        ]
        constraints = [
            # One approved figure per indicator and year; one waiting at a time.
            models.UniqueConstraint(
                fields=["indicator_code", "year"],
                condition=Q(status="disetujui"),
                name="indicators_one_approved_per_year",
            ),
            models.UniqueConstraint(
                fields=["indicator_code", "year"],
                condition=Q(status="diajukan"),
                name="indicators_one_waiting_per_year",
            ),
            # Four eyes, in the database too.
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("entered_by")),
                name="indicators_reviewer_not_enterer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.year}: {self.value:g} {self.unit}"


class Target(models.Model):
    """The target of one indicator for one year, from the smart-city grand design, with the
    SPBE peta rencana initiatives expected to move it (their codes, plain strings)."""

    indicator_code = models.CharField(_("indikator"), max_length=20)
    year = models.PositiveSmallIntegerField(_("tahun"))
    value = models.FloatField(_("target"))
    initiatives = models.JSONField(_("inisiatif peta rencana SPBE"), default=list, blank=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator_code", "year"]
        verbose_name = _("target indikator")
        verbose_name_plural = _("target indikator")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_code", "year"], name="indicators_one_target_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.year} → {self.value:g}"


class FigureSnapshot(models.Model):
    """A live figure's value for one year (the current year: so far), as last computed by the
    ``indicators.snapshot`` job: the overview reads five years of these in one query, and a
    year's figure survives the source module purging old raw data."""

    figure_key = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField()
    value = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    by_kecamatan = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["figure_key", "year"], name="indicators_snapshot_key")
        ]

    def __str__(self) -> str:
        return f"{self.figure_key} {self.year}: {self.value}"


class DatasetDownload(models.Model):
    """How often each open data set was downloaded per day and format (a statistic for the
    open-data indicator; no requester is recorded)."""

    dataset_key = models.CharField(max_length=80)
    day = models.DateField()
    format = models.CharField(max_length=8)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset_key", "day", "format"], name="indicators_download_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset_key} {self.day} {self.format}: {self.count}"
