from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    P1 = "P1", _("P1 — Darurat jiwa")
    P2 = "P2", _("P2 — Mendesak")
    P3 = "P3", _("P3 — Perlu penanganan")
    P4 = "P4", _("P4 — Tidak mendesak")


class IncidentStatus(models.TextChoices):
    BARU = "baru", _("Baru")
    DIPROSES = "diproses", _("Diproses")
    SELESAI = "selesai", _("Selesai")
    DIBATALKAN = "dibatalkan", _("Dibatalkan")
    DIGABUNG = "digabung", _("Digabung")


OPEN_STATUSES = (IncidentStatus.BARU, IncidentStatus.DIPROSES)
CLOSED_STATUSES = (IncidentStatus.SELESAI, IncidentStatus.DIBATALKAN, IncidentStatus.DIGABUNG)


class IncidentSource(models.TextChoices):
    CALL = "call", _("Panggilan 112")
    SENSOR = "sensor", _("Sensor")
    MANUAL = "manual", _("Input manual")
    CITIZEN = "citizen", _("Laporan warga")


class LocationFlag(models.TextChoices):
    NONE = "", _("Di dalam kota")
    TANPA_KOORDINAT = "tanpa_koordinat", _("Tanpa koordinat")
    DI_LUAR_KOTA = "di_luar_kota", _("Di luar Kota Serang")


class TimelineKind(models.TextChoices):
    CREATED = "created", _("Dibuat")
    STATUS = "status", _("Status")
    UPDATED = "updated", _("Diubah")
    NOTE = "note", _("Catatan")
    CALL = "call", _("Panggilan terkait")
    MERGED = "merged", _("Digabung")
    DISPATCH = "dispatch", _("Penugasan")
    SENSOR = "sensor", _("Sensor")
    OTHER = "other", _("Lainnya")


# Colours of the priority badges and map markers (also used by the control room).
PRIORITY_COLORS = {
    Priority.P1: "#c62828",
    Priority.P2: "#ef6c00",
    Priority.P3: "#f9a825",
    Priority.P4: "#1565c0",
}
