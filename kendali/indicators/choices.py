from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    HIGHER = "higher", _("Makin tinggi makin baik")
    LOWER = "lower", _("Makin rendah makin baik")


class SourceKind(models.TextChoices):
    LIVE = "live", _("Langsung dari Kendali")
    ENTERED = "entered", _("Diisi OPD")


class FigureStatus(models.TextChoices):
    SUBMITTED = "diajukan", _("Menunggu persetujuan")
    APPROVED = "disetujui", _("Disetujui")
    REJECTED = "ditolak", _("Ditolak")


class Frequency(models.TextChoices):
    """Satu Data Indonesia frequencies and their DCAT (EU frequency vocabulary) names."""

    HOURLY = "jam-an", _("Per jam")
    DAILY = "harian", _("Harian")
    MONTHLY = "bulanan", _("Bulanan")
    YEARLY = "tahunan", _("Tahunan")


DCAT_FREQUENCY = {
    Frequency.HOURLY: "HOURLY",
    Frequency.DAILY: "DAILY",
    Frequency.MONTHLY: "MONTHLY",
    Frequency.YEARLY: "ANNUAL",
}


# Where a target says how the indicator is doing against it.
class Standing(models.TextChoices):
    MET = "tercapai", _("Target tercapai")
    NOT_MET = "belum", _("Belum mencapai target")
    NO_TARGET = "tanpa-target", _("Belum ada target")
    NO_DATA = "tanpa-data", _("Tidak ada data")
