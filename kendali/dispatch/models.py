from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kendali.dispatch.choices import (
    ACTIVE_ASSIGNMENT,
    AssignmentStatus,
    Outcome,
    ReferralStatus,
    Shift,
    SlaKind,
    UnitKind,
    UnitStatus,
)

USER = settings.AUTH_USER_MODEL


class Unit(models.Model):
    """A vehicle or team of an agency (armada) that can be sent to an incident."""

    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="units", verbose_name=_("instansi")
    )
    callsign = models.CharField(_("tanda panggil"), max_length=40, unique=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=UnitKind.choices)
    capabilities = models.JSONField(_("kemampuan"), default=list, blank=True)
    station = models.CharField(_("pos/markas"), max_length=200, blank=True)
    home_lat = models.FloatField(_("lintang markas"))
    home_lon = models.FloatField(_("bujur markas"))
    status = models.CharField(
        _("status"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.TERSEDIA
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    lat = models.FloatField(_("lintang terakhir"), null=True, blank=True)
    lon = models.FloatField(_("bujur terakhir"), null=True, blank=True)
    position_at = models.DateTimeField(null=True, blank=True)
    current_assignment = models.ForeignKey(
        "Assignment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # Set by database triggers on every insert/change (see dispatch.travel): lets the
    # recommendation index fetch only the units that changed. Never written by code.
    index_version = models.BigIntegerField(default=0, db_index=True, editable=False)

    class Meta:
        ordering = ["agency__short_name", "callsign"]
        verbose_name = _("unit")
        verbose_name_plural = _("unit")
        permissions = [
            ("operate_unit", _("Mengubah status dan posisi unit (kru)")),
            ("assign_unit", _("Menugaskan unit ke kejadian")),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="unit_status_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(home_lat__gte=-90, home_lat__lte=90)
                & models.Q(home_lon__gte=-180, home_lon__lte=180),
                name="unit_home_possible",
            )
        ]

    def __str__(self) -> str:
        return self.callsign

    @property
    def cur_lat(self) -> float:
        return self.lat if self.lat is not None else self.home_lat

    @property
    def cur_lon(self) -> float:
        return self.lon if self.lon is not None else self.home_lon


class UnitStatusLog(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="status_log")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    from_status = models.CharField(max_length=12, choices=UnitStatus.choices)
    to_status = models.CharField(max_length=12, choices=UnitStatus.choices)
    actor_label = models.CharField(max_length=200, blank=True)
    assignment = models.ForeignKey(
        "Assignment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.from_status}→{self.to_status}"


class UnitPosition(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="positions")
    at = models.DateTimeField(db_index=True)
    lat = models.FloatField()
    lon = models.FloatField()
    accuracy_m = models.FloatField(null=True, blank=True)
    # Who reported it (crew token, tracker or person): the position history is its own
    # audit trail, one row per position rather than an audit entry per report.
    reported_by = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["unit", "-at"], name="unitpos_unit_at")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.lat},{self.lon}"


class RunCard(models.Model):
    """What to send for a type and priority (kartu pengerahan)."""

    incident_type = models.ForeignKey(
        "incidents.IncidentType", on_delete=models.CASCADE, related_name="run_cards"
    )
    priority = models.CharField(_("prioritas"), max_length=2)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["incident_type__order", "priority"]
        verbose_name = _("kartu pengerahan")
        verbose_name_plural = _("kartu pengerahan")
        constraints = [
            models.UniqueConstraint(fields=["incident_type", "priority"], name="runcard_unique")
        ]

    def __str__(self) -> str:
        return f"{self.incident_type_id} {self.priority}"


class RunCardLine(models.Model):
    run_card = models.ForeignKey(RunCard, on_delete=models.CASCADE, related_name="lines")
    agency = models.ForeignKey("core.Agency", on_delete=models.CASCADE, null=True, blank=True)
    kind = models.CharField(_("jenis unit"), max_length=20, choices=UnitKind.choices)
    count = models.PositiveSmallIntegerField(_("jumlah"), default=1)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.count}× {self.kind}"


class Assignment(models.Model):
    """One unit sent to one incident."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.DITUGASKAN
    )
    assigned_at = models.DateTimeField(default=timezone.now, db_index=True)
    assigned_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    en_route_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        permissions = [("acknowledge_assignment", _("Menerima penugasan instansi"))]
        constraints = [
            # The database backs the service's conditional UPDATE: one active assignment per unit.
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(status__in=[s.value for s in ACTIVE_ASSIGNMENT]),
                name="assignment_one_active_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.incident_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT

    @property
    def ref(self) -> str:
        return f"dispatch.assignment:{self.pk}"


class FieldReport(models.Model):
    """An agency's report from the field (laporan lapangan)."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="field_reports"
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    outcome = models.CharField(_("hasil"), max_length=20, choices=Outcome.choices)
    actions = models.TextField(_("tindakan"))
    casualties_dead = models.PositiveIntegerField(_("korban meninggal"), default=0)
    casualties_injured = models.PositiveIntegerField(_("korban luka"), default=0)
    notes = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        permissions = [("close_override", _("Menutup kejadian tanpa laporan lapangan"))]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.agency_id} {self.outcome}"


class FieldReportPhoto(models.Model):
    report = models.ForeignKey(FieldReport, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="dispatch/laporan/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.image.name


class Referral(models.Model):
    """An incident handed to a non-emergency agency (PLN, PDAM, Satpol PP, ...)."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="referrals"
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("pesan"), blank=True)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.DIKIRIM
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("penyelesaian"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "agency"], name="referral_unique")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.agency_id}"

    @property
    def ref(self) -> str:
        return f"dispatch.referral:{self.pk}"


class SlaTarget(models.Model):
    """A target in seconds; the most specific row wins (type+priority, type, priority, all)."""

    kind = models.CharField(max_length=12, choices=SlaKind.choices)
    incident_type = models.ForeignKey(
        "incidents.IncidentType", on_delete=models.CASCADE, null=True, blank=True
    )
    priority = models.CharField(max_length=2, blank=True)
    seconds = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "incident_type", "priority"], name="slatarget_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.incident_type_id or '*'} {self.priority or '*'}: {self.seconds}"


class SlaBreach(models.Model):
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="sla_breaches"
    )
    kind = models.CharField(max_length=12, choices=SlaKind.choices)
    target_seconds = models.PositiveIntegerField()
    detected_at = models.DateTimeField(default=timezone.now, db_index=True)
    reason = models.CharField(_("alasan"), max_length=300)

    class Meta:
        ordering = ["-detected_at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind"], name="slabreach_unique")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"


class ShiftLog(models.Model):
    """One shift's handover: open incidents and notes, acknowledged by the next supervisor."""

    shift_date = models.DateField(_("tanggal"))
    shift = models.CharField(_("sif"), max_length=6, choices=Shift.choices)
    notes = models.TextField(_("catatan serah terima"), blank=True)
    open_incidents = models.JSONField(default=list, blank=True)
    handed_over_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    handed_over_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shift_date", "-handed_over_at"]
        constraints = [
            models.UniqueConstraint(fields=["shift_date", "shift"], name="shiftlog_unique")
        ]

    def __str__(self) -> str:
        return f"{self.shift_date} {self.shift}"
