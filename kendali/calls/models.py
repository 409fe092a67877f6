"""Calls to 112, the telephony events that built them, callers and the blocking policy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kendali.calls.choices import CallSource, CallState, EventKind, NumberFlag, Outcome


class Caller(models.Model):
    """One profile per number (E.164 when it parses, the raw text otherwise).

    Counts by outcome are computed from the calls (indexed on caller + offered_at);
    the block state lives here. A block is advisory: calls are always recorded."""

    number = models.CharField(_("nomor"), max_length=40, unique=True)
    is_valid = models.BooleanField(_("nomor valid"), default=True)
    first_call_at = models.DateTimeField(null=True, blank=True)
    last_call_at = models.DateTimeField(null=True, blank=True)
    blocked_at = models.DateTimeField(null=True, blank=True)
    blocked_until = models.DateTimeField(_("diblokir sampai"), null=True, blank=True)
    block_reason = models.CharField(_("alasan blokir"), max_length=300, blank=True)
    permanent_block_requested = models.BooleanField(_("blokir permanen diajukan"), default=False)
    permanent_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_call_at"]
        verbose_name = _("penelepon")
        verbose_name_plural = _("penelepon")
        permissions = [
            ("view_caller_number", _("Melihat nomor penelepon")),
            ("manage_blocking", _("Mengelola kebijakan dan daftar blokir")),
        ]
        indexes = [models.Index(fields=["blocked_until"])]

    def __str__(self) -> str:
        return f"penelepon #{self.pk}"

    def is_blocked(self, now=None) -> bool:
        now = now or timezone.now()
        return self.permanent_block_requested or (
            self.blocked_until is not None and self.blocked_until > now
        )


class Call(models.Model):
    pbx_call_id = models.CharField(_("ID panggilan PBX"), max_length=100, blank=True)
    source = models.CharField(max_length=10, choices=CallSource.choices, default=CallSource.PBX)
    number_raw = models.CharField(_("nomor (mentah)"), max_length=80, blank=True)
    number_e164 = models.CharField(_("nomor (E.164)"), max_length=20, blank=True)
    number_flag = models.CharField(
        max_length=10, choices=NumberFlag.choices, default=NumberFlag.VALID, blank=True
    )
    caller = models.ForeignKey(
        Caller, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    trunk = models.CharField(_("trunk/jalur"), max_length=60, blank=True)
    state = models.CharField(max_length=10, choices=CallState.choices, default=CallState.RINGING)
    offered_at = models.DateTimeField(_("masuk"), default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(_("dijawab"), null=True, blank=True)
    ended_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    abandoned = models.BooleanField(default=False)
    call_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls_taken",
    )
    extension = models.CharField(_("ekstensi"), max_length=20, blank=True)
    transferred_to = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(_("hasil"), max_length=20, choices=Outcome.choices, blank=True)
    classified_at = models.DateTimeField(null=True, blank=True)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("catatan"), blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    # Whether the caller was blocked when the call arrived (advisory, shown to the call-taker).
    caller_was_blocked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-offered_at"]
        verbose_name = _("panggilan")
        verbose_name_plural = _("panggilan")
        permissions = [
            ("classify_call", _("Menjawab dan mengklasifikasikan panggilan 112")),
            ("view_call_report", _("Melihat laporan layanan 112")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pbx_call_id"],
                condition=~models.Q(pbx_call_id=""),
                name="call_pbx_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["caller", "offered_at"]),
            models.Index(fields=["call_taker", "offered_at"]),
            models.Index(fields=["state", "offered_at"]),
        ]

    def __str__(self) -> str:
        return f"panggilan #{self.pk}"

    @property
    def number_display(self) -> str:
        return self.number_e164 or self.number_raw or str(_("(disembunyikan)"))

    @property
    def answer_seconds(self) -> float | None:
        if self.answered_at is None:
            return None
        return max(0.0, (self.answered_at - self.offered_at).total_seconds())


class TelephonyEvent(models.Model):
    """Every event the PBX sent; (call id, kind) is unique so a repeat is ignored."""

    pbx_call_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict, blank=True)
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["pbx_call_id", "kind"], name="telephony_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.pbx_call_id} {self.kind}"


class BlockPolicy(models.Model):
    """The blocking policy (a singleton, pk=1). Defaults are Kota Serang's rule."""

    is_active = models.BooleanField(_("aktif"), default=True)
    block_threshold = models.PositiveIntegerField(
        _("blokir sementara bila panggilan iseng lebih dari"), default=5
    )
    block_window_hours = models.PositiveIntegerField(_("jendela hitung (jam)"), default=24)
    block_hours = models.PositiveIntegerField(_("lama blokir (jam)"), default=24)
    permanent_threshold = models.PositiveIntegerField(
        _("ajukan blokir permanen bila lebih dari"), default=10
    )
    permanent_window_days = models.PositiveIntegerField(
        _("jendela blokir permanen (hari)"), default=30
    )
    count_ghost = models.BooleanField(_("panggilan ghost dihitung iseng"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("kebijakan blokir")

    def __str__(self) -> str:
        return "kebijakan blokir"

    @classmethod
    def current(cls) -> BlockPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy

    @property
    def prank_outcomes(self) -> list[str]:
        return [Outcome.ISENG] + ([Outcome.GHOST] if self.count_ghost else [])


class RetentionSetting(models.Model):
    """How long callers' personal data (numbers, notes) is kept (singleton, pk=1)."""

    number_days = models.PositiveIntegerField(_("simpan nomor penelepon (hari)"), default=365)

    def __str__(self) -> str:
        return "masa simpan data penelepon"

    @classmethod
    def current(cls) -> RetentionSetting:
        setting, _created = cls.objects.get_or_create(pk=1)
        return setting


__all__ = ["BlockPolicy", "Call", "Caller", "EventKind", "RetentionSetting", "TelephonyEvent"]
