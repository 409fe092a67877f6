"""Parks, their hotspots, quota groups, Wi-Fi subscribers, vouchers and RADIUS accounting."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kendali.regions.fields import region_field
from kendali.wifi.choices import ApStatus, AuthResult, SubscriberKind


class Park(models.Model):
    name = models.CharField(_("nama"), max_length=120, unique=True)
    address = models.CharField(_("alamat"), max_length=250, blank=True)
    lat = models.FloatField(_("lintang"))
    lon = models.FloatField(_("bujur"))
    # Where the park lies, as incidents and sensors say it: the Region rows (the kelurahan's
    # Kemendagri code is ``kelurahan_id``; its name ``kelurahan.nama``).
    kelurahan = region_field(_("kelurahan"))
    kecamatan = region_field(_("kecamatan"))
    opens_at = models.TimeField(_("buka"), null=True, blank=True)
    closes_at = models.TimeField(_("tutup"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("taman")
        verbose_name_plural = _("taman")
        permissions = [
            ("view_wifi_usage", "Lihat penggunaan Wi-Fi"),
            ("export_wifi_usage", "Unduh penggunaan Wi-Fi (CSV)"),
        ]

    def __str__(self) -> str:
        return self.name


class AccessPoint(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="access_points")
    name = models.CharField(_("nama"), max_length=120)
    mac = models.CharField(_("alamat MAC"), max_length=17, unique=True)
    model = models.CharField(_("model"), max_length=120, blank=True)
    nas_ip = models.GenericIPAddressField(_("IP NAS"), unique=True)
    secret_encrypted = models.TextField(_("rahasia bersama (terenkripsi)"))
    ssid = models.CharField(_("SSID"), max_length=32)
    uplink = models.CharField(_("uplink"), max_length=120, blank=True)
    heartbeat_interval = models.PositiveIntegerField(_("interval detak (detik)"), default=60)
    status = models.CharField(max_length=10, choices=ApStatus.choices, default=ApStatus.UNKNOWN)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["park__name", "name"]
        verbose_name = _("titik akses")
        verbose_name_plural = _("titik akses")

    def __str__(self) -> str:
        return f"{self.name} ({self.park})"


class QuotaGroup(models.Model):
    """Limits of a group of subscribers; 0 means unlimited."""

    name = models.CharField(_("nama"), max_length=80, unique=True)
    daily_seconds = models.PositiveIntegerField(_("waktu per hari (detik)"), default=0)
    daily_octets = models.PositiveBigIntegerField(_("data per hari (byte)"), default=0)
    monthly_octets = models.PositiveBigIntegerField(_("data per bulan (byte)"), default=0)
    simultaneous_use = models.PositiveSmallIntegerField(_("perangkat bersamaan"), default=1)
    rate_down_kbps = models.PositiveIntegerField(_("kecepatan unduh (kbps)"), default=0)
    rate_up_kbps = models.PositiveIntegerField(_("kecepatan unggah (kbps)"), default=0)
    is_default = models.BooleanField(_("grup bawaan pendaftaran ponsel"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("grup kuota")
        verbose_name_plural = _("grup kuota")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="wifi_one_default_group"
            )
        ]

    def __str__(self) -> str:
        return self.name


class VoucherBatch(models.Model):
    name = models.CharField(_("nama"), max_length=120)
    group = models.ForeignKey(QuotaGroup, on_delete=models.PROTECT, related_name="batches")
    park = models.ForeignKey(Park, null=True, blank=True, on_delete=models.SET_NULL)
    count = models.PositiveIntegerField(_("jumlah"))
    expires_at = models.DateTimeField(_("kedaluwarsa"))
    created_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kumpulan voucher")
        verbose_name_plural = _("kumpulan voucher")

    def __str__(self) -> str:
        return self.name


class Voucher(models.Model):
    batch = models.ForeignKey(VoucherBatch, on_delete=models.CASCADE, related_name="vouchers")
    # Looked up by keyed digest; the encrypted copy only serves reprinting the sheet.
    code_digest = models.CharField(max_length=64, unique=True)
    code_encrypted = models.TextField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"voucher #{self.pk} ({self.batch_id})"


class Subscriber(models.Model):
    """Someone who may connect. ``username`` is what the NAS sends; the password is a
    credential issued by the portal, stored as a keyed digest (see kendali.wifi.crypto)."""

    username = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=SubscriberKind.choices)
    # Keyed digest of the E.164 number: analytics and limits never see the number itself.
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True)
    voucher = models.OneToOneField(Voucher, null=True, blank=True, on_delete=models.SET_NULL)
    group = models.ForeignKey(QuotaGroup, on_delete=models.PROTECT, related_name="subscribers")
    credential_digest = models.CharField(max_length=64, blank=True)
    credential_expires_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["phone_digest"], condition=~Q(phone_digest=""), name="wifi_one_per_phone"
            )
        ]

    def __str__(self) -> str:
        return self.username


class OtpChallenge(models.Model):
    phone_digest = models.CharField(max_length=64, db_index=True)
    code_digest = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"OTP #{self.pk}"


class PortalFailure(models.Model):
    """A wrong OTP or voucher code, counted per number and per IP for the lockout."""

    kind = models.CharField(max_length=10)  # "otp" | "voucher"
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at}"


class RadiusSession(models.Model):
    """One accounting session (Acct-Start … Stop) as reported by the NAS."""

    unique_id = models.CharField(max_length=64, unique=True)
    session_id = models.CharField(max_length=64)
    subscriber = models.ForeignKey(
        Subscriber, null=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    username = models.CharField(max_length=64)
    access_point = models.ForeignKey(
        AccessPoint, null=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    park = models.ForeignKey(Park, null=True, on_delete=models.SET_NULL, related_name="sessions")
    nas_ip = models.GenericIPAddressField()
    framed_ip = models.GenericIPAddressField(null=True, blank=True)
    # Keyed digest of the device MAC (personal data); enough to count devices.
    device_digest = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    session_time = models.PositiveIntegerField(default=0)
    input_octets = models.PositiveBigIntegerField(default=0)
    output_octets = models.PositiveBigIntegerField(default=0)
    terminate_cause = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [
            # The counters of authorize: one user's sessions since the start of the month.
            models.Index(fields=["subscriber", "started_at"], name="wifi_sess_sub_start"),
            models.Index(fields=["park", "started_at"], name="wifi_sess_park_start"),
            models.Index(
                fields=["access_point"],
                condition=Q(stopped_at__isnull=True),
                name="wifi_sess_open_by_ap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.session_id}"

    @property
    def total_octets(self) -> int:
        return self.input_octets + self.output_octets


class RadiusEvent(models.Model):
    """Refusals and problems on the RADIUS path: rejected logins, unknown NAS, bad accounting."""

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20)  # "auth" or a RadiusProblem value
    result = models.CharField(max_length=10, choices=AuthResult.choices, blank=True)
    username = models.CharField(max_length=64, blank=True)
    source_ip = models.GenericIPAddressField(null=True)
    access_point = models.ForeignKey(AccessPoint, null=True, on_delete=models.SET_NULL)
    reason = models.CharField(max_length=250, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.username} {self.at}"


class Announcement(models.Model):
    """A city announcement on the portal splash (all parks when ``park`` is empty)."""

    text = models.CharField(_("teks"), max_length=300)
    park = models.ForeignKey(Park, null=True, blank=True, on_delete=models.CASCADE)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("pengumuman")
        verbose_name_plural = _("pengumuman")

    def __str__(self) -> str:
        return self.text[:60]


class DailyUsage(models.Model):
    """Per park and day (WIB), rolled up from accounting so raw sessions can be purged."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="daily_usage")
    day = models.DateField()
    unique_users = models.PositiveIntegerField(default=0)
    sessions = models.PositiveIntegerField(default=0)
    input_octets = models.PositiveBigIntegerField(default=0)
    output_octets = models.PositiveBigIntegerField(default=0)
    session_seconds = models.PositiveBigIntegerField(default=0)
    peak_concurrency = models.PositiveIntegerField(default=0)
    hourly_sessions = models.JSONField(default=list)  # 24 counts of sessions active per hour

    class Meta:
        ordering = ["-day", "park__name"]
        constraints = [models.UniqueConstraint(fields=["park", "day"], name="wifi_usage_park_day")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.day}"
