from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kendali.core.choices import TWO_FACTOR_ROLES, AgencyKind, AuditKind, ChannelKind, Role


class Agency(models.Model):
    """An instansi or OPD that responds to incidents or owns assets and devices."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200, unique=True)
    short_name = models.CharField(_("singkatan"), max_length=40)
    kind = models.CharField(_("jenis"), max_length=20, choices=AgencyKind.choices)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    lat = models.FloatField(_("lintang"), null=True, blank=True)
    lon = models.FloatField(_("bujur"), null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        permissions = [("manage_agency", _("Mengelola instansi dan kanal kontaknya"))]

    def __str__(self) -> str:
        return self.short_name


class AgencyChannel(models.Model):
    """How an agency is reached: phone, e-mail, webhook, Telegram chat, radio."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("jenis"), max_length=20, choices=ChannelKind.choices)
    value = models.CharField(_("alamat/nomor"), max_length=500)
    label = models.CharField(_("keterangan"), max_length=100, blank=True)
    is_primary = models.BooleanField(_("utama"), default=False)

    class Meta:
        ordering = ["agency", "-is_primary", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "value"], name="agency_channel_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class User(AbstractUser):
    """A person who logs in. Role = group; agency binds officers and asset managers."""

    full_name = models.CharField(_("nama lengkap"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    phone = models.CharField(_("telepon"), max_length=32, blank=True)
    extension = models.CharField(
        _("ekstensi PBX"), max_length=20, blank=True, help_text=_("Ekstensi telepon petugas 112")
    )
    language = models.CharField(_("bahasa"), max_length=8, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_counter = models.BigIntegerField(default=0)
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["username"]
        permissions = [
            ("view_audit", _("Melihat log audit")),
            ("manage_users", _("Mengelola pengguna")),
            ("manage_tokens", _("Mengelola token mesin")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["extension"],
                condition=~models.Q(extension=""),
                name="user_extension_unique",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def roles(self) -> set[str]:
        if not hasattr(self, "_role_cache"):
            self._role_cache = set(self.groups.values_list("name", flat=True))
        return self._role_cache

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def needs_two_factor(self) -> bool:
        return self.is_superuser or bool(self.roles.intersection(TWO_FACTOR_ROLES))

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def primary_role(self) -> str | None:
        for role in Role.values:
            if role in self.roles:
                return role
        return None


class MachineToken(models.Model):
    """A bearer token for a machine: PBX bridge, sensor, unit, FreeRADIUS, integration.

    Only a SHA-256 digest is stored; the secret is shown once when created.
    Tokens carry scopes and may be bound to one object (a device, a unit, a NAS).
    """

    name = models.CharField(_("nama"), max_length=120)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True)
    # What the token acts for, e.g. ("sensors.device", 12); empty for integration tokens.
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=60, blank=True)
    allowed_ips = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token mesin")
        verbose_name_plural = _("token mesin")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class AuditEntry(models.Model):
    """Append-only: database triggers refuse UPDATE and DELETE (see migration 0002)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=10, choices=AuditKind.choices, default=AuditKind.WRITE)
    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    token = models.ForeignKey(
        MachineToken, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    source_ip = models.GenericIPAddressField(null=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, db_index=True)
    object_id = models.CharField(max_length=80, blank=True, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    # The capability under which one module acted for the person named above
    # ("dispatch.assign_unit"); null for a direct action. Nullable so that adding it never
    # rebuilds the append-only table.
    on_behalf = models.CharField(max_length=120, null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("log audit")
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class Event(models.Model):
    """A published event, kept for a bounded time so screens resume without gaps.

    The id is the SSE event id. Inserts are serialized (SQLite has one writer;
    on PostgreSQL an advisory lock is taken) so ids become visible in order and a
    reader that has seen id N never later discovers an id below N.
    """

    topic = models.CharField(max_length=80, db_index=True)
    data = models.JSONField()
    perm = models.CharField(max_length=100, blank=True)
    agency_ids = models.JSONField(default=list, blank=True)
    # Addressed events (e.g. the 112 screen-pop): only these users receive them.
    user_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.pk} {self.topic}"


class JobState(models.Model):
    """Recorded state of a background loop and the leader lease that keeps one runner."""

    name = models.CharField(max_length=80, primary_key=True)
    leader = models.CharField(max_length=120, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_duration_ms = models.FloatField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    runs = models.PositiveBigIntegerField(default=0)
    failures = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """An in-app inbox entry, for one user or for an agency (all its officers share it).

    Acknowledging is the recipient saying "we have it"; the first acknowledgement counts.
    """

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    title = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("isi"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    ref = models.CharField(max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | models.Q(agency__isnull=False),
                name="notification_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NotificationDelivery(models.Model):
    """One message to one target over one channel: an outbox row with its attempts.

    Written in the caller's transaction (a rollback cancels it), sent after commit
    by a background thread, retried by the ``notifiers.retry`` job.
    """

    kind = models.CharField(max_length=20)
    target = models.CharField(max_length=500)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    ref = models.CharField(max_length=120, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, default="pending", db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.target}: {self.status}"
