from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kendali.core.formatting import number_text
from kendali.sensors.choices import (
    VARIABLE_LABELS,
    AlarmStatus,
    DeviceKind,
    DeviceStatus,
    Level,
    Operator,
    RuleKind,
)


class Device(models.Model):
    """A field sensor. ``code`` is its FIWARE-style id, used in MQTT topics and the API."""

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=30, choices=DeviceKind.choices)
    lat = models.FloatField(_("lintang"), null=True, blank=True)
    lon = models.FloatField(_("bujur"), null=True, blank=True)
    kelurahan = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kecamatan = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="devices", verbose_name=_("OPD")
    )
    heartbeat_seconds = models.PositiveIntegerField(_("interval kirim (detik)"), default=300)
    is_active = models.BooleanField(_("aktif"), default=True)
    status = models.CharField(
        max_length=10, choices=DeviceStatus.choices, default=DeviceStatus.UNKNOWN
    )
    # FIWARE dateLastValueReported: the newest reading time received.
    last_value_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("perangkat sensor")
        verbose_name_plural = _("perangkat sensor")
        permissions = [("ingest_reading", _("Mengirim/mengimpor data sensor"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Variable(models.Model):
    """A measured quantity of a device (FIWARE attribute name) with its unit."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="variables")
    name = models.CharField(_("nama variabel"), max_length=60)
    unit = models.CharField(_("satuan"), max_length=20, blank=True)
    last_value = models.FloatField(null=True, blank=True)
    last_time = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["device", "name"]
        constraints = [
            models.UniqueConstraint(fields=["device", "name"], name="sensors_variable_unique")
        ]

    def __str__(self) -> str:
        return f"{self.device.code}.{self.name}"

    @property
    def label(self) -> str:
        """How a person names it: "Tinggi muka air", not the FIWARE ``currentLevel``."""
        text = str(VARIABLE_LABELS.get(self.name, self.name))
        return text[:1].upper() + text[1:]

    @property
    def label_with_unit(self) -> str:
        """ "Tinggi muka air (m)"; a switch has no unit to show."""
        unit = "" if self.is_switch else self.unit
        return f"{self.label} ({unit})" if unit else self.label

    @property
    def is_switch(self) -> bool:
        return self.unit.lower() in ("on/off", "onoff", "boolean")

    def value_text(self, value: float | None = None) -> str:
        """A value as read aloud: "nyala"/"padam" for a switch, else a decimal comma."""
        value = self.last_value if value is None else value
        if value is None:
            return "—"
        if self.is_switch:
            return gettext("nyala") if value >= 0.5 else gettext("padam")
        text = number_text(value, 2)
        return f"{text} {self.unit}" if self.unit else text

    @property
    def last_value_text(self) -> str:
        return self.value_text()


class Reading(models.Model):
    """A raw reading. Unique per (variable, time): re-sent readings are ignored."""

    id = models.BigAutoField(primary_key=True)
    variable = models.ForeignKey(Variable, on_delete=models.CASCADE, db_index=False)
    time = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variable", "time"], name="sensors_reading_unique")
        ]

    def __str__(self) -> str:
        return f"{self.variable_id}@{self.time:%Y-%m-%d %H:%M:%S}={self.value:g}"


class RollupBase(models.Model):
    id = models.BigAutoField(primary_key=True)
    variable = models.ForeignKey(Variable, on_delete=models.CASCADE, db_index=False)
    bucket = models.DateTimeField()
    count = models.PositiveIntegerField()
    total = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.variable_id}@{self.bucket:%Y-%m-%d %H:%M} n={self.count}"

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else float("nan")


class RollupMinute(RollupBase):
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variable", "bucket"], name="sensors_rollup1m_unique")
        ]


class RollupHour(RollupBase):
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variable", "bucket"], name="sensors_rollup1h_unique")
        ]


class Rule(models.Model):
    """An alarm rule on one variable of one device (offline rules: on the device)."""

    name = models.CharField(_("nama"), max_length=200)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="rules")
    variable = models.CharField(_("variabel"), max_length=60, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=RuleKind.choices)
    operator = models.CharField(
        max_length=10, choices=Operator.choices, default=Operator.ABOVE, blank=True
    )
    threshold = models.FloatField(_("ambang"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("durasi (detik)"), default=0)
    # rate of rise: rise of `threshold` within `window_seconds`
    window_seconds = models.PositiveIntegerField(_("jendela (detik)"), default=0)
    # level bands (floods): lower bound of each level
    waspada = models.FloatField(null=True, blank=True)
    siaga = models.FloatField(null=True, blank=True)
    awas = models.FloatField(null=True, blank=True)
    level = models.CharField(
        _("tingkat alarm"), max_length=10, choices=Level.choices, default=Level.SIAGA
    )
    # automatic 112 incident when the alarm reaches `incident_level`, once per episode
    open_incident = models.BooleanField(_("buka kejadian 112 otomatis"), default=False)
    incident_level = models.CharField(
        max_length=10, choices=Level.choices, default=Level.AWAS, blank=True
    )
    incident_type = models.CharField(max_length=40, default="banjir", blank=True)
    incident_priority = models.CharField(max_length=4, default="P1", blank=True)
    incident_agencies = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["device", "name"]
        verbose_name = _("aturan alarm")
        verbose_name_plural = _("aturan alarm")

    def __str__(self) -> str:
        return self.name

    @property
    def variable_label(self) -> str:
        text = str(VARIABLE_LABELS.get(self.variable, self.variable))
        return text[:1].upper() + text[1:]


class RuleState(models.Model):
    """Evaluation state of a rule: when its condition became true, the newest reading seen,
    and whether an episode is open (so one episode raises one alarm)."""

    rule = models.OneToOneField(Rule, on_delete=models.CASCADE, primary_key=True)
    condition_since = models.DateTimeField(null=True, blank=True)
    condition_level = models.CharField(max_length=10, blank=True)
    last_time = models.DateTimeField(null=True, blank=True)
    last_value = models.FloatField(null=True, blank=True)
    in_episode = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.rule_id}: {'episode' if self.in_episode else 'idle'}"


class Alarm(models.Model):
    rule = models.ForeignKey(Rule, on_delete=models.SET_NULL, null=True, related_name="alarms")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="alarms")
    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    peak_level = models.CharField(max_length=10, choices=Level.choices)
    status = models.CharField(
        max_length=15, choices=AlarmStatus.choices, default=AlarmStatus.ACTIVE, db_index=True
    )
    message = models.CharField(max_length=300)
    value = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField(_("mulai"))  # when the condition began (reading time)
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    incident_id = models.PositiveBigIntegerField(null=True, blank=True)
    incident_number = models.CharField(max_length=40, blank=True)
    incident_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarm")
        constraints = [
            # One open episode per rule: two ingest batches racing to raise the same
            # alarm cannot both insert.
            models.UniqueConstraint(
                fields=["rule"],
                condition=~Q(status="cleared"),
                name="sensors_alarm_one_open_per_rule",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.message}"

    @property
    def is_open(self) -> bool:
        return self.status != AlarmStatus.CLEARED


class AlarmNote(models.Model):
    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="notes")
    at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_label = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.author_label}: {self.text[:40]}"


class AlarmSubscription(models.Model):
    """Which alarms notify a user, and how: the channels of kendali.core.notifiers (in-app
    inbox, e-mail to the user's address, webhook, Telegram chat)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sensor_subscription"
    )
    min_level = models.CharField(max_length=10, choices=Level.choices, default=Level.SIAGA)
    kinds = models.JSONField(default=list, blank=True)  # device kinds; empty = all
    only_my_agency = models.BooleanField(default=False)
    in_app = models.BooleanField(_("kotak masuk aplikasi"), default=True)
    email = models.BooleanField(_("e-mail"), default=False)
    webhook_url = models.URLField(_("webhook"), blank=True)
    telegram_chat = models.CharField(_("chat Telegram"), max_length=60, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} >= {self.min_level}"
