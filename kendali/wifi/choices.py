from django.db import models
from django.utils.translation import gettext_lazy as _


class ApStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Belum ada kabar")
    ONLINE = "online", _("Daring")
    OFFLINE = "offline", _("Luring")


class SubscriberKind(models.TextChoices):
    PHONE = "phone", _("Nomor ponsel")
    VOUCHER = "voucher", _("Voucher")


class AuthResult(models.TextChoices):
    ACCEPT = "accept", _("Diterima")
    REJECT = "reject", _("Ditolak")


class RadiusProblem(models.TextChoices):
    UNKNOWN_NAS = "unknown_nas", _("NAS tidak dikenal")
    MALFORMED = "malformed", _("Accounting tidak valid")
    UNKNOWN_SESSION = "unknown_session", _("Sesi tidak dikenal")
