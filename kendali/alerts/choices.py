"""CAP 1.2 code lists (values are the standard's own words; labels are Indonesian)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertState(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Menunggu persetujuan")
    PUBLISHED = "published", _("Terbit")
    SUPERSEDED = "superseded", _("Digantikan pembaruan")
    CANCELLED = "cancelled", _("Dibatalkan")
    EXPIRED = "expired", _("Kedaluwarsa")


class CapStatus(models.TextChoices):
    ACTUAL = "Actual", _("Sungguhan")
    EXERCISE = "Exercise", _("Latihan")
    TEST = "Test", _("Uji sistem")


class MsgType(models.TextChoices):
    ALERT = "Alert", _("Peringatan")
    UPDATE = "Update", _("Pembaruan")
    CANCEL = "Cancel", _("Pembatalan")


class Category(models.TextChoices):
    GEO = "Geo", _("Geofisika (gempa, tanah longsor)")
    MET = "Met", _("Meteorologi (banjir, cuaca)")
    SAFETY = "Safety", _("Keselamatan umum")
    SECURITY = "Security", _("Keamanan")
    RESCUE = "Rescue", _("Penyelamatan")
    FIRE = "Fire", _("Kebakaran")
    HEALTH = "Health", _("Kesehatan")
    ENV = "Env", _("Lingkungan (pencemaran)")
    TRANSPORT = "Transport", _("Transportasi")
    INFRA = "Infra", _("Infrastruktur (listrik, air)")
    CBRNE = "CBRNE", _("Kimia, biologi, radiologi, nuklir, bahan peledak")
    OTHER = "Other", _("Lainnya")


class Urgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("Segera bertindak")
    EXPECTED = "Expected", _("Dalam waktu dekat (± 1 jam)")
    FUTURE = "Future", _("Dalam waktu mendatang")
    PAST = "Past", _("Sudah lewat")
    UNKNOWN = "Unknown", _("Tidak diketahui")


class Severity(models.TextChoices):
    EXTREME = "Extreme", _("Ekstrem")
    SEVERE = "Severe", _("Berat")
    MODERATE = "Moderate", _("Sedang")
    MINOR = "Minor", _("Ringan")
    UNKNOWN = "Unknown", _("Tidak diketahui")


class Certainty(models.TextChoices):
    OBSERVED = "Observed", _("Teramati")
    LIKELY = "Likely", _("Kemungkinan besar")
    POSSIBLE = "Possible", _("Mungkin")
    UNLIKELY = "Unlikely", _("Kecil kemungkinan")
    UNKNOWN = "Unknown", _("Tidak diketahui")


class AreaKind(models.TextChoices):
    KELURAHAN = "kelurahan", _("Kelurahan")
    KECAMATAN = "kecamatan", _("Kecamatan")
    CIRCLE = "circle", _("Lingkaran di peta")


# CAP info languages offered by the form: Indonesian always, English optional.
LANG_ID = "id-ID"
LANG_EN = "en-US"

# Severity → colour on the wall and the public pages.
SEVERITY_COLORS = {
    Severity.EXTREME: "#7a0019",
    Severity.SEVERE: "#d7301f",
    Severity.MODERATE: "#fc8d59",
    Severity.MINOR: "#fdcc8a",
    Severity.UNKNOWN: "#969696",
}
