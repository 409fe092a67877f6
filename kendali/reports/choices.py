"""Enums of citizen reports, with Indonesian labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    """What the public sees. FixMyStreet's users asked for "closed, not fixed" and for
    reopening, so both are states of their own."""

    OPEN = "open", _("Terbuka")
    IN_PROGRESS = "in_progress", _("Dalam proses")
    FIXED = "fixed", _("Selesai diperbaiki")
    CLOSED_NOT_FIXED = "closed_not_fixed", _("Ditutup, tidak diperbaiki")
    REOPENED = "reopened", _("Dibuka kembali")


# Open311 knows only open|closed.
OPEN_STATUSES = frozenset({ReportStatus.OPEN, ReportStatus.IN_PROGRESS, ReportStatus.REOPENED})
CLOSED_STATUSES = frozenset({ReportStatus.FIXED, ReportStatus.CLOSED_NOT_FIXED})


class Stage(models.TextChoices):
    """Where the report is in the SP4N-LAPOR! handling (the staff side)."""

    NEW = "new", _("Menunggu verifikasi")
    FORWARDED = "forwarded", _("Diteruskan ke OPD")
    ON_HOLD = "on_hold", _("Ditunda")
    FOLLOWED_UP = "followed_up", _("Sudah ditindaklanjuti")
    FINISHED = "finished", _("Selesai")
    ARCHIVED = "archived", _("Diarsipkan")


class Geometry(models.TextChoices):
    POINT = "point", _("Titik")
    LINE = "line", _("Ruas jalan/saluran")


class Source(models.TextChoices):
    WEB = "web", _("Halaman publik")
    OPEN311 = "open311", _("Open311")
    STAFF = "staff", _("Petugas")


class UpdateKind(models.TextChoices):
    CREATED = "created", _("Laporan diterima")
    VERIFIED = "verified", _("Diverifikasi dan diteruskan")
    HELD = "held", _("Ditunda")
    RESUMED = "resumed", _("Dilanjutkan")
    REFERRED = "referred", _("Bukan wewenang, diteruskan")
    FOLLOWUP = "followup", _("Tindak lanjut")
    STATUS = "status", _("Status berubah")
    REOPENED = "reopened", _("Dibuka kembali oleh pelapor")
    FINISHED = "finished", _("Selesai (tanpa keberatan pelapor)")
    ARCHIVED = "archived", _("Diarsipkan")
    ESCALATED = "escalated", _("Dieskalasi ke 112")
    HIDDEN = "hidden", _("Disembunyikan moderator")
    ASSET = "asset", _("Dikaitkan dengan barang milik daerah")


class HideReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    ABUSE = "abuse", _("Kasar/melecehkan")
    PERSONAL = "personal", _("Memuat data pribadi")
    OTHER = "other", _("Lainnya")
