from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """How a 112 call ended up being classified (the Serang tagging SOP)."""

    DARURAT = "darurat", _("Darurat")
    INFORMASI = "informasi", _("Informasi/pengaduan")
    ISENG = "iseng", _("Iseng")
    GHOST = "ghost", _("Ghost (diam)")
    SALAH_SAMBUNG = "salah_sambung", _("Salah sambung")
    TERPUTUS = "terputus", _("Terputus")
    UJI = "uji", _("Uji")


# Outcomes that mean "no real request": used by reports for the genuine share.
NOISE_OUTCOMES = frozenset(
    {Outcome.ISENG, Outcome.GHOST, Outcome.SALAH_SAMBUNG, Outcome.TERPUTUS, Outcome.UJI}
)
GENUINE_OUTCOMES = frozenset({Outcome.DARURAT, Outcome.INFORMASI})


class CallState(models.TextChoices):
    RINGING = "ringing", _("Berdering")
    ANSWERED = "answered", _("Dijawab")
    ENDED = "ended", _("Selesai")


class NumberFlag(models.TextChoices):
    VALID = "", _("Valid")
    WITHHELD = "withheld", _("Disembunyikan")
    INVALID = "invalid", _("Tidak valid/rusak")


class CallSource(models.TextChoices):
    PBX = "pbx", _("PBX")
    MANUAL = "manual", _("Entri manual")


class EventKind(models.TextChoices):
    OFFERED = "offered", _("Masuk")
    ANSWERED = "answered", _("Dijawab")
    TRANSFERRED = "transferred", _("Dialihkan")
    ENDED = "ended", _("Selesai")
    ABANDONED = "abandoned", _("Ditinggalkan")
